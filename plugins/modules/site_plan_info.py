#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: site_plan_info
short_description: The site plan and the hub's OpenVPN profile, from the inventory
version_added: 0.2.0
description:
  - Reads the inventory's description of the network, the variables every role of the collection shares,
    and returns two values. RV(site_plan) holds per router its VPN address, transfer network, LAN prefix,
    tunnel interface names and MTUs (see P(tunnelworks.ovpn6.site_plan#filter)); RV(hub_profile) holds
    the OpenVPN data channel of each router and the hub's (see P(tunnelworks.ovpn6.ovpn_hub_profile#filter)).
  - Inputs are the group C(ovpn6_routers), V(ovpn6_ipv6_allocation), V(ovpn6_vpn_ipv4_network), and each
    router's C(ovpn6_site_id) and optional overrides and RouterOS release variables.
  - Runs on the controller and needs no connection. Use it with C(run_once) and C(register) so a play
    computes it once for all of its hosts; the roles of the collection do. It returns values rather than
    setting facts because Ansible copies a host's facts for every task it runs on that host, which for a
    plan of many routers would make a run grow with the square of their number.
  - Bad input (a missing site id, overlapping prefixes, a missing allocation) fails naming the router and
    the rule, before anything changes.
options: {}
attributes:
  check_mode:
    support: full
    description: Only computes.
  diff_mode:
    support: none
    description: Changes nothing.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
- name: The plan of the whole network, once for every host of the play
  tunnelworks.ovpn6.site_plan_info:
  run_once: true
  register: network

- name: This router's VPN address, as the hub will push it
  ansible.builtin.debug:
    msg: "{{ network.site_plan.sites[inventory_hostname].vpn_address }}"
"""

RETURN = r"""
site_plan:
  description: The site plan, with C(sites) keyed by router name.
  returned: success
  type: dict
hub_profile:
  description: The OpenVPN data channel of the hub and, under C(routers), of each router.
  returned: success
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    # The work is done by the action plugin of the same name, on the controller.
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    module.fail_json(msg="site_plan_info runs on the controller through its action plugin, which this run bypassed")


if __name__ == "__main__":
    main()
