# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's data plane, translation only: API state -> desired state -> commands (no side effects)."""

from __future__ import annotations

import pytest
from ovpn6_testkit.pki import TestCA
from routeros_emu.realiser import (RT_PROTO, harvest_pems, linux_name, reconcile, routing_tables,
                                   translate)
from routeros_emu.router import Router


def _configured(release):
    """A router configured through its API the way the roles do, plus the lab's WAN."""
    router = Router(release=release, password="pw")
    ca = TestCA.create("lab CA")
    client = ca.issue("rtr-a")
    ca_pem, cert_pem, key_pem = ca.cert_pem, client.cert_pem, client.key_pem()
    run = router.execute
    store = {"certificates": {}, "keys": {}}
    for name, text in (("ca.pem", ca_pem), ("cert.pem", cert_pem), ("key.pem", key_pem)):
        if router.ros7:
            run("/file", "add", {"name": name, "contents": text})
        else:
            run("/file", "print", {"file": name[:-4]})
            router.wait_pending()  # 6.x writes the file after the command returns
            run("/file", "set", {"numbers": name[:-4] + ".txt", "contents": text})
            name = name[:-4] + ".txt"
        harvest_pems(router.rows("/file"), store)
        run("/certificate", "import", {"file-name": name, "passphrase": ""})
    names = [row["name"] for row in router.rows("/certificate")]
    client = next(row["name"] for row in router.rows("/certificate") if row["common-name"] == "rtr-a")
    cipher = "aes256-cbc" if router.ros7 else "aes256"
    run("/interface/ovpn-client", "add", {"name": "ovpn6", "connect-to": "203.0.113.130", "user": "rtr-a",
                                          "password": "secret", "certificate": client, "cipher": cipher,
                                          "auth": "sha1", "disabled": "no"})
    run("/interface/6to4", "add", {"name": "ovpn6-sit", "local-address": "198.51.100.2",
                                   "remote-address": "198.51.100.1", "comment": "ovpn6:sit:tunnel"})
    run("/ip/address", "add", {"address": "203.0.113.2/25", "interface": "ether1"})
    run("/ip/route", "add", {"dst-address": "0.0.0.0/0", "gateway": "203.0.113.1"})
    run("/ipv6/address", "add", {"address": "2001:db8:100:ffff::1:2/112", "interface": "ovpn6-sit",
                                 "advertise": "no"})
    run("/ipv6/route", "add", {"dst-address": "::/0", "gateway": "ovpn6-sit"})
    marked = {"routing-table": "ovpn6"} if router.ros7 else {"routing-mark": "ovpn6"}
    if router.ros7:
        run("/routing/table", "add", {"name": "ovpn6", "fib": ""})
    run("/ip/route", "add", dict({"dst-address": "0.0.0.0/0", "gateway": "ovpn6"}, **marked))
    mangle = [
        {"chain": "prerouting", "action": "mark-routing", "new-routing-mark": "ovpn6", "in-interface": "bridge"},
        {"chain": "prerouting", "action": "mark-routing", "new-routing-mark": "main", "in-interface": "bridge",
         "protocol": "tcp", "dst-port": "80"},
        {"chain": "output", "action": "mark-routing", "new-routing-mark": "ovpn6", "protocol": "ipv6-encap"},
    ]
    for rule in mangle:
        run("/ip/firewall/mangle", "add", rule)
    run("/ip/firewall/nat", "add", {"chain": "srcnat", "action": "masquerade", "src-address": "198.51.100.0/24",
                                    "out-interface": "ether1"})
    rows = {path: router.rows(path) for path in ("/interface/ethernet", "/interface/bridge", "/interface/ovpn-client",
                                                 "/interface/6to4", "/ip/address", "/ipv6/address", "/ip/route",
                                                 "/ipv6/route", "/ip/firewall/mangle", "/ip/firewall/nat")}
    rows["/certificate"] = [dict(row) for row in router.tables["/certificate"]]
    if router.ros7:
        rows["/routing/table"] = router.rows("/routing/table")
    return router, rows, store, names


