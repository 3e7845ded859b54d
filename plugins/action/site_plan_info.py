# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place the inventory's network description is read: the site plan and the hub profile.

Runs in the controller's worker, reading every router's ovpn6_* variables once. Each role calls it
with run_once and registers the result, so a play computes both once and every host of the play gets
them. Registered, not facts: Ansible deep-copies a host's facts each time it builds that host's
variables, once per task and host, so a plan of N routers held as every host's fact costs N per
host-task, N squared per run; a registered value is shared as it is.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.plugins.action import ActionBase

from ansible_collections.tunnelworks.ovpn6.plugins.filter.ovpn_hub_profile import ovpn_hub_profile
from ansible_collections.tunnelworks.ovpn6.plugins.filter.site_plan import site_plan

ROUTERS_GROUP = "ovpn6_routers"


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def _inventory_value(self, task_vars, name):
        value = task_vars.get(name)
        return self._templar.template(value) if value is not None else None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        if self._task.args:
            return dict(result, failed=True, msg="site_plan_info takes no options; it reads the inventory's ovpn6_* "
                        "variables, got %s" % ", ".join(sorted(self._task.args)))
        allocation = self._inventory_value(task_vars, "ovpn6_ipv6_allocation")
        vpn_network = self._inventory_value(task_vars, "ovpn6_vpn_ipv4_network")
        if not (isinstance(allocation, str) and allocation and isinstance(vpn_network, str) and vpn_network):
            return dict(result, failed=True, msg=(
                "The site plan needs ovpn6_ipv6_allocation (for example 2001:db8:100::/48) and ovpn6_vpn_ipv4_network "
                "(for example 198.51.100.0/24); got allocation=%s, vpn_network=%s. Nothing was changed." % (
                    allocation or "(not set)", vpn_network or "(not set)")))
        routers = list(task_vars["groups"].get(ROUTERS_GROUP, []))
        hostvars = task_vars["hostvars"]
        try:
            plan = site_plan(hostvars, routers, allocation=allocation, vpn_network=vpn_network)
            profile = ovpn_hub_profile(hostvars, routers)
        except AnsibleFilterError as exc:
            return dict(result, failed=True, msg="%s. Nothing was changed." % (str(exc).rstrip("."),))
        result.update(changed=False, site_plan=plan, hub_profile=profile)
        return result
