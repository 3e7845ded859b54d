# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site_plan_info: the plan and the hub profile from the inventory's ovpn6_* variables, the same values the
filters give, and bad input refused by name."""

from __future__ import annotations

from unittest import mock

from ansible_collections.tunnelworks.ovpn6.plugins.action.site_plan_info import ActionModule
from ansible_collections.tunnelworks.ovpn6.plugins.filter.ovpn_hub_profile import ovpn_hub_profile
from ansible_collections.tunnelworks.ovpn6.plugins.filter.site_plan import site_plan

ROUTERS = {"rtr-a": {"ovpn6_site_id": 1, "ovpn6_routeros_release_seen": "7.16.0"},
           "rtr-b": {"ovpn6_site_id": 2, "ovpn6_routeros_release_seen": "6.49.10"}}


def run(args=None, **inventory):
    task_vars = {"groups": {"ovpn6_routers": list(ROUTERS)}, "hostvars": dict(ROUTERS),
                 "ovpn6_ipv6_allocation": "2001:db8:100::/48", "ovpn6_vpn_ipv4_network": "198.51.100.0/24"}
    task_vars.update(inventory)
    task = mock.MagicMock(args=args or {}, check_mode=False, async_val=0)
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    return ActionModule(task, mock.MagicMock(), mock.MagicMock(), None, templar, None).run(task_vars=task_vars)


def test_the_facts_are_what_the_filters_compute():
    result = run()
    hostvars = dict(ROUTERS)
    assert result["changed"] is False and "failed" not in result
    # returned, never set as facts (Ansible would copy facts for every host and task)
    assert "ansible_facts" not in result
    assert result["site_plan"] == site_plan(hostvars, list(ROUTERS), "2001:db8:100::/48", "198.51.100.0/24")
    assert result["hub_profile"] == ovpn_hub_profile(hostvars, list(ROUTERS))
    assert sorted(result["site_plan"]["sites"]) == ["rtr-a", "rtr-b"]


def test_a_missing_allocation_is_refused_naming_both_values():
    result = run(ovpn6_ipv6_allocation=None)
    assert result["failed"] is True and "site_plan" not in result
    assert "allocation=(not set), vpn_network=198.51.100.0/24" in result["msg"]


def test_a_router_without_a_site_id_is_refused_by_name():
    result = run(hostvars=dict(ROUTERS, **{"rtr-b": {}}))
    assert result["failed"] is True and "'rtr-b' has no ovpn6_site_id" in result["msg"]


def test_options_are_refused():
    result = run(args={"routers": ["rtr-a"]})
    assert result["failed"] is True and "takes no options" in result["msg"] and "routers" in result["msg"]