@pytest.mark.parametrize("release", ["6.49.18", "7.16"])
def test_translation_of_the_seed_configuration(release, tmp_path):
    router, rows, store, names = _configured(release)
    assert len(names) == 2
    desired = translate(rows, release, store, str(tmp_path))
    assert desired["problems"] == []
    assert desired["sit"] == {"ovpn6-sit": {"local": "198.51.100.2", "remote": "198.51.100.1", "ttl": "64",
                                            "mtu": "1480"}}
    client = desired["openvpn"]["ovpn6"]
    config = client["files"]["client.conf"][0]
    assert "remote 203.0.113.130 1194" in config and "proto tcp-client" in config
    assert "cipher AES-256-CBC" in config and "auth SHA1" in config and "tls-version-max 1.2" in config
    assert client["files"]["auth.txt"] == ("rtr-a\nsecret\n", 0o600)
    assert client["files"]["key.pem"][1] == 0o600 and "PRIVATE KEY" in client["files"]["key.pem"][0]
    assert "BEGIN CERTIFICATE" in client["files"]["ca.pem"][0]
    table = desired["tables"]["ovpn6"]
    assert ["ip", "-4", "route", "replace", "0.0.0.0/0", "dev", "ovpn6", "table", str(table), "metric", "1",
            "proto", str(RT_PROTO)] in desired["routes"]
    assert ["ip", "-6", "route", "replace", "::/0", "dev", "ovpn6-sit", "table", "main", "metric", "1",
            "proto", str(RT_PROTO)] in desired["routes"]
    nft = desired["nft"]
    assert 'iifname "bridge" counter meta mark set %d' % table in nft
    assert 'meta l4proto 6 iifname "bridge" th dport 80 counter meta mark set 0' in nft
    assert "meta l4proto 41 counter meta mark set %d" % table in nft
    assert 'ip saddr 198.51.100.0/24 counter masquerade' in nft.replace('oifname "ether1" ', "")
    assert "type route hook output priority mangle" in nft
    # the defconf masquerade of the factory configuration is realised too
    assert 'oifname "ether1" counter masquerade comment "defconf: masquerade"' in nft
    # mark order: the LAN rule before the HTTP exception, as in the API
    assert nft.index("meta mark set %d" % table) < nft.index("th dport 80")


def test_reconcile_builds_from_nothing_then_only_rebuilds(tmp_path):
    router, rows, store, _names = _configured("7.16")
    desired = translate(rows, "7.16", store, str(tmp_path))
    empty = {"links": {"ether1": {"kind": "veth", "up": False}, "ether2": {"kind": "veth", "up": True},
                       "bridge": {"kind": "bridge", "up": True}}, "addresses": {"ether1": ["192.0.2.200/24"]}}
    commands = reconcile(desired, empty)
    assert ["ip", "tunnel", "add", "ovpn6-sit", "mode", "sit", "local", "198.51.100.2", "remote", "198.51.100.1",
            "ttl", "64"] in commands
    assert ["ip", "link", "set", "ether1", "up"] in commands
    assert ["ip", "addr", "del", "192.0.2.200/24", "dev", "ether1"] in commands
    assert ["ip", "addr", "add", "203.0.113.2/25", "dev", "ether1"] in commands
    assert ["ip", "addr", "add", "192.168.88.1/24", "dev", "bridge"] in commands
    # the tunnel interface is not there yet: no route through it
    assert not any("replace" in c and "dev" in c and c[c.index("dev") + 1] == "ovpn6" for c in commands)
    assert commands[-1] == ["nft", "-f", "-"]
    flush = commands.index(["ip", "-4", "route", "flush", "proto", str(RT_PROTO), "table", "all"])
    assert flush < commands.index(["ip", "-4", "route", "replace", "0.0.0.0/0", "via", "203.0.113.1", "table",
                                   "main", "metric", "1", "proto", str(RT_PROTO)])
    # once everything exists as desired, nothing is created or deleted again
    realised = {"links": {"ether1": {"kind": "veth", "up": True}, "ether2": {"kind": "veth", "up": True},
                          "bridge": {"kind": "bridge", "up": True}, "ovpn6": {"kind": "tun", "up": True},
                          "ovpn6-sit": {"kind": "sit", "up": True, "local": "198.51.100.2",
                                        "remote": "198.51.100.1"}, "sit0": {"kind": "sit", "up": False}},
                "addresses": {"ether1": ["203.0.113.2/25"], "bridge": ["192.168.88.1/24"],
                              "ovpn6": ["198.51.100.2/24"], "ovpn6-sit": ["2001:db8:100:ffff::1:2/112"]}}
    again = reconcile(desired, realised)
    assert not [c for c in again if c[:2] in (["ip", "tunnel"], ["ip", "addr"]) or c[:3] == ["ip", "link", "del"]]
    assert ["ip", "-4", "route", "replace", "0.0.0.0/0", "dev", "ovpn6", "table", str(desired["tables"]["ovpn6"]),
            "metric", "1", "proto", str(RT_PROTO)] in again


