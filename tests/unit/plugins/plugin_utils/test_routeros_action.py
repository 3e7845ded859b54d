# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin base: the same validation and messages as the module, check and diff mode passed
through, no_log values masked everywhere, the body run in process (a fake session, no protocol)."""

from __future__ import annotations

import importlib
import json
from unittest import mock

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _module_specs
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES, ModuleSpec
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError
from ansible_collections.tunnelworks.ovpn6.plugins.plugin_utils._routeros_action import RouterOSActionBase

SECRET = "s3cret-pass"
KEY = "-----BEGIN PRIVATE KEY-----\nsecret key body\n-----END PRIVATE KEY-----"
MODULE_NAMES = ["routeros_certificate", "routeros_ovpn_client", "routeros_owned_entries", "routeros_policy_routing",
                "routeros_release", "routeros_session"]


class FakeSession:
    release = "7.16.0"
    version_text = "7.16 (stable)"

    def __init__(self, params):
        self.params = params
        self.warnings = ["router fake: a session warning"]
        self.closed = False

    def require_ipv6(self, path):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.closed = True


@pytest.fixture
def sessions(monkeypatch):
    """The sessions the plugin opened, instead of API connections."""
    opened = []

    def connect(params):
        opened.append(FakeSession(params))
        return opened[-1]

    monkeypatch.setattr(_module_specs, "connect", connect)
    return opened


@pytest.fixture
def echo_module(monkeypatch):
    """A module whose body says what it was given, secrets included, in every part of its result."""
    calls = []

    def body(session, params, check_mode):
        calls.append((params, check_mode))
        if params["fail"]:
            raise InvalidInputError("refused %s and %s" % (params["password"], params["private_key"]))
        return {"changed": not check_mode, "changes": ["set key=%s" % params["private_key"]],
                "diff": {"before": "", "after": "password=%s" % params["password"]},
                "warnings": ["a body warning about %s" % params["private_key"]]}

    spec = ModuleSpec("routeros_echo", dict(private_key=dict(type="str", no_log=True),
                                            fail=dict(type="bool", default=False),
                                            state=dict(type="str", choices=["present", "absent"], default="present")),
                      body, required_if=[("state", "present", ("private_key",))])
    monkeypatch.setitem(MODULES, spec.name, spec)
    return calls


def run_action(module, args, check_mode=False, diff=False, task_vars=None):
    task = mock.MagicMock(args=args, check_mode=check_mode, diff=diff, async_val=0,
                          action=module, resolved_action="tunnelworks.ovpn6.%s" % module)
    connection = mock.MagicMock()
    connection._shell.tmpdir = None
    # Inventory values here are plain, so templating one gives it back.
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value

    class Action(RouterOSActionBase):
        MODULE = module

    return Action(task, connection, mock.MagicMock(), None, templar, None).run(task_vars=task_vars or {})


def run_module(module, args, capsys):
    """The same options through AnsibleModule, as the module file builds it: its fail_json output."""
    spec = MODULES[module]
    with patch_module_args(dict(args, _ansible_module_name="tunnelworks.ovpn6.%s" % module)), pytest.raises(SystemExit):
        AnsibleModule(**spec.ansible_module_kwargs())
    return json.loads(capsys.readouterr().out)


def test_a_run_opens_its_own_session_and_returns_the_body_result(sessions, echo_module):
    result = run_action("routeros_echo", {"hostname": "192.0.2.1", "password": SECRET, "private_key": KEY})
    assert len(sessions) == 1 and sessions[0].closed
    assert sessions[0].params["hostname"] == "192.0.2.1" and sessions[0].params["port"] is None
    assert result["changed"] is True and result["release"] == "7.16.0"
    assert result["warnings"] == ["router fake: a session warning", "a body warning about ********"]
    assert echo_module[0][1] is False


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("diff", [False, True])
def test_check_and_diff_mode_follow_the_task(sessions, echo_module, check_mode, diff):
    result = run_action("routeros_echo", {"hostname": "h", "private_key": KEY}, check_mode=check_mode, diff=diff)
    assert echo_module[0][1] is check_mode
    assert result["changed"] is (not check_mode)
    assert ("diff" in result) is diff


def test_no_log_values_are_masked_in_result_warnings_diff_and_invocation(sessions, echo_module):
    result = run_action("routeros_echo", {"hostname": "h", "password": SECRET, "private_key": KEY}, diff=True)
    text = json.dumps(result)
    assert SECRET not in text and "secret key body" not in text
    assert result["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["invocation"]["module_args"]["hostname"] == "h"
    assert result["diff"]["after"] == "password=********"
    # the body itself was given the real values
    assert echo_module[0][0]["password"] == SECRET and echo_module[0][0]["private_key"] == KEY


def test_a_router_error_fails_the_task_with_its_message_masked(sessions, echo_module):
    result = run_action("routeros_echo", {"hostname": "h", "password": SECRET, "private_key": KEY, "fail": True})
    assert result["failed"] is True and result["changed"] is False and result["changes"] == []
    assert result["msg"] == "refused ******** and ********"
    assert SECRET not in json.dumps(result)


@pytest.mark.parametrize("module, args", [
    ("routeros_release", {"hostname": "h", "password": SECRET, "bogus": 1}),
    ("routeros_release", {"hostname": "h", "password": SECRET, "timeout": "soon"}),
    ("routeros_release", {"hostname": "h", "port": "eighty"}),
    ("routeros_ovpn_client", {"hostname": "h", "password": SECRET, "transport": "sctp"}),
    ("routeros_ovpn_client", {"hostname": "h", "connect_to": "203.0.113.1"}),
    ("routeros_certificate", {"hostname": "h", "name": "c", "certificate": "pem"}),
    ("routeros_policy_routing", {"hostname": "h", "tunnel_interface": "t", "rules": [{"key": "a", "routes": "vpn"}]}),
    ("routeros_policy_routing", {"hostname": "h", "tunnel_interface": "t", "rules": [{"route": "vpn"}]}),
    ("routeros_owned_entries", {"hostname": "h", "path": "/ip/route"}),
])
def test_bad_options_fail_with_the_module_message_before_any_connection(sessions, capsys, module, args):
    result = run_action(module, args)
    expected = run_module(module, args, capsys)
    assert result["failed"] is True and result["msg"] == expected["msg"]
    assert result["invocation"] == expected["invocation"]
    assert sessions == []
    assert SECRET not in json.dumps(result)


def test_connection_options_not_on_the_task_come_from_the_hosts_inventory_variables(sessions, echo_module):
    host = {"inventory_hostname": "rtr1", "ansible_host": "192.0.2.7", "ovpn6_routeros_password": SECRET,
            "ovpn6_routeros_tls": True, "ovpn6_routeros_port": 8730, "ovpn6_routeros_username": "inventory-user"}
    result = run_action("routeros_echo", {"private_key": KEY, "username": "task-user"}, task_vars=host)
    params = sessions[0].params
    assert params["hostname"] == "192.0.2.7" and params["password"] == SECRET and params["tls"] is True
    assert params["port"] == 8730 and params["timeout"] == 10
    # the task (or module_defaults) wins over the inventory
    assert params["username"] == "task-user"
    assert SECRET not in json.dumps(result)


def test_without_ansible_host_the_router_is_the_hosts_name(sessions, echo_module):
    run_action("routeros_echo", {"private_key": KEY}, task_vars={"inventory_hostname": "rtr1"})
    assert sessions[0].params["hostname"] == "rtr1" and sessions[0].params["username"] == "admin"


def test_the_unsupported_parameter_message_names_the_module():
    result = run_action("routeros_release", {"hostname": "h", "bogus": 1})
    assert result["msg"].startswith("Unsupported parameters for (tunnelworks.ovpn6.routeros_release) module: bogus. "
                                    "Supported parameters include: ca_path, force_no_cert, hostname, password, port")


def test_an_alias_and_its_option_both_set_warn_as_the_module_does(sessions):
    result = run_action("routeros_release", {"hostname": "h", "tls": True, "ssl": True})
    assert "Both option tls and its alias ssl are set." in result["warnings"]


def test_valid_options_are_coerced_with_defaults_as_the_module_does(sessions, monkeypatch):
    monkeypatch.setattr(MODULES["routeros_policy_routing"], "body", lambda session, params, check_mode: {})
    args = {"hostname": "h", "port": "8729", "tls": "yes", "tunnel_interface": "ovpn6",
            "rules": [{"key": "a", "from_lan": "true"}]}
    run_action("routeros_policy_routing", args)
    with patch_module_args(args):
        module = AnsibleModule(**MODULES["routeros_policy_routing"].ansible_module_kwargs())
    assert sessions[0].params == module.params
    assert sessions[0].params["port"] == 8729 and sessions[0].params["rules"][0]["route"] == "vpn"


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_each_action_plugin_names_its_module_and_each_module_file_documents_it(module):
    plugin = importlib.import_module("ansible_collections.tunnelworks.ovpn6.plugins.action.%s" % module)
    assert plugin.ActionModule.MODULE == module and issubclass(plugin.ActionModule, RouterOSActionBase)
    documented = importlib.import_module("ansible_collections.tunnelworks.ovpn6.plugins.modules.%s" % module)
    assert "module: %s\n" % module in documented.DOCUMENTATION
    assert not plugin.ActionModule._requires_connection


def test_the_module_file_runs_the_same_body(sessions, capsys):
    main = importlib.import_module("ansible_collections.tunnelworks.ovpn6.plugins.modules.routeros_release").main
    with patch_module_args({"hostname": "h", "password": SECRET}), pytest.raises(SystemExit):
        main()
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["release"] == "7.16.0" and out["version_text"] == "7.16 (stable)" and not out["changed"]
    # in a module process the warning goes into the result; in this (controller) process, to the display
    assert "router fake: a session warning" in json.dumps(out.get("warnings", [])) + captured.err
    assert "diff" not in out and SECRET not in json.dumps(out)


@pytest.fixture
def recorded_bodies(monkeypatch):
    """The bodies of two real modules replaced by recorders, as routeros_session's steps call them."""
    calls = []
    for name in ("routeros_certificate", "routeros_ovpn_client"):
        def body(session, params, check_mode, name=name):
            calls.append((name, session, params, check_mode))
            return {"changed": name == "routeros_ovpn_client", "changes": ["%s: key=%s" % (name, params.get("private_key"))],
                    "diff": {"before": "", "after": name}, "warnings": ["%s warns" % name]}
        monkeypatch.setattr(MODULES[name], "body", body)
    return calls


