# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ovpn6_testkit.inventory: the two groups, the plan in all-vars, the host vars as given."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from ovpn6_testkit.inventory import PLAN, emulated_router, local_host, ovpn6_inventory


def test_groups_and_vars_are_the_ones_given():
    inventory = ovpn6_inventory(routers={"rtr-a": {"ovpn6_site_id": 1}, "rtr-b": {"ovpn6_site_id": 2}},
                                hub="hub1", hub_vars={"ovpn6_hub_public_address": "203.0.113.10"},
                                all_vars={"ovpn6_pki_dir": "/pki"})
    top = inventory["all"]
    assert top["vars"] == dict(PLAN, ovpn6_pki_dir="/pki")
    assert set(top["children"]) == {"ovpn6_hubs", "ovpn6_routers"}
    assert top["children"]["ovpn6_hubs"]["hosts"] == {"hub1": {"ovpn6_hub_public_address": "203.0.113.10"}}
    assert top["children"]["ovpn6_routers"]["hosts"] == {"rtr-a": {"ovpn6_site_id": 1}, "rtr-b": {"ovpn6_site_id": 2}}


def test_all_vars_override_the_plan_and_the_defaults_are_empty():
    inventory = ovpn6_inventory(all_vars={"ovpn6_vpn_ipv4_network": "198.18.0.0/22"})
    assert inventory["all"]["vars"] == {"ovpn6_ipv6_allocation": PLAN["ovpn6_ipv6_allocation"],
                                        "ovpn6_vpn_ipv4_network": "198.18.0.0/22"}
    assert inventory["all"]["children"] == {"ovpn6_hubs": {"hosts": {"hub": {}}}, "ovpn6_routers": {"hosts": {}}}


def test_the_hub_can_be_put_in_another_group():
    children = ovpn6_inventory(hub_group="elsewhere")["all"]["children"]
    assert set(children) == {"elsewhere", "ovpn6_routers"}


def test_host_vars_given_are_copied_not_shared():
    hub, router = {"a": 1}, {"b": 2}
    inventory = ovpn6_inventory(routers={"rtr-a": router}, hub_vars=hub)
    inventory["all"]["children"]["ovpn6_hubs"]["hosts"]["hub"]["a"] = 9
    inventory["all"]["children"]["ovpn6_routers"]["hosts"]["rtr-a"]["b"] = 9
    assert hub == {"a": 1} and router == {"b": 2}


def test_local_and_emulated_router_host_vars():
    assert local_host(x=1) == {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "x": 1}
    router = SimpleNamespace(host="127.0.0.1", port=8729, username="admin", password="pw")
    assert emulated_router(router, ovpn6_site_id=3) == local_host(
        ansible_host="127.0.0.1", ovpn6_routeros_port=8729, ovpn6_routeros_username="admin",
        ovpn6_routeros_password="pw", ovpn6_site_id=3)