def test_changed_tunnel_is_replaced_and_removed_one_deleted(tmp_path):
    router, rows, store, _names = _configured("7.16")
    desired = translate(rows, "7.16", store, str(tmp_path))
    current = {"links": {"ovpn6-sit": {"kind": "sit", "local": "198.51.100.2", "remote": "198.51.100.9"},
                         "old-sit": {"kind": "sit", "local": "198.51.100.2", "remote": "198.51.100.1"}},
               "addresses": {}}
    commands = reconcile(desired, current)
    assert ["ip", "link", "del", "old-sit"] in commands
    assert commands.index(["ip", "link", "del", "ovpn6-sit"]) < commands.index(
        ["ip", "tunnel", "add", "ovpn6-sit", "mode", "sit", "local", "198.51.100.2", "remote", "198.51.100.1",
         "ttl", "64"])


def test_untranslatable_entries_are_left_out_and_named(tmp_path):
    router, rows, store, _names = _configured("7.16")
    router.execute("/ip/firewall/mangle", "add", {"chain": "prerouting", "action": "mark-packet",
                                                  "new-packet-mark": "x"})
    router.execute("/interface/ovpn-client", "add", {"name": "nocert", "connect-to": "203.0.113.130", "user": "u",
                                                     "disabled": "no"})
    rows["/ip/firewall/mangle"] = router.rows("/ip/firewall/mangle")
    rows["/interface/ovpn-client"] = router.rows("/interface/ovpn-client")
    desired = translate(rows, "7.16", store, str(tmp_path))
    assert any("new-packet-mark" in problem or "mark-packet" in problem for problem in desired["problems"])
    assert "ovpn-client nocert has no certificate" in desired["problems"]
    assert "nocert" not in desired["openvpn"] and "ovpn6" in desired["openvpn"]
    assert "mark-packet" not in desired["nft"] and '"x"' not in desired["nft"]


def test_disabled_client_and_tunnel_are_not_realised(tmp_path):
    router, rows, store, _names = _configured("6.49.18")
    router.execute("/interface/ovpn-client", "disable", {"numbers": "ovpn6"})
    router.execute("/interface/6to4", "disable", {"numbers": "ovpn6-sit"})
    rows["/interface/ovpn-client"] = router.rows("/interface/ovpn-client")
    rows["/interface/6to4"] = router.rows("/interface/6to4")
    desired = translate(rows, "6.49.18", store, str(tmp_path))
    assert desired["openvpn"] == {} and desired["sit"] == {}
    commands = reconcile(desired, {"links": {"ovpn6-sit": {"kind": "sit", "local": "198.51.100.2",
                                                           "remote": "198.51.100.1"}}, "addresses": {}})
    assert ["ip", "link", "del", "ovpn6-sit"] in commands


def test_routing_marks_get_stable_table_ids():
    rows = {"/ip/route": [{"routing-mark": "b"}, {"routing-mark": "a"}],
            "/ip/firewall/mangle": [{"new-routing-mark": "main"}, {"routing-mark": "!c"}]}
    assert routing_tables(rows, ros7=False) == {"main": "main", "a": 100, "b": 101, "c": 102}


@pytest.mark.parametrize("name, expected", [("ovpn6", "ovpn6"), ("a name", "ros1a"), ("x" * 16, "ros1a"),
                                            ("ovpn6-sit", "ovpn6-sit")])
def test_linux_names(name, expected):
    assert linux_name(name, "*1A") == expected


def test_the_address_openvpn_got_from_the_hub_is_never_removed(tmp_path):
    router, rows, _store, _names = _configured("7.16")
    # without the PEMs the client cannot be realised, but a running tun keeps its pushed address
    desired = translate(rows, "7.16", {"certificates": {}, "keys": {}}, str(tmp_path))
    assert "ovpn6" not in desired["openvpn"]
    commands = reconcile(desired, {"links": {"ovpn6": {"kind": "tun", "up": True}},
                                   "addresses": {"ovpn6": ["198.51.100.2/24"]}})
    assert not [c for c in commands if c[:3] == ["ip", "addr", "del"]]
