# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every RouterOS module of the collection, as data: its argument spec, the rules between its options
and the body that reads and converges the router.

Two callers run a module through ``execute()``: the module file's ``main()`` (a module process, when
the module is run on its own) and the action plugin of the same name (in the controller's worker,
see plugins/plugin_utils/_routeros_action.py). Both validate the task's options against the same
``ModuleSpec``, so the two ways cannot drift apart.
"""

from __future__ import annotations

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import (
    _certificates,
    _ovpn_client,
    _policy_routing,
)
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import (
    CONNECTION_ARGUMENT_SPEC,
    InvalidInputError,
    RouterOSError,
    connect,
)
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import MenuSpec, sync


class ModuleSpec:
    """One module: ``options`` (its own, beside the connection options every module takes), the
    AnsibleModule rules (``required_if``, ``required_together``, ...) and ``body(session, params,
    check_mode)``, which returns the result dict (``changed``, ``changes``, ``diff``, ``warnings``...)."""

    def __init__(self, name, options, body, prepare=None, **rules):
        self.name = name
        self.options = options
        self.argument_spec = dict(CONNECTION_ARGUMENT_SPEC)
        self.argument_spec.update(options)
        self.rules = rules
        self.body = body
        # prepare(params) -> (params, secrets): checks what the spec alone cannot (before any connection)
        # and names the values to mask that the spec does not know as no_log.
        self.prepare = prepare or (lambda params: (params, set()))

    def ansible_module_kwargs(self):
        """Keyword arguments for AnsibleModule."""
        return dict(self.rules, argument_spec=self.argument_spec, supports_check_mode=True)

    def run(self, module):
        """``main()`` of the module file: run the body in this module process and exit."""
        try:
            params, secrets = self.prepare(module.params)
            module.no_log_values.update(secrets)
            result = execute(self, params, module.check_mode, module._diff)
        except RouterOSError as exc:
            module.no_log_values.update(getattr(exc, "secrets", ()))
            module.fail_json(msg=str(exc), changes=[])
        for warning in result.pop("warnings", []):
            module.warn(warning)
        module.exit_json(**result)


def execute(spec, params, check_mode, diff_mode):
    """The one path every run takes: connect with the connection options in ``params``, run the
    body, add the router's release and the session's warnings. ``diff`` is returned in diff mode only.

    Raises RouterOSError (its message names the router and the rule broken) for the caller to fail with.
    """
    with connect(params) as session:
        result = spec.body(session, params, check_mode)
        result["release"] = session.release
        result["warnings"] = session.warnings + result.get("warnings", [])
    if not diff_mode:
        result.pop("diff", None)
    return result


def _release(session, params, check_mode):
    # connect() has already read /system/resource to pick the dialect: no second sentence needed.
    if params.get("require_ipv6"):
        session.require_ipv6("IPv6 (/ipv6, /interface/6to4)")
    return {"changed": False, "version_text": session.version_text}


def _owned_entries(session, params, check_mode):
    # Several menus in one call share one connection and one read phase: every menu is read and
    # planned before the first change. Removal goes in the reverse order (what sits on an interface first).
    menus = params["menus"] if params["menus"] is not None else [params]
    specs = [MenuSpec(menu["path"], params["owner"], menu["entries"], ordered=menu["ordered"],
                      place_before=menu["place_before"], state=params["state"]) for menu in menus]
    return sync(session, specs if params["state"] == "present" else specs[::-1], check_mode)


def _policy_routing_body(session, params, check_mode):
    if params["rules"] is not None:
        # Drop the unset suboptions so a rule holds only what was asked.
        params = dict(params, rules=[dict((name, value) for name, value in rule.items() if value is not None)
                                     for rule in params["rules"]])
    return _policy_routing.ensure(session, params, check_mode)


_STATE = dict(type="str", choices=["present", "absent"], default="present")

# One menu of routeros_owned_entries: given at the top level, or as each item of its option menus.
_MENU_OPTIONS = dict(
    path=dict(type="str", required=True),
    entries=dict(type="list", elements="dict", default=[]),
    ordered=dict(type="bool"),
    place_before=dict(type="str"),
)

_POLICY_RULE_OPTIONS = dict(
    key=dict(type="str", required=True, no_log=False),
    route=dict(type="str", choices=["vpn", "direct"], default="vpn"),
    chain=dict(type="str", choices=["prerouting", "output"], default="prerouting"),
    from_lan=dict(type="bool", default=False),
    protocol=dict(type="str"),
    src_address=dict(type="str"),
    dst_address=dict(type="str"),
    src_port=dict(type="str"),
    dst_port=dict(type="str"),
    in_interface=dict(type="str"),
    out_interface=dict(type="str"),
)

MODULES = dict((spec.name, spec) for spec in [
    ModuleSpec("routeros_release", dict(require_ipv6=dict(type="bool", default=False)), _release),
    ModuleSpec("routeros_owned_entries", dict(
        path=dict(type="str"),
        owner=dict(type="str", required=True),
        entries=dict(_MENU_OPTIONS["entries"]),
        ordered=dict(_MENU_OPTIONS["ordered"]),
        place_before=dict(_MENU_OPTIONS["place_before"]),
        menus=dict(type="list", elements="dict", options=_MENU_OPTIONS),
        state=dict(_STATE),
    ), _owned_entries, required_one_of=[("path", "menus")], mutually_exclusive=[("path", "menus")]),
    ModuleSpec("routeros_certificate", dict(
        name=dict(type="str", required=True),
        certificate=dict(type="str"),
        private_key=dict(type="str", no_log=True),
        private_key_passphrase=dict(type="str", no_log=True),
        ca_certificate=dict(type="str"),
        ca_name=dict(type="str"),
        file_wait=dict(type="float", default=10.0),
        state=dict(_STATE),
    ), _certificates.ensure, required_together=[("certificate", "private_key")]),
    ModuleSpec("routeros_ovpn_client", dict(
        name=dict(type="str", default="ovpn6"),
        connect_to=dict(type="str"),
        connect_port=dict(type="int", default=1194),
        transport=dict(type="str", choices=["tcp", "udp"], default="tcp"),
        mode=dict(type="str", choices=["ip", "ethernet"], default="ip"),
        ovpn_user=dict(type="str"),
        ovpn_password=dict(type="str", default="", no_log=True),
        certificate=dict(type="str"),
        cipher_strength=dict(type="int", choices=[128, 192, 256], default=256),
        cipher_mode=dict(type="str", choices=["cbc", "gcm"], default="cbc"),
        auth=dict(type="str", choices=["md5", "sha1", "sha256", "sha384", "sha512", "null"]),
        verify_server_certificate=dict(type="bool", default=True),
        add_default_route=dict(type="bool", default=False),
        max_mtu=dict(type="int"),
        disabled=dict(type="bool", default=False),
        owner=dict(type="str", default="ovpn"),
        state=dict(_STATE),
    ), _ovpn_client.ensure, required_if=[("state", "present", ("connect_to", "ovpn_user", "certificate"))]),
    ModuleSpec("routeros_policy_routing", dict(
        table=dict(type="str", default="ovpn6"),
        tunnel_interface=dict(type="str"),
        lan_interface=dict(type="str", default="bridge"),
        wan_interface=dict(type="str", default="ether1"),
        hub_address=dict(type="str"),
        rules=dict(type="list", elements="dict", options=_POLICY_RULE_OPTIONS),
        masquerade_src_addresses=dict(type="list", elements="str", default=[]),
        mangle_place_before=dict(type="str"),
        filter_place_before=dict(type="str"),
        admit_from_vpn=dict(type="bool", default=True),
        management_ports=dict(type="list", elements="str"),
        nat_place_before=dict(type="str"),
        owner=dict(type="str", default="policy"),
        state=dict(_STATE),
    ), _policy_routing_body, required_if=[("state", "present", ("tunnel_interface",))]),
])


# routeros_session: several of the modules above as steps over one API connection.
SESSION_STEP_MODULES = sorted(MODULES)


def _session_prepare(params):
    """Each step's options checked against its module's spec before any connection; their secrets."""
    steps, secrets, problems = [], set(), []
    for number, step in enumerate(params["steps"], 1):
        spec = MODULES[step["module"]]
        arguments = step["args"] or {}
        misplaced = sorted(set(arguments) & set(CONNECTION_ARGUMENT_SPEC))
        validation = ArgumentSpecValidator(spec.options, **spec.rules).validate(
            dict((name, value) for name, value in arguments.items() if name not in misplaced))
        # Every step's secrets are known before any message is given, whichever step is refused.
        secrets.update(validation._no_log_values)
        if misplaced:
            problems.append("step %d (%s): %s belong to the task, not to a step: every step shares its connection"
                            % (number, step["module"], ", ".join(misplaced)))
        elif validation.error_messages:
            problems.append("step %d (%s): %s" % (number, step["module"], validation.errors.msg))
        steps.append((step["module"], validation.validated_parameters))
    if problems:
        error = InvalidInputError("; ".join(problems))
        error.secrets = secrets
        raise error
    connection = dict((name, params[name]) for name in CONNECTION_ARGUMENT_SPEC)
    return dict(params, steps=[(name, dict(connection, **options)) for name, options in steps]), secrets


def _session(session, params, check_mode):
    results, changes, diffs, warnings = [], [], [], []
    for number, (name, step_params) in enumerate(params["steps"], 1):
        try:
            result = MODULES[name].body(session, step_params, check_mode)
        except RouterOSError as exc:
            done = "; before it: %s" % ", ".join(changes) if changes else "; no step before it changed anything"
            raise type(exc)("step %d (%s): %s%s" % (number, name, exc, done))
        warnings.extend(result.pop("warnings", []))
        if "diff" in result:
            diffs.append(dict(result.pop("diff"), before_header="%s (step %d)" % (name, number),
                              after_header="%s (step %d)" % (name, number)))
        changes.extend(result.get("changes", []))
        results.append(dict(result, module=name))
    return {"changed": any(result.get("changed") for result in results), "changes": changes, "steps": results,
            "diff": diffs, "warnings": warnings}


MODULES["routeros_session"] = ModuleSpec("routeros_session", dict(
    steps=dict(type="list", elements="dict", required=True, options=dict(
        module=dict(type="str", required=True, choices=SESSION_STEP_MODULES),
        args=dict(type="dict", default={}),
    )),
), _session, prepare=_session_prepare)
