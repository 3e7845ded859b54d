#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: routeros_policy_routing
short_description: Send a RouterOS LAN through the VPN by default, with exceptions that go out directly
version_added: 0.1.0
description:
  - Builds the router's policy routing (LAN through the VPN, chosen traffic straight out) in the router's dialect. On RouterOS 6.49 a routing mark
    (C(new-routing-mark) on mangle, C(routing-mark) on the route); on 7.x a C(/routing/table) with
    C(fib) first, then C(new-routing-mark) on mangle and C(routing-table) on the route.
  - An ordered block of mangle rules placed first in its chains or before O(mangle_place_before). New
    connections are classified by O(rules) (data, by default LAN via the VPN with SSH to the hub, HTTP and DNS direct) - marked for the VPN, or left
    unmarked to go straight out. Connections the hub side opens through the tunnel are marked for the
    VPN too, so replies return through it. Every packet of a VPN connection that does not come out of
    the tunnel gets the routing mark; a default route through O(tunnel_interface) carries it.
    Masquerade for traffic that leaves by O(wan_interface) with a VPN source address.
  - Works on a router with MikroTik's default configuration, whose firewall FastTracks established
    connections (a FastTracked connection skips mangle and is routed by the main table). A rule of
    ours, first in the C(forward) chain of C(/ip/firewall/filter), accepts the established packets of
    VPN connections so that no FastTrack rule after it can send them out of the WAN. The user's own
    FastTrack rule is never changed.
  - Also in C(/ip/firewall/filter), first in their chains (or before O(filter_place_before)), rules that accept
    connections from the VPN to the LAN (O(admit_from_vpn)), and management of the router from the VPN
    (O(management_ports)). On a router without a firewall they change nothing.
  - Every entry is tagged C(ovpn6:<owner>:<key>); the user's own mangle rules, routes, NAT rules and
    tables are never changed, and O(state=absent) removes only tagged entries.
  - Bad input (a port, protocol or address a rule cannot have, a LAN or WAN interface the router does
    not have, a tunnel interface that does not exist yet outside check mode) fails before anything is changed.
extends_documentation_fragment:
  - tunnelworks.ovpn6.routeros_api
  - tunnelworks.ovpn6.routeros_api.attributes
options:
  table:
    description: Routing mark (6.49) or routing table (7.x) for traffic that goes through the VPN.
    type: str
    default: ovpn6
  tunnel_interface:
    description: The ovpn-client interface; gateway of the marked default route. Required with O(state=present).
    type: str
  lan_interface:
    description: The LAN interface (must exist); rules with C(from_lan) match traffic coming in on it.
    type: str
    default: bridge
  wan_interface:
    description: The WAN interface (must exist); masquerade applies to traffic leaving by it.
    type: str
    default: ether1
  hub_address:
    description: The hub's public IPv4 address; the default rules send SSH to it directly.
    type: str
  rules:
    description:
      - The mangle rules, in order. Later rules override earlier ones (all pass through).
      - Default, C(lan-via-vpn), C(ssh-to-hub-direct) (with O(hub_address)),
        C(http-direct), C(dns-direct), C(sit-via-vpn) (protocol 41 from the router itself).
    type: list
    elements: dict
    suboptions:
      key:
        description: Unique name of the rule, used in its comment tag.
        type: str
        required: true
      route:
        description: V(vpn) marks for the tunnel, V(direct) for the main table (straight out of the WAN).
        type: str
        choices: [vpn, direct]
        default: vpn
      chain:
        description: V(prerouting) for LAN traffic, V(output) for the router's own.
        type: str
        choices: [prerouting, output]
        default: prerouting
      from_lan:
        description: Match traffic that comes in on O(lan_interface).
        type: bool
        default: false
      protocol:
        description: IP protocol name (tcp, udp, ipv6-encap, ...) or number 0-255.
        type: str
      src_address:
        description: IPv4 address or network.
        type: str
      dst_address:
        description: IPv4 address or network.
        type: str
      src_port:
        description: Port, range or comma list; needs a port protocol.
        type: str
      dst_port:
        description: Port, range or comma list; needs a port protocol.
        type: str
      in_interface:
        description: Interface the traffic comes in on.
        type: str
      out_interface:
        description: Interface the traffic leaves by.
        type: str
  masquerade_src_addresses:
    description: VPN source networks (the VPN network, the LAN's routed prefix) masqueraded when leaving by the WAN.
    type: list
    elements: str
    default: []
  mangle_place_before:
    description: Comment or C(.id) of one of the user's mangle rules to place the block before.
    type: str
  filter_place_before:
    description:
      - Comment or C(.id) of one of the user's filter rules to place our accept rules before (each chain's
        rules go first in that chain otherwise).
      - Must lie before any FastTrack rule of the C(forward) chain, or VPN connections leak out of the WAN.
    type: str
  admit_from_vpn:
    description:
      - Accept new connections that come out of O(tunnel_interface) for O(lan_interface) (the hub and the
        networks behind it reaching the LAN's hosts), ahead of the user's forward rules.
    type: bool
    default: true
  management_ports:
    description:
      - TCP ports of the router itself that peers of the VPN may reach (in through O(tunnel_interface)),
        ahead of the user's input rules. Default SSH, API and API-SSL, so that a router reachable only
        through its tunnel (3G/LTE behind carrier NAT) can still be managed. V([]) opens nothing.
    type: list
    elements: str
  nat_place_before:
    description: Comment or C(.id) of one of the user's NAT rules to place the masquerade rules before.
    type: str
  owner:
    description: Owner name in the ownership tag.
    type: str
    default: policy
  state:
    description: V(absent) removes every entry of O(owner) in these menus, and nothing else.
    type: str
    choices: [present, absent]
    default: present
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
# The API password is a vault-encrypted inventory variable
# (ansible-vault encrypt_string --name ovpn6_routeros_password), never written here in clear.

- name: LAN through the VPN, SSH to the hub, HTTP and DNS direct, over API-SSL with the certificate checked
  tunnelworks.ovpn6.routeros_policy_routing:
    hostname: 192.0.2.1
    username: ansible
    password: "{{ ovpn6_routeros_password }}"
    tls: true
    validate_certs: true
    ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
    tunnel_interface: ovpn6
    hub_address: 203.0.113.10
    masquerade_src_addresses: [198.51.100.0/24]

- name: Connection options given once for every module of the collection
  module_defaults:
    group/tunnelworks.ovpn6.routeros:
      hostname: "{{ ansible_host }}"
      username: "{{ ovpn6_routeros_username }}"
      password: "{{ ovpn6_routeros_password }}"
      tls: true
      validate_certs: true
      ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
  block:
    - name: Own rules instead of the default ones
      tunnelworks.ovpn6.routeros_policy_routing:
        tunnel_interface: ovpn6
        rules:
          - {key: lan-via-vpn, from_lan: true}
          - {key: https-direct, from_lan: true, protocol: tcp, dst_port: "443", route: direct}
"""

RETURN = r"""
changes:
  description: The operations planned (check mode) or made, in order.
  returned: always
  type: list
  elements: str
routing:
  description: V(mark) on 6.49, V(table) on 7.x.
  returned: when state is present
  type: str
release:
  description: The RouterOS release the router runs.
  returned: success
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES


def main():
    # The options and the body live in module_utils/_module_specs.py, shared with the action plugin
    # of the same name, which runs this module in the controller's worker without a module process.
    spec = MODULES["routeros_policy_routing"]
    spec.run(AnsibleModule(**spec.ansible_module_kwargs()))


if __name__ == "__main__":
    main()
