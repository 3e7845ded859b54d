# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Intent to dialect: ovpn-client words and the policy-routing block, per release (pure logic)."""

import pytest

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._certificates import fingerprint
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._ovpn_client import dialect_fields
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._policy_routing import (
    desired_specs,
    filter_entries,
    mangle_entries,
    seed_rules,
)
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._releases import parse_version
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError

BASE = dict(name="ovpn6", connect_to="203.0.113.10", connect_port=1194, ovpn_user="rtr-a", ovpn_password="x",
            certificate="c", cipher_strength=256, cipher_mode="cbc", auth=None, transport="tcp", mode="ip",
            verify_server_certificate=True)


# Words from evidence: the v6 manual and a 7.5 export print aes256, a 7.11.2 export aes256-cbc; 7.6-7.10
# are unknown, so the newer word is tried first and the older one kept in reserve. The default digest
# for CBC is the hub's one rule (sha1), on every release.
@pytest.mark.parametrize("release, strength, mode, auth, cipher_word, fallback, auth_word", [
    ("6.49.18", 256, "cbc", None, "aes256", [], "sha1"),
    ("6.49.18", 128, "cbc", "md5", "aes128", [], "md5"),
    ("7.5", 256, "cbc", None, "aes256", [], "sha1"),
    ("7.10.2", 192, "cbc", None, "aes192-cbc", ["aes192"], "sha1"),
    ("7.12.2", 256, "cbc", None, "aes256-cbc", [], "sha1"),
    ("7.16", 256, "gcm", None, "aes256-gcm", [], "null"),
    ("7.22.3", 128, "gcm", "null", "aes128-gcm", [], "null"),
    ("7.24", 256, "cbc", "sha256", "aes256-cbc", [], "sha256"),
])
def test_cipher_and_auth_words(release, strength, mode, auth, cipher_word, fallback, auth_word):
    fields, others, _notes = dialect_fields(parse_version(release),
                                            dict(BASE, cipher_strength=strength, cipher_mode=mode, auth=auth))
    assert (fields["cipher"], others, fields["auth"]) == (cipher_word, fallback, auth_word)


def test_words_not_known_on_a_release_are_sent_with_a_note():
    # GCM and SHA-2 show in the dumps' completions from 7.21.5 only: on 7.16 they are unknown, not refused.
    fields, _others, notes = dialect_fields(parse_version("7.16"), dict(BASE, cipher_mode="gcm"))
    assert fields["cipher"] == "aes256-gcm" and "not known to offer cipher aes256-gcm" in notes[0]
    fields, _others, notes = dialect_fields(parse_version("7.16"), dict(BASE, auth="sha512"))
    assert fields["auth"] == "sha512" and "not known to offer auth sha512" in notes[0]


def test_release_words_only_where_they_exist():
    ros6, _others, notes = dialect_fields(parse_version("6.49.18"), BASE)
    assert "protocol" not in ros6 and "verify-server-certificate" not in ros6 and notes
    ros7, _others, notes = dialect_fields(parse_version("7.16"), dict(BASE, transport="udp"))
    assert ros7["protocol"] == "udp" and ros7["verify-server-certificate"] is True and not notes


@pytest.mark.parametrize("release, change, message", [
    ("6.49.18", dict(cipher_mode="gcm"), "cipher AES-256-GCM is not available on RouterOS 6.49.18"),
    ("6.49.18", dict(auth="sha256"), "auth sha256 is not available on RouterOS 6.49.18"),
    ("6.49.18", dict(transport="udp"), "transport udp is not available on RouterOS 6.49.18"),
    ("7.6", dict(transport="udp"), "transport udp is not known to exist on RouterOS 7.6"),
    ("7.16", dict(cipher_mode="gcm", auth="sha1"), "RouterOS needs auth=null for GCM"),
    ("7.16", dict(connect_port=0), "connect_port 0 is not a TCP/UDP port"),
    ("7.16", dict(connect_to=None), "connect_to is required"),
])
def test_what_the_release_cannot_do_is_refused(release, change, message):
    with pytest.raises(InvalidInputError, match=message):
        dialect_fields(parse_version(release), dict(BASE, **change))


