# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The RouterOS API connection options, shared by every RouterOS module of the collection.
    DOCUMENTATION = r"""
options:
  hostname:
    description:
      - Address or name of the router's API service.
      - When not set, the host's C(ansible_host), else its inventory name.
    type: str
  username:
    description:
      - User name to log in with.
    type: str
    default: admin
  password:
    description:
      - Password of O(username). Never logged.
    type: str
    default: ''
  port:
    description:
      - API port. Defaults to V(8728), or V(8729) when O(tls=true).
    type: int
  tls:
    description:
      - Use the TLS API service (C(api-ssl)).
    type: bool
    default: false
    aliases:
      - ssl
  force_no_cert:
    description:
      - With O(tls=true), connect to an API-SSL service that has no certificate (a router as it ships),
        with anonymous Diffie-Hellman, as community.routeros' option of the same name does.
      - Nothing identifies the router then, so use it only for a first contact on a link you trust
        (C(playbooks/bootstrap.yml) binds a certificate to C(api-ssl); from then on use O(validate_certs)).
      - O(validate_certs) and O(ca_path) are not used.
    type: bool
    default: false
  validate_certs:
    description:
      - With O(tls=true), check the router's certificate against O(ca_path) (or the system CAs).
      - A certificate that does not validate fails the task before anything is read or changed.
    type: bool
    default: true
  validate_cert_hostname:
    description:
      - With O(tls=true) and O(validate_certs=true), also check that the certificate names O(hostname).
    type: bool
    default: false
  ca_path:
    description:
      - PEM file with the CA that signed the router's API certificate.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection and for each answer.
    type: int
    default: 10
  refuse_newer_release:
    description:
      - A router whose release is newer than the newest one the collection was checked against (RouterOS
        7.24) is managed in the 7.24 dialect, with a warning that names its release.
      - Set V(true) to refuse such routers instead, before anything is read beyond the release or changed.
    type: bool
    default: false
requirements:
  - librouteros (Python library, on the controller)
notes:
  - Each option not given on the task (nor by C(module_defaults)) is taken from the host's inventory variable
    C(ovpn6_routeros_<option>) when it is set, for example C(ovpn6_routeros_password), C(ovpn6_routeros_tls),
    C(ovpn6_routeros_ca_path), C(ovpn6_routeros_timeout); the defaults given here apply only when neither is set.
  - "Each module runs as an action plugin of the same name, in the controller's worker process; no module process is
    started and the host's connection is not used to reach the router (the API connection is the module's own).
    Use C(connection: local) (or C(ansible_connection: local)) for router hosts, so that other tasks on them do
    not try to log in to the router over SSH."
  - The router's release is read from C(/system/resource) and the module speaks its dialect. Releases older
    than 6.49 are refused; releases newer than 7.24 are spoken to as 7.24, with a warning (see O(refuse_newer_release)).
  - Set the options once for every module with C(module_defaults) and the action group
    C(group/tunnelworks.ovpn6.routeros).
"""

    # Every RouterOS module of the collection plans from one read of the router, so check and
    # diff mode are the same for all of them.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Reads the router and reports the changes a real run would make, without making them.
    support: full
  diff_mode:
    description: Shows the entries the module owns before and after, secrets masked.
    support: full
"""
