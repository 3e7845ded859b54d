#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: site_facts
short_description: The site plan and the hub's OpenVPN profile, from the inventory, as facts
version_added: 0.2.0
description:
  - Reads the inventory's description of the network, the variables every role of the collection shares,
    and sets two facts. C(ovpn6_site_plan) holds per router its VPN address, transfer network, LAN prefix,
    tunnel interface names and MTUs (see P(tunnelworks.ovpn6.site_plan#filter)); C(ovpn6_hub_profile) holds
    the OpenVPN data channel of each router and the hub's (see P(tunnelworks.ovpn6.ovpn_hub_profile#filter)).
  - Inputs are the group C(ovpn6_routers), V(ovpn6_ipv6_allocation), V(ovpn6_vpn_ipv4_network), and each
    router's C(ovpn6_site_id) and optional overrides and RouterOS release variables.
  - Runs on the controller and needs no connection. Use it with C(run_once) so a play computes it once for
    all of its hosts; the roles of the collection do.
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
  tunnelworks.ovpn6.site_facts:
  run_once: true

- name: This router's VPN address, as the hub will push it
  ansible.builtin.debug:
    msg: "{{ ovpn6_site_plan.sites[inventory_hostname].vpn_address }}"
"""

RETURN = r"""
ansible_facts:
  description: The two facts.
  returned: success
  type: dict
  contains:
    ovpn6_site_plan:
      description: The site plan, with C(sites) keyed by router name.
      type: dict
    ovpn6_hub_profile:
      description: The OpenVPN data channel of the hub and, under C(routers), of each router.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    # The work is done by the action plugin of the same name, on the controller.
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    module.fail_json(msg="site_facts runs on the controller through its action plugin, which this run bypassed")


if __name__ == "__main__":
    main()
