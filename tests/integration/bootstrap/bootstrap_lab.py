# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the bootstrap tests: an inventory of one hub (this machine) and emulated routers."""

from __future__ import annotations

import functools
import ssl
from pathlib import Path

import librouteros

from ovpn6_testkit.inventory import local_host, ovpn6_inventory

CHECKOUT = Path(__file__).resolve().parents[3]
BOOTSTRAP = CHECKOUT / "playbooks" / "bootstrap.yml"
SITE = CHECKOUT / "playbooks" / "site.yml"
API_USER = "ovpn6"
API_PASSWORD = "an API password of the vault"
ADMIN_PASSWORD = "admin-pw"


def router_host(router, site_id, **extra):
    return local_host(**{
        "ansible_host": router.host, "ovpn6_site_id": site_id,
        "ovpn6_lan_ipv4_prefix": "192.0.2.%d/26" % (64 * (site_id - 1)),
        # first contact: the factory user over the plain API
        "ovpn6_bootstrap_username": "admin", "ovpn6_bootstrap_password": ADMIN_PASSWORD,
        "ovpn6_bootstrap_port": router.port,
        # from then on: the collection's own user over API-SSL, the router's certificate checked
        "ovpn6_routeros_username": API_USER, "ovpn6_routeros_password": API_PASSWORD,
        "ovpn6_routeros_port": router.tls_port, "ovpn6_routeros_tls": True, "ovpn6_routeros_validate_certs": True,
        **extra})


def inventory(routers):
    """The hub (this host) and ``routers`` ({name: router_host(...)})."""
    return ovpn6_inventory(routers, hub_vars=local_host(ovpn6_hub_public_address="203.0.113.10"))


def verified_login(router, ca_path, username=API_USER, password=API_PASSWORD):
    """librouteros over API-SSL, the router's certificate checked against ``ca_path`` with its host name."""
    context = ssl.create_default_context(cafile=str(ca_path))
    context.check_hostname = True
    return librouteros.connect(username=username, password=password, host=router.host, port=router.tls_port,
                               timeout=5, ssl_wrapper=functools.partial(context.wrap_socket, server_hostname=router.host))


def changes(result):
    found = []
    for task in result:
        if task.changed:
            found.append(task.name)
    return found


def assert_ok(result):
    assert result.rc == 0, [(task.name, task.host, task.msg, task.result.get("invocation")) for task in result.failed] or result.stderr[-3000:]