SESSION_STEPS = [{"module": "routeros_certificate", "args": {"name": "c", "certificate": "pem", "private_key": KEY}},
                 {"module": "routeros_ovpn_client", "args": {"connect_to": "203.0.113.1", "ovpn_user": "u",
                                                             "certificate": "c", "ovpn_password": SECRET}}]


def test_a_session_runs_its_steps_in_order_over_one_connection(sessions, recorded_bodies):
    result = run_action("routeros_session", {"hostname": "192.0.2.1", "password": SECRET, "steps": SESSION_STEPS},
                        diff=True)
    assert len(sessions) == 1
    assert [(name, session) for name, session, _params, _check_mode in recorded_bodies] == [
        ("routeros_certificate", sessions[0]), ("routeros_ovpn_client", sessions[0])]
    # each step gets its module's defaults and the task's connection
    cert_params, ovpn_params = recorded_bodies[0][2], recorded_bodies[1][2]
    assert cert_params["hostname"] == ovpn_params["hostname"] == "192.0.2.1" and cert_params["file_wait"] == 10.0
    assert ovpn_params["transport"] == "tcp" and ovpn_params["ovpn_password"] == SECRET
    assert result["changed"] is True and [step["module"] for step in result["steps"]] == [
        "routeros_certificate", "routeros_ovpn_client"]
    assert [part["after_header"] for part in result["diff"]] == ["routeros_certificate (step 1)",
                                                                 "routeros_ovpn_client (step 2)"]
    assert "routeros_ovpn_client warns" in result["warnings"]
    text = json.dumps(result)
    assert SECRET not in text and "secret key body" not in text


