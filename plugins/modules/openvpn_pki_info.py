#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: openvpn_pki_info
short_description: Read the openvpn_server role's PKI once, and name the hubs and routers it need not touch
version_added: 0.2.0
description:
  - Reads the PKI directory the P(tunnelworks.ovpn6.openvpn_server#role) role builds (C(ca.crt),
    C(private/ca.key), C(reqs/ca.csr), and per name C(private/NAME.key), C(reqs/NAME.csr), C(issued/NAME.crt))
    in one run, whatever the number of names, and returns the serial of every certificate, the
    certificates to renew, and which names' key, signing request and certificate are already exactly what
    the role's C(community.crypto.openssl_privatekey), C(community.crypto.openssl_csr) and
    C(community.crypto.x509_certificate) (provider C(ownca)) tasks would leave unchanged.
  - Conservative. A name is in RV(current) only when every check passes; a file it cannot read or parse,
    a mode, size, name, extension, signature or key that differs, a certificate to renew, or a CA whose
    subject, key or subject key identifier the run may change, puts the name in RV(needs_work), where
    community.crypto decides as without this module.
  - Never writes anything.
options:
  path:
    description: The PKI directory.
    type: path
    required: true
  names:
    description:
      - The hubs and routers, as a dict of name to role, V(server) for a hub (extended key usage
        serverAuth) or V(client) for a router (clientAuth). RV(needs_work) keeps this order.
    type: dict
    default: {}
  key_size:
    description: The size in bits of every RSA key, the CA's included.
    type: int
    required: true
  renew_days:
    description: A certificate not valid this many days from now is to be renewed (RV(renew)).
    type: int
    required: true
requirements:
  - cryptography (which community.crypto needs too)
attributes:
  check_mode:
    support: full
    description: Only reads.
  diff_mode:
    support: none
    description: Changes nothing.
  platform:
    support: full
    platforms: posix
    description: Runs where the PKI is, the controller or the hub.
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
- name: Read the PKI once
  tunnelworks.ovpn6.openvpn_pki_info:
    path: /etc/openvpn/ovpn6-pki
    names:
      hub1: server
      branch-berlin: client
      branch-paris: client
    key_size: 2048
    renew_days: 1095
  register: pki

- name: Issue the certificates of those the PKI does not hold exactly yet
  community.crypto.x509_certificate:
    path: /etc/openvpn/ovpn6-pki/issued/{{ item }}.crt
    csr_path: /etc/openvpn/ovpn6-pki/reqs/{{ item }}.csr
    provider: ownca
    ownca_path: /etc/openvpn/ovpn6-pki/ca.crt
    ownca_privatekey_path: /etc/openvpn/ovpn6-pki/private/ca.key
    force: "{{ ('issued/' ~ item ~ '.crt') in pki.renew }}"
    mode: "0644"
  loop: "{{ pki.needs_work }}"
"""

RETURN = r"""
serials:
  description: The serial number of C(ca.crt) and of every C(issued/*.crt), by path relative to O(path).
  returned: always
  type: dict
  sample: {"ca.crt": 4242, "issued/branch-berlin.crt": 17}
renew:
  description: The paths of those certificates that are not valid O(renew_days) days from now.
  returned: always
  type: list
  elements: str
  sample: ["issued/branch-paris.crt"]
current:
  description: The names whose key, signing request and certificate the community.crypto tasks would not change.
  returned: always
  type: list
  elements: str
  sample: [hub1, branch-berlin]
needs_work:
  description: Every other name of O(names), in their order.
  returned: always
  type: list
  elements: str
  sample: [branch-paris]
ca_common_name:
  description: The common name of C(ca.crt), or null when there is none.
  returned: always
  type: str
  sample: ovpn6 CA
unreadable:
  description: The certificates (paths relative to O(path)) that could not be read or parsed.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._pki_status import (
    HAS_CRYPTOGRAPHY,
    PkiStatusError,
    pki_status,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            names=dict(type="dict", default={}),
            key_size=dict(type="int", required=True),
            renew_days=dict(type="int", required=True),
        ),
        supports_check_mode=True,
    )
    if not HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib("cryptography"))
    try:
        result = pki_status(module.params["path"], module.params["names"], module.params["key_size"],
                            module.params["renew_days"])
    except PkiStatusError as exc:
        module.fail_json(msg="openvpn_pki_info %s: %s" % (module.params["path"], exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
