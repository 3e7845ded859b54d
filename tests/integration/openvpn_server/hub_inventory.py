# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory of the openvpn_server role's controller-side tests; their playbooks run through the shared
``run_playbook`` / ``run_playbook_module`` fixtures of tests/integration/conftest.py."""

from __future__ import annotations

import sys

PLAN = {"ovpn6_ipv6_allocation": "2001:db8:100::/48", "ovpn6_vpn_ipv4_network": "198.51.100.0/24"}


def hub_inventory(hub_vars=None, routers=None, all_vars=None):
    """An inventory (YAML structure) of one hub, hub1, reached locally, and routers."""
    return {
        "all": {
            "vars": {**PLAN, **(all_vars or {})},
            "children": {
                "ovpn6_hubs": {"hosts": {"hub1": {"ansible_connection": "local",
                                                  "ansible_python_interpreter": sys.executable,
                                                  **(hub_vars or {})}}},
                "ovpn6_routers": {"hosts": {name: {"ansible_connection": "local", **settings}
                                            for name, settings in (routers or {}).items()}},
            },
        }
    }
