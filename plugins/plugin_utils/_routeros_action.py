# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin every RouterOS module of the collection runs through.

A module process per task per router (AnsiballZ built, written, started, its Python and imports
loaded) costs far more than the few API sentences a task sends. The action plugin of a module
(plugins/action/<module>.py, a subclass naming its module) does the module's work in the
controller's worker instead: it validates the task's options against the module's own spec
(module_utils/_module_specs.py), opens its own API connection (module_utils/_routeros.py) and runs
the module's body in process, in check and diff mode as the task asks. What it returns is what the
module would: the same keys, the same messages, no_log values masked everywhere, ``invocation``.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES, execute
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import (
    CONNECTION_INVENTORY_VARIABLES,
    RouterOSError,
)

COLLECTION = "tunnelworks.ovpn6"


class RouterOSActionBase(ActionBase):
    """Runs module ``MODULE`` (its short name) of the collection in process."""

    MODULE = None
    TRANSFERS_FILES = False
    # The API connection is the plugin's own: the host's connection plugin is never used.
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        spec = MODULES[self.MODULE]
        args = self._with_inventory_connection(self._task.args, task_vars or {})
        validation = ArgumentSpecValidator(spec.argument_spec, **spec.rules).validate(args)
        params = validation.validated_parameters
        warnings = ["Both option %(option)s and its alias %(alias)s are set." % warning
                    for warning in validation._warnings]
        secrets = set(validation._no_log_values)
        if validation.error_messages:
            result.update(failed=True, changed=False, msg=self._validation_message(validation))
        else:
            try:
                prepared, more_secrets = spec.prepare(params)
                secrets.update(more_secrets)
                outcome = execute(spec, prepared, self._task.check_mode, self._task.diff)
            except RouterOSError as exc:
                secrets.update(getattr(exc, "secrets", ()))
                result.update(failed=True, changed=False, msg=str(exc), changes=[])
            else:
                warnings.extend(outcome.pop("warnings", []))
                result.update(outcome)
        if warnings:
            result["warnings"] = warnings
        if validation._deprecations:
            result["deprecations"] = validation._deprecations
        result["invocation"] = {"module_args": params}
        return remove_values(result, secrets)

    def _with_inventory_connection(self, args, task_vars):
        """The task's options, with each connection option it does not give taken from the host's variables."""
        args = dict(args)
        for option, variable in CONNECTION_INVENTORY_VARIABLES.items():
            if option not in args and task_vars.get(variable) is not None:
                args[option] = self._templar.template(task_vars[variable])
        if "hostname" not in args:
            args["hostname"] = self._templar.template(task_vars.get("ansible_host", task_vars.get("inventory_hostname")))
        return args

    def _validation_message(self, validation):
        """The message AnsibleModule gives for the same options."""
        message = validation.errors.msg
        if isinstance(validation.errors[0], UnsupportedError):
            name = self._task.resolved_action or "%s.%s" % (COLLECTION, self.MODULE)
            message = "Unsupported parameters for (%s) module: %s" % (name, message)
        return message