def test_seed_rules_make_the_seed_block():
    # New connections are classified (the last matching rule wins), connections from the tunnel are
    # marked for the VPN, then every packet of a VPN connection not out of the tunnel is routed by the mark.
    entries = mangle_entries(seed_rules("203.0.113.10"), "ovpn6", "bridge", "ovpn6")
    assert [(e["key"], e["chain"], e["action"], e.get("new-connection-mark") or e.get("new-routing-mark"))
            for e in entries] == [
        ("lan-via-vpn", "prerouting", "mark-connection", "ovpn6"),
        ("ssh-to-hub-direct", "prerouting", "mark-connection", "no-mark"),
        ("http-direct", "prerouting", "mark-connection", "no-mark"),
        ("dns-direct", "prerouting", "mark-connection", "no-mark"),
        ("from-vpn", "prerouting", "mark-connection", "ovpn6"),
        ("route-vpn-connections", "prerouting", "mark-routing", "ovpn6"),
        ("sit-via-vpn", "output", "mark-routing", "ovpn6")]
    assert all(e["connection-state"] == "new" for e in entries[:5])
    assert entries[1]["dst-address"] == "203.0.113.10" and entries[1]["dst-port"] == "22"
    assert entries[4]["in-interface"] == "ovpn6"
    assert (entries[5]["connection-mark"], entries[5]["in-interface"], entries[5]["passthrough"]) == (
        "ovpn6", "!ovpn6", False)
    assert "in-interface" not in entries[6] and entries[6]["protocol"] == "41"


def test_filter_rules_keep_vpn_connections_off_fasttrack_and_admit_the_vpn():
    params = dict(tunnel_interface="ovpn6", lan_interface="bridge")
    entries = filter_entries(params, "ovpn6")
    assert [(e["key"], e["chain"], e["action"]) for e in entries] == [
        ("vpn-connections-off-fasttrack", "forward", "accept"), ("vpn-to-lan", "forward", "accept"),
        ("manage-from-vpn", "input", "accept")]
    assert entries[0]["connection-mark"] == "ovpn6" and entries[0]["connection-state"] == "established,related"
    assert entries[2]["dst-port"] == "22,8728,8729" and entries[2]["in-interface"] == "ovpn6"
    closed = filter_entries(dict(params, admit_from_vpn=False, management_ports=[]), "ovpn6")
    assert [e["key"] for e in closed] == ["vpn-connections-off-fasttrack"]
    with pytest.raises(InvalidInputError, match="management_ports '70000'"):
        filter_entries(dict(params, management_ports=["70000"]), "ovpn6")


@pytest.mark.parametrize("rule, message", [
    ({"key": "a", "protocol": "tcp", "dst_port": "0"}, "ports are 1-65535"),
    ({"key": "a", "protocol": "tcp", "dst_port": "90-80"}, "a range goes low-high"),
    ({"key": "a", "protocol": "tcp", "dst_port": "http"}, "is not a port"),
    ({"key": "a", "protocol": "gre", "dst_port": "80"}, "needs protocol tcp, udp"),
    ({"key": "a", "dst_port": "80"}, "needs protocol tcp, udp"),
    ({"key": "a", "protocol": "256"}, "protocol 256 is outside 0-255"),
    ({"key": "a", "protocol": "tcpp"}, "protocol 'tcpp' is not an IP protocol name"),
    ({"key": "a", "src_address": "192.0.2.0/33"}, "src_address '192.0.2.0/33' is not an IPv4"),
    ({"key": "a", "dst_address": "2001:db8::1"}, "is not an IPv4 address"),
    ({"key": "a", "route": "elsewhere"}, "route 'elsewhere' must be vpn or direct"),
    ({"key": "a", "chain": "forward"}, "chain 'forward' must be prerouting or output"),
    ({"key": "a", "chain": "output", "from_lan": True}, "from_lan needs chain prerouting"),
    ({"key": "a", "colour": "red"}, "unknown field"),
    ({"protocol": "tcp"}, "needs a key"),
])
def test_bad_rules_are_refused(rule, message):
    with pytest.raises(InvalidInputError, match=message):
        mangle_entries([rule], "ovpn6", "bridge")


def test_policy_dialects():
    params = dict(table="ovpn6", tunnel_interface="ovpn6", lan_interface="bridge", wan_interface="ether1",
                  hub_address=None, rules=None, masquerade_src_addresses=["198.51.100.0/24"])
    ros6 = desired_specs(parse_version("6.49.18"), params)
    ros7 = desired_specs(parse_version("7.22.3"), params)
    assert [spec.path for spec in ros6] == ["/ip/firewall/mangle", "/ip/firewall/filter", "/ip/route",
                                            "/ip/firewall/nat"]
    assert [spec.path for spec in ros7][0] == "/routing/table"
    route6 = dict(ros6[2].entries)["default-via-vpn"]
    route7 = dict(ros7[3].entries)["default-via-vpn"]
    assert route6["routing-mark"] == "ovpn6" and "routing-table" not in route6
    assert route7["routing-table"] == "ovpn6" and "routing-mark" not in route7
    with pytest.raises(InvalidInputError, match="table 'main' must be a name"):
        desired_specs(parse_version("7.16"), dict(params, table="main"))


def test_fingerprint_refuses_what_is_not_one_certificate():
    with pytest.raises(InvalidInputError, match="certificate is not PEM text"):
        fingerprint("nothing here", "certificate")
    block = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    assert len(fingerprint(block, "certificate")) == 64
    with pytest.raises(InvalidInputError, match="exactly one certificate, found 2"):
        fingerprint(block + block, "certificate")