def test_without_diff_mode_a_session_returns_no_diff(sessions, recorded_bodies):
    result = run_action("routeros_session", {"hostname": "h", "steps": SESSION_STEPS})
    assert "diff" not in result and all("diff" not in step for step in result["steps"])


@pytest.mark.parametrize("bad_step, message", [
    ({"module": "routeros_ovpn_client", "args": {"connect_to": "a", "ovpn_user": "u", "certificate": "c",
                                                 "transport": "sctp"}},
     "step 2 (routeros_ovpn_client): value of transport must be one of: tcp, udp, got: sctp"),
    ({"module": "routeros_ovpn_client", "args": {"password": "x"}},
     "step 2 (routeros_ovpn_client): password belong to the task, not to a step"),
])
def test_a_bad_step_is_refused_before_any_connection_with_every_secret_masked(sessions, recorded_bodies, bad_step,
                                                                              message):
    result = run_action("routeros_session", {"hostname": "h", "steps": [SESSION_STEPS[0], bad_step]})
    assert result["failed"] is True and message in result["msg"]
    assert sessions == [] and recorded_bodies == []
    assert "secret key body" not in json.dumps(result)


def test_a_step_the_router_refuses_names_the_step_and_what_came_before(sessions, recorded_bodies, monkeypatch):
    def refuse(session, params, check_mode):
        raise InvalidInputError("cipher refused")
    monkeypatch.setattr(MODULES["routeros_ovpn_client"], "body", refuse)
    result = run_action("routeros_session", {"hostname": "h", "steps": SESSION_STEPS})
    assert result["failed"] is True
    assert result["msg"] == "step 2 (routeros_ovpn_client): cipher refused; before it: routeros_certificate: key=********"
