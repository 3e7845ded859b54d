#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: routeros_owned_entries
short_description: Own a set of entries in one RouterOS menu, leaving every other entry alone
version_added: 0.1.0
description:
  - Makes the entries of one owner in one RouterOS menu exactly the given list.
  - An entry belongs to owner C(X) when its comment is C(ovpn6:X:<key>); only such entries are ever
    changed, moved or removed. Entries without that tag, the user's own, are never touched.
  - One connection and one C(print) of the menu when nothing needs to change.
extends_documentation_fragment:
  - tunnelworks.ovpn6.routeros_api
  - tunnelworks.ovpn6.routeros_api.attributes
options:
  path:
    description:
      - The menu, for example V(/interface/6to4), V(/ipv6/address), V(/ip/firewall/mangle).
      - Give O(path) (with O(entries), O(ordered), O(place_before)) for one menu, or O(menus) for several.
    type: str
  owner:
    description:
      - The owner name in the comment tag C(ovpn6:<owner>:<key>). A word without C(:) or spaces.
    type: str
    required: true
  entries:
    description:
      - The entries, as dicts of RouterOS field names and values.
      - Each needs a C(key), unique within the owner; it becomes the comment tag. C(comment) itself is not allowed.
      - Only the fields given are compared; give values as RouterOS prints them (yes/no, addresses and
        protocol names or numbers are compared by meaning).
    type: list
    elements: dict
    default: []
  ordered:
    description:
      - Keep the entries in the given order, as one block per C(chain), first in the chain unless
        O(place_before) says otherwise.
      - When not set, the firewall menus (C(/ip/firewall/filter), C(mangle), C(nat), C(/ipv6/firewall/filter),
        C(mangle)) are ordered and every other menu is not.
    type: bool
  place_before:
    description:
      - With O(ordered=true), the comment or C(.id) of one of the user's entries; the block of its chain is
        placed right before it. Other chains' blocks stay first in their chains.
    type: str
  menus:
    description:
      - Several menus of the same O(owner) in one task, over one API connection. Every menu is read and
        planned before the first change, so an entry refused in the last menu leaves the first one untouched.
      - Applied in the order given with O(state=present), in the reverse order with O(state=absent) (an
        interface last, after the addresses and routes on it).
    type: list
    elements: dict
    suboptions:
      path:
        description: The menu.
        type: str
        required: true
      entries:
        description: As O(entries).
        type: list
        elements: dict
        default: []
      ordered:
        description: As O(ordered).
        type: bool
      place_before:
        description: As O(place_before).
        type: str
  state:
    description:
      - V(absent) removes every entry of O(owner) in O(path) (or in each menu of O(menus)), and nothing else.
    type: str
    choices: [present, absent]
    default: present
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
# The API password is a vault-encrypted inventory variable
# (ansible-vault encrypt_string --name ovpn6_routeros_password), never written here in clear.

- name: The router end of the 6in4 tunnel, over API-SSL with the router's certificate checked
  tunnelworks.ovpn6.routeros_owned_entries:
    hostname: 192.0.2.1
    username: ansible
    password: "{{ ovpn6_routeros_password }}"
    tls: true
    validate_certs: true
    ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
    path: /interface/6to4
    owner: sit
    entries:
      - key: hub
        name: ovpn6-sit
        local-address: 198.51.100.2
        remote-address: 198.51.100.1
        mtu: 1480

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
    - name: The router's end of the transfer network on the 6to4 interface
      tunnelworks.ovpn6.routeros_owned_entries:
        path: /ipv6/address
        owner: sit
        entries:
          - key: transfer
            address: 2001:db8:100:ffff::1:2/112
            interface: ovpn6-sit
            advertise: "no"

    - name: An interface and the address on it, read and planned together, in one connection
      tunnelworks.ovpn6.routeros_owned_entries:
        owner: sit
        menus:
          - path: /interface/6to4
            entries:
              - {key: hub, name: ovpn6-sit, local-address: 198.51.100.2, remote-address: 198.51.100.1}
          - path: /ipv6/address
            entries:
              - {key: transfer, address: "2001:db8:100:ffff::1:2/112", interface: ovpn6-sit, advertise: "no"}

    - name: Remove everything the sit owner made in /ipv6/route
      tunnelworks.ovpn6.routeros_owned_entries:
        path: /ipv6/route
        owner: sit
        state: absent
"""

RETURN = r"""
changes:
  description: The operations planned (check mode) or made, in order, with secrets masked.
  returned: always
  type: list
  elements: str
  sample: ["add /interface/6to4 name=ovpn6-sit mtu=1480 comment=ovpn6:sit:hub"]
release:
  description: The RouterOS release the router runs.
  returned: success
  type: str
  sample: 7.16.0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES


def main():
    # The options and the body live in module_utils/_module_specs.py, shared with the action plugin
    # of the same name, which runs this module in the controller's worker without a module process.
    spec = MODULES["routeros_owned_entries"]
    spec.run(AnsibleModule(**spec.ansible_module_kwargs()))


if __name__ == "__main__":
    main()
