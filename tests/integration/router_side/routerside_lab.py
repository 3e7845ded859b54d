# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the router-side integration tests: the inventory, the user's own configuration, row views."""

from __future__ import annotations

import time

from ovpn6_testkit.inventory import emulated_router, ovpn6_inventory
from routeros_emu.evidence import TEST_RELEASES

# 6.49, a 7.x before /file add (7.6), and 7.x releases up to the newest dump (7.12.2 ... 7.24).
ROUTER_SIDE_RELEASES = TEST_RELEASES
HUB_ADDRESS = "203.0.113.10"
USER_MENUS = ("/ip/firewall/mangle", "/ip/firewall/filter", "/ip/route", "/ip/firewall/nat", "/certificate")

PLAYBOOK = """
- name: Router side of the VPN
  hosts: ovpn6_routers
  gather_facts: false
  roles:
    - role: tunnelworks.ovpn6.mikrotik_ovpn_client
"""


def inventory(router, **host_vars):
    """One router (rtr-a, site 1) and one hub, for the emulated router."""
    host = emulated_router(router, **{"ovpn6_site_id": 1, "ovpn6_lan_ipv4_prefix": "192.0.2.0/26", **host_vars})
    return ovpn6_inventory({"rtr-a": host}, hub_vars={"ovpn6_hub_public_address": HUB_ADDRESS})


def role_vars(pki, **extra):
    values = {
        "mikrotik_ovpn_client_certificate": pki["cert"], "mikrotik_ovpn_client_private_key": pki["key"],
        "mikrotik_ovpn_client_private_key_passphrase": pki["passphrase"], "mikrotik_ovpn_client_ca_certificate": pki["ca"],
    }
    values.update(extra)
    return values


def add_user_config(router, pki):
    """The user's own configuration, made with plain librouteros as a user would."""
    api = router.connect()
    try:
        mangle = api.path("/ip/firewall/mangle")
        mangle.add(chain="prerouting", action="mark-connection", **{"new-connection-mark": "users-conn",
                                                                    "src-address": "192.0.2.7", "comment": "user mark"})
        mangle.add(chain="forward", action="change-mss", **{"new-mss": "1400", "protocol": "tcp",
                                                            "tcp-flags": "syn", "comment": "user mss"})
        mangle.add(chain="output", action="accept", comment="user output")
        api.path("/ip/route").add(**{"dst-address": "10.99.0.0/16", "gateway": "ether1", "comment": "user route"})
        api.path("/ip/firewall/nat").add(chain="dstnat", action="dst-nat", protocol="tcp",
                                         **{"dst-port": "8080", "to-addresses": "192.0.2.9", "comment": "user dnat"})
        files = api.path("/file")
        if has_file_add(router.release):
            files.add(name="users-own.pem", contents=pki["user_cert"])
            name = "users-own.pem"
        else:
            # Before 7.9: print file= makes the file, on 6.x a moment later (and maybe without .txt).
            tuple(files("print", file="users-own"))
            name = wait_for_file(files, ("users-own.txt", "users-own"))
            tuple(files("set", numbers=name, contents=pki["user_cert"]))
        tuple(api.path("/certificate")("import", **{"file-name": name, "passphrase": ""}))
        tuple(files("remove", numbers=name))
    finally:
        api.close()


def has_file_add(release):
    return tuple(int(part) for part in release.split(".")[:2]) >= (7, 9)


def wait_for_file(files, names, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        present = [row["name"] for row in files("print") if row.get("name") in names]
        if present:
            return present[0]
        time.sleep(0.1)
    raise AssertionError("none of %s appeared within %s s" % (names, seconds))


def is_ours(row):
    return str(row.get("comment", "")).startswith("ovpn6:")


def user_rows(router):
    """Every entry that is not ours, as print shows it, menu by menu (certificates: not ours by name)."""
    rows = {}
    for path in USER_MENUS:
        if path == "/certificate":
            rows[path] = [row for row in router.rows(path) if not row["name"].startswith("ovpn6-")]
        else:
            rows[path] = [row for row in router.rows(path) if not is_ours(row)]
    return rows


def our_rows(router, paths=("/interface/ovpn-client", "/ip/firewall/mangle", "/ip/firewall/filter", "/ip/route", "/ip/firewall/nat",
                            "/routing/table")):
    """Our entries without ids and counters: what drift repair must restore exactly."""
    shown = {}
    for path in paths:
        if path == "/routing/table" and router.release.startswith("6."):
            continue
        shown[path] = [dict((k, v) for k, v in row.items() if k not in (".id", "bytes", "packets", "mac-address"))
                       for row in router.rows(path) if is_ours(row)]
    shown["/certificate"] = sorted((row["name"], row["fingerprint"], row.get("private-key"))
                                   for row in router.rows("/certificate") if row["name"].startswith("ovpn6-"))
    return shown
