# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ovpn6 inventory (YAML structure, as the run_playbook fixture takes it): the hub group, ovpn6_routers,
the address plan in all-vars. The host vars are given whole; local_host and emulated_router make the usual ones."""

from __future__ import annotations

import sys

PLAN = {"ovpn6_ipv6_allocation": "2001:db8:100::/48", "ovpn6_vpn_ipv4_network": "198.51.100.0/24"}


def local_host(**values) -> dict:
    """Host vars of a host that ansible runs here, with this Python (the one that has the collection's needs)."""
    return {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, **values}


def emulated_router(router, **values) -> dict:
    """Host vars of a router played by ``router`` (routeros_emu.testing.EmulatedRouter): its address and
    API login, the modules run here."""
    return local_host(ansible_host=router.host, ovpn6_routeros_port=router.port,
                      ovpn6_routeros_username=router.username, ovpn6_routeros_password=router.password, **values)


def ovpn6_inventory(routers: dict | None = None, hub: str = "hub", hub_vars: dict | None = None,
                    all_vars: dict | None = None, hub_group: str = "ovpn6_hubs") -> dict:
    """One hub named ``hub`` with ``hub_vars``, ``routers`` ({name: host vars}) and all-vars of PLAN updated
    with ``all_vars``. ``hub_group`` other than ovpn6_hubs puts the hub where the roles do not look."""
    return {"all": {
        "vars": {**PLAN, **(all_vars or {})},
        "children": {
            hub_group: {"hosts": {hub: dict(hub_vars or {})}},
            "ovpn6_routers": {"hosts": {name: dict(values) for name, values in (routers or {}).items()}},
        }}}
