#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: routeros_ovpn_client
short_description: The RouterOS OpenVPN client interface, from intent rather than dialect words
version_added: 0.1.0
description:
  - Creates or updates one C(/interface/ovpn-client) entry, tagged C(ovpn6:<owner>:<name>).
  - The cipher is given as strength and mode and the transport as tcp or udp; the module speaks the
    router's words for them (V(aes256) on 6.49, V(aes256-cbc) on 7.x), sets C(auth=null) for GCM, and
    sets C(verify-server-certificate) where the release has it.
  - Asking for something the release cannot do (GCM on 6.49, UDP where the client speaks TCP only, a
    digest it does not know) fails before anything is changed.
extends_documentation_fragment:
  - tunnelworks.ovpn6.routeros_api
  - tunnelworks.ovpn6.routeros_api.attributes
options:
  name:
    description: Interface name; also the key of its ownership tag.
    type: str
    default: ovpn6
  connect_to:
    description: The hub's address. Required with O(state=present).
    type: str
  connect_port:
    description: The hub's OpenVPN port.
    type: int
    default: 1194
  transport:
    description: V(udp) only where the release's client has UDP.
    type: str
    choices: [tcp, udp]
    default: tcp
  mode:
    description: V(ip) (tun) or V(ethernet) (tap).
    type: str
    choices: [ip, ethernet]
    default: ip
  ovpn_user:
    description: User name sent to the hub; RouterOS requires one even when the hub does not check it.
    type: str
  ovpn_password:
    description: Password sent to the hub. Never logged.
    type: str
    default: ''
  certificate:
    description: Name of the client certificate on the router (see M(tunnelworks.ovpn6.routeros_certificate)).
    type: str
  cipher_strength:
    description: AES key length.
    type: int
    choices: [128, 192, 256]
    default: 256
  cipher_mode:
    description: V(gcm) needs RouterOS 7.
    type: str
    choices: [cbc, gcm]
    default: cbc
  auth:
    description:
      - HMAC digest. Default V(sha256) where the release has it, else V(sha1); always V(null) with GCM.
    type: str
    choices: [md5, sha1, sha256, sha384, sha512, 'null']
  verify_server_certificate:
    description: Check the hub's certificate against the CA, on releases that can.
    type: bool
    default: true
  add_default_route:
    description: Let the tunnel add a default route (policy routing normally does this instead).
    type: bool
    default: false
  max_mtu:
    description: C(max-mtu) of the interface; left at the router's default when unset.
    type: int
  disabled:
    description: Create the interface disabled.
    type: bool
    default: false
  owner:
    description: Owner name in the ownership tag.
    type: str
    default: ovpn
  state:
    description: V(absent) removes the interfaces of O(owner) and nothing else.
    type: str
    choices: [present, absent]
    default: present
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
# The API password is a vault-encrypted inventory variable
# (ansible-vault encrypt_string --name ovpn6_routeros_password), never written here in clear;
# so is vault_ovpn_password, which RouterOS insists on sending to the hub (the hub checks the certificate).

- name: Dial the hub, over API-SSL with the router's certificate checked
  tunnelworks.ovpn6.routeros_ovpn_client:
    hostname: 192.0.2.1
    username: ansible
    password: "{{ ovpn6_routeros_password }}"
    tls: true
    validate_certs: true
    ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
    connect_to: 203.0.113.10
    ovpn_user: rtr-a
    ovpn_password: "{{ vault_ovpn_password }}"
    certificate: ovpn6-client
    cipher_strength: 256
    cipher_mode: cbc

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
    - name: Learn the router's release
      tunnelworks.ovpn6.routeros_release:
      register: __release

    - name: Dial the hub with AES-256-GCM where the release has it
      tunnelworks.ovpn6.routeros_ovpn_client:
        connect_to: 203.0.113.10
        ovpn_user: "{{ inventory_hostname }}"
        ovpn_password: "{{ vault_ovpn_password }}"
        certificate: ovpn6-client
        cipher_strength: 256
        cipher_mode: "{{ 'gcm' if __release.release is version('7.21', '>=') else 'cbc' }}"
"""

RETURN = r"""
changes:
  description: The operations planned (check mode) or made, secrets masked.
  returned: always
  type: list
  elements: str
cipher:
  description: The cipher word used on this release.
  returned: when state is present
  type: str
  sample: aes256-cbc
auth:
  description: The auth word used on this release.
  returned: when state is present
  type: str
  sample: sha256
protocol:
  description: The transport.
  returned: when state is present
  type: str
  sample: tcp
release:
  description: The RouterOS release the router runs.
  returned: success
  type: str
  sample: 6.49.18
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES


def main():
    # The options and the body live in module_utils/_module_specs.py, shared with the action plugin
    # of the same name, which runs this module in the controller's worker without a module process.
    spec = MODULES["routeros_ovpn_client"]
    spec.run(AnsibleModule(**spec.ansible_module_kwargs()))


if __name__ == "__main__":
    main()
