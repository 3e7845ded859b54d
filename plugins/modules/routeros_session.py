#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: routeros_session
short_description: Several RouterOS modules of this collection as steps over one API connection
version_added: 0.2.0
description:
  - Runs the given steps in order, each one what the module it names does with the options it gives, over
    one API connection and one login, so a router costs one task and one connection instead of one per module.
  - Every step's options are checked against its module before the router is contacted, so a bad option
    in the last step leaves the router untouched. A step the router refuses stops the run; the message
    names the step and the changes the steps before it made.
  - Check mode and diff mode are those of each step's module; the diff has one part per step.
extends_documentation_fragment:
  - tunnelworks.ovpn6.routeros_api
  - tunnelworks.ovpn6.routeros_api.attributes
options:
  steps:
    description: The steps, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      module:
        description: The module of the step, by its short name.
        type: str
        required: true
        choices: [routeros_certificate, routeros_ovpn_client, routeros_owned_entries, routeros_policy_routing,
                  routeros_release]
      args:
        description:
          - The module's options, as its documentation gives them, without the connection options (the task's
            are every step's).
        type: dict
        default: {}
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
- name: Certificates, the OpenVPN client and the 6in4 interface, in one connection
  tunnelworks.ovpn6.routeros_session:
    hostname: 192.0.2.1
    username: ansible
    password: "{{ ovpn6_routeros_password }}"
    tls: true
    validate_certs: true
    ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
    steps:
      - module: routeros_certificate
        args:
          name: ovpn6-client
          certificate: "{{ lookup('ansible.builtin.file', 'pki/issued/rtr-a.crt') }}"
          private_key: "{{ lookup('ansible.builtin.file', 'pki/private/rtr-a.key') }}"
          ca_certificate: "{{ lookup('ansible.builtin.file', 'pki/ca.crt') }}"
          ca_name: ovpn6-ca
      - module: routeros_ovpn_client
        args:
          name: ovpn6
          connect_to: 203.0.113.10
          ovpn_user: rtr-a
          certificate: ovpn6-client
      - module: routeros_owned_entries
        args:
          path: /interface/6to4
          owner: sit
          entries:
            - {key: hub, name: ovpn6-sit, local-address: 198.51.100.2, remote-address: 198.51.100.1}
"""

RETURN = r"""
changes:
  description: The operations of every step, planned (check mode) or made, in order, with secrets masked.
  returned: always
  type: list
  elements: str
  sample: ["add /interface/ovpn-client name=ovpn6 connect-to=203.0.113.10"]
steps:
  description: Each step's result, as its module returns it, with C(module) naming the module.
  returned: success
  type: list
  elements: dict
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
    spec = MODULES["routeros_session"]
    spec.run(AnsibleModule(**spec.ansible_module_kwargs()))


if __name__ == "__main__":
    main()
