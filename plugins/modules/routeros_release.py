#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: routeros_release
short_description: Read the RouterOS release a router runs
version_added: 0.1.0
description:
  - Logs in to the router's API and reads its release from C(/system/resource), nothing else.
  - C(playbooks/site.yml) runs it first on every router, so that the hub's OpenVPN data channel
    (filter P(tunnelworks.ovpn6.ovpn_hub_profile#filter)) is planned from the releases the routers really run,
    not only from what the inventory declares.
  - Never changes anything; runs the same in check mode.
options:
  require_ipv6:
    description:
      - Also fail unless the router can take IPv6 configuration. On RouterOS 6.x IPv6 (and 6to4) is the
        separate C(ipv6) package, often disabled; the message names it and how to enable it.
    type: bool
    default: false
extends_documentation_fragment:
  - tunnelworks.ovpn6.routeros_api
attributes:
  check_mode:
    description: Reads the router in check mode too; it never changes anything.
    support: full
  diff_mode:
    description: Nothing to show, nothing is changed.
    support: none
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
# The API password is a vault-encrypted inventory variable
# (ansible-vault encrypt_string --name ovpn6_routeros_password), never written here in clear.

- name: Learn the router's release, over API-SSL with the router's certificate checked
  tunnelworks.ovpn6.routeros_release:
    hostname: 192.0.2.1
    username: ansible
    password: "{{ ovpn6_routeros_password }}"
    tls: true
    validate_certs: true
    ca_path: "{{ inventory_dir }}/files/routeros-api-ca.pem"
  register: __release

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
    - name: Read the release, refusing a release newer than the collection knows
      tunnelworks.ovpn6.routeros_release:
        refuse_newer_release: true
      register: __release

    - name: Keep it for the hub's data-channel plan
      ansible.builtin.set_fact:
        ovpn6_routeros_release_seen: "{{ __release.release }}"
"""

RETURN = r"""
release:
  description: The RouterOS release the router runs, as major.minor.patch.
  returned: success
  type: str
  sample: 7.22.3
version_text:
  description: The version exactly as C(/system/resource) prints it.
  returned: success
  type: str
  sample: 7.22.3 (stable)
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES


def main():
    # The options and the body live in module_utils/_module_specs.py, shared with the action plugin
    # of the same name, which runs this module in the controller's worker without a module process.
    spec = MODULES["routeros_release"]
    spec.run(AnsibleModule(**spec.ansible_module_kwargs()))


if __name__ == "__main__":
    main()
