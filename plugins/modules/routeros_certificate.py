#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: routeros_certificate
short_description: Put a PEM certificate, its private key and its CA on a RouterOS router
version_added: 0.1.0
description:
  - Writes the PEM texts into files on the router (C(/file add contents=) from RouterOS 7.9; on older
    releases, 6.x and 7.0 to 7.8, which have no C(/file add), C(/file print file=) then C(/file set contents=)),
    imports them with C(/certificate import), removes the files and names the imports O(name) and O(ca_name).
  - C(/file print file=NAME) makes its file after a while, named C(NAME.txt) or C(NAME); the module waits up to
    O(file_wait) seconds for either and reports the one it met in RV(uploads).
  - Idempotent by fingerprint. RouterOS 6 shows SHA-1 fingerprints and RouterOS 7 SHA-256, so a certificate
    matches by either; RV(fingerprint_match) says which. A changed certificate replaces the old one under the
    same name; the old one is removed, no orphans are left. Files and imports left by an interrupted run are
    cleaned up.
  - Only certificates named O(name) or O(ca_name) (and the module's own upload leftovers) are ever changed
    or removed. A CA the user already has under another name is used as it is.
extends_documentation_fragment:
  - tunnelworks.ovpn6.routeros_api
  - tunnelworks.ovpn6.routeros_api.attributes
options:
  name:
    description: Name of the client certificate on the router.
    type: str
    required: true
  certificate:
    description: PEM text of the certificate (one certificate).
    type: str
  private_key:
    description: PEM text of its private key, which may be encrypted with O(private_key_passphrase).
    type: str
  private_key_passphrase:
    description: Passphrase of O(private_key). Never logged.
    type: str
  ca_certificate:
    description: PEM text of the CA certificate (one certificate).
    type: str
  ca_name:
    description: Name of the CA on the router. Default O(name) followed by C(-ca).
    type: str
  file_wait:
    description:
      - Seconds to wait for the file that C(/file print file=) makes, on releases without C(/file add).
    type: float
    default: 10
  state:
    description: V(absent) removes the certificates named O(name) and O(ca_name), and nothing else.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Releases without C(/file add) take at most 4095 bytes per file through the API, enough for RSA 2048 and EC keys.
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
# The API password is a vault-encrypted inventory variable
# (ansible-vault encrypt_string --name ovpn6_routeros_password), never written here in clear.

- name: Client certificate and CA for the OpenVPN client, over API-SSL with the router's certificate checked
  tunnelworks.ovpn6.routeros_certificate:
    hostname: 192.0.2.1
    username: ansible
    password: "{{ ovpn6_routeros_password }}"
    tls: true
    validate_certs: true
    ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
    name: ovpn6-client
    certificate: "{{ lookup('ansible.builtin.file', 'pki/issued/rtr-a.crt') }}"
    private_key: "{{ lookup('ansible.builtin.file', 'pki/private/rtr-a.key') }}"
    ca_certificate: "{{ lookup('ansible.builtin.file', 'pki/ca.crt') }}"

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
    - name: Install the router's certificate and the CA
      tunnelworks.ovpn6.routeros_certificate:
        name: ovpn6-client
        certificate: "{{ lookup('ansible.builtin.file', 'pki/issued/' ~ inventory_hostname ~ '.crt') }}"
        private_key: "{{ lookup('ansible.builtin.file', 'pki/private/' ~ inventory_hostname ~ '.key') }}"
        ca_certificate: "{{ lookup('ansible.builtin.file', 'pki/ca.crt') }}"

    - name: Remove a certificate this collection installed earlier under another name
      tunnelworks.ovpn6.routeros_certificate:
        name: ovpn6-client-old
        state: absent
"""

RETURN = r"""
changes:
  description: The operations planned (check mode) or made.
  returned: always
  type: list
  elements: str
fingerprints:
  description:
    - Fingerprints of the certificates by name, as the router shows them (SHA-1 on RouterOS 6, SHA-256 on 7).
  returned: success
  type: dict
fingerprint_match:
  description:
    - By name, the digest (V(sha1) or V(sha256)) by which the router's C(fingerprint) matched the certificate
      when the run began, or V(null) when it was not on the router.
  returned: success
  type: dict
notes:
  description: What the module found about the router's dialect (how files are written, which fingerprint matched).
  returned: success
  type: list
  elements: str
uploads:
  description:
    - The files written (not in check mode), each with its name as the router made it, the method and, after
      C(/file print file=), the seconds waited and whether the name has C(.txt).
  returned: success
  type: list
  elements: dict
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
    spec = MODULES["routeros_certificate"]
    spec.run(AnsibleModule(**spec.ansible_module_kwargs()))


if __name__ == "__main__":
    main()
