# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site plan: every output, every error, and properties over random valid inputs."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._addressing import (
    SitePlanError,
    _find_overlaps,
    build_site_plan,
    plan_site,
)

ALLOCATION = "2001:db8:100::/48"
VPN = "198.51.100.0/24"


def plan(sites, allocation=ALLOCATION, vpn_network=VPN, **kwargs):
    return build_site_plan(allocation, vpn_network, sites, **kwargs)


# ---------------------------------------------------------------- outputs


def test_contract_example_is_exact():
    result = plan({"rtr-a": {"site_id": 1, "lan_ipv4_prefix": "192.0.2.0/26"}})
    assert result == {
        "allocation": "2001:db8:100::/48",
        "vpn_network": "198.51.100.0/24",
        "hub": {
            "vpn_address": "198.51.100.1",
            "vpn_netmask": "255.255.255.0",
            "vpn_prefixlen": 24,
            "lan_prefix": "2001:db8:100::/64",
            "lan_address": "2001:db8:100::1",
            "transfer_block": "2001:db8:100:ffff::/64",
            "vpn_mtu": 1500,
            "sit_mtu": 1480,
        },
        "sites": {
            "rtr-a": {
                "name": "rtr-a",
                "site_id": 1,
                "vpn_address": "198.51.100.2",
                "vpn_netmask": "255.255.255.0",
                "vpn_prefixlen": 24,
                "hub_vpn_address": "198.51.100.1",
                "lan_prefix": "2001:db8:100:1::/64",
                "lan_router_address": "2001:db8:100:1::1",
                "lan_router_cidr": "2001:db8:100:1::1/64",
                "lan_ipv4_prefix": "192.0.2.0/26",
                "transfer_prefix": "2001:db8:100:ffff::1:0/112",
                "hub_transfer_address": "2001:db8:100:ffff::1:1",
                "hub_transfer_cidr": "2001:db8:100:ffff::1:1/112",
                "router_transfer_address": "2001:db8:100:ffff::1:2",
                "router_transfer_cidr": "2001:db8:100:ffff::1:2/112",
                "sit_interface": "ovpn6s1",
                "vpn_mtu": 1500,
                "sit_mtu": 1480,
            }
        },
    }


def test_seed_numbers_come_out_when_given_as_overrides():
    seed = plan(
        {"coco": {"site_id": 1, "lan_prefix": "2001:4d88:100c:1::/64", "transfer_prefix": "2001:4d88:100c:2::/112"}},
        allocation="2001:4d88:100c::/48",
    )
    coco = seed["sites"]["coco"]
    assert seed["allocation"] == "2001:4d88:100c::/48"
    assert coco["lan_prefix"] == "2001:4d88:100c:1::/64"
    assert coco["transfer_prefix"] == "2001:4d88:100c:2::/112"
    assert coco["hub_transfer_address"] == "2001:4d88:100c:2::1"
    assert coco["router_transfer_address"] == "2001:4d88:100c:2::2"
    assert coco["router_transfer_cidr"] == "2001:4d88:100c:2::2/112"
    assert coco["lan_router_address"] == "2001:4d88:100c:1::1"


def test_seed_lan_is_also_the_default_for_site_1():
    seed = plan({"coco": {"site_id": 1}}, allocation="2001:4d88:100c::/48")
    assert seed["sites"]["coco"]["lan_prefix"] == "2001:4d88:100c:1::/64"


@pytest.mark.parametrize(
    "allocation, hub_lan, transfer_block, site_3_lan, site_3_transfer",
    [
        ("2001:db8:100::/48", "2001:db8:100::/64", "2001:db8:100:ffff::/64",
         "2001:db8:100:3::/64", "2001:db8:100:ffff::3:0/112"),
        ("2001:db8:100:ab00::/56", "2001:db8:100:ab00::/64", "2001:db8:100:abff::/64",
         "2001:db8:100:ab03::/64", "2001:db8:100:abff::3:0/112"),
        ("2001:db8:0:4::/62", "2001:db8:0:4::/64", "2001:db8:0:7::/64",
         None, None),
        ("2001:db8::/32", "2001:db8::/64", "2001:db8:ffff:ffff::/64",
         "2001:db8:0:3::/64", "2001:db8:ffff:ffff::3:0/112"),
    ],
)
def test_hub_and_default_numbering_per_allocation_size(allocation, hub_lan, transfer_block, site_3_lan, site_3_transfer):
    sites = {"one": {"site_id": 1}}
    if site_3_lan:
        sites["three"] = {"site_id": 3}
    result = plan(sites, allocation=allocation)
    assert result["hub"]["lan_prefix"] == hub_lan
    assert result["hub"]["transfer_block"] == transfer_block
    if site_3_lan:
        assert result["sites"]["three"]["lan_prefix"] == site_3_lan
        assert result["sites"]["three"]["transfer_prefix"] == site_3_transfer


@pytest.mark.parametrize(
    "vpn_network, site_id, hub, router, netmask, prefixlen",
    [
        ("198.51.100.0/24", 1, "198.51.100.1", "198.51.100.2", "255.255.255.0", 24),
        ("198.51.100.0/24", 253, "198.51.100.1", "198.51.100.254", "255.255.255.0", 24),
        ("198.51.100.64/30", 1, "198.51.100.65", "198.51.100.66", "255.255.255.252", 30),
        ("10.8.0.0/16", 300, "10.8.0.1", "10.8.1.45", "255.255.0.0", 16),
    ],
)
def test_vpn_numbering(vpn_network, site_id, hub, router, netmask, prefixlen):
    result = plan({"r": {"site_id": site_id}}, vpn_network=vpn_network, allocation="2001:db8::/32")
    site = result["sites"]["r"]
    assert result["hub"]["vpn_address"] == hub
    assert result["hub"]["vpn_netmask"] == netmask
    assert result["hub"]["vpn_prefixlen"] == prefixlen
    assert (site["vpn_address"], site["hub_vpn_address"]) == (router, hub)
    assert (site["vpn_netmask"], site["vpn_prefixlen"]) == (netmask, prefixlen)


def test_every_override_is_used():
    site = plan({"old": {
        "site_id": 7,
        "lan_prefix": "2001:db8:100:77::/64",
        "transfer_prefix": "2001:db8:100:ffff::77:0/112",
        "vpn_address": "198.51.100.200",
        "sit_interface": "sit-old",
        "lan_ipv4_prefix": "203.0.113.0/24",
    }})["sites"]["old"]
    assert site["site_id"] == 7
    assert site["lan_prefix"] == "2001:db8:100:77::/64"
    assert site["lan_router_cidr"] == "2001:db8:100:77::1/64"
    assert site["transfer_prefix"] == "2001:db8:100:ffff::77:0/112"
    assert site["hub_transfer_cidr"] == "2001:db8:100:ffff::77:1/112"
    assert site["router_transfer_address"] == "2001:db8:100:ffff::77:2"
    assert site["vpn_address"] == "198.51.100.200"
    assert site["sit_interface"] == "sit-old"
    assert site["lan_ipv4_prefix"] == "203.0.113.0/24"


def test_none_means_default_and_lan_ipv4_defaults_to_null():
    site = plan({"r": {"site_id": 2, "lan_prefix": None, "transfer_prefix": None, "vpn_address": None,
                       "sit_interface": None, "lan_ipv4_prefix": None}})["sites"]["r"]
    assert site["lan_prefix"] == "2001:db8:100:2::/64"
    assert site["vpn_address"] == "198.51.100.3"
    assert site["sit_interface"] == "ovpn6s2"
    assert site["lan_ipv4_prefix"] is None


@pytest.mark.parametrize("vpn_mtu, sit_mtu", [(1500, 1480), (1300, 1280), (1400, 1380), (9000, 8980)])
def test_mtus(vpn_mtu, sit_mtu):
    result = plan({"r": {"site_id": 1}}, vpn_mtu=vpn_mtu)
    assert (result["hub"]["vpn_mtu"], result["hub"]["sit_mtu"]) == (vpn_mtu, sit_mtu)
    assert (result["sites"]["r"]["vpn_mtu"], result["sites"]["r"]["sit_mtu"]) == (vpn_mtu, sit_mtu)


def test_sit_interface_prefix_and_longest_name():
    result = plan({"r": {"site_id": 99999}, "s": {"site_id": 5}}, allocation="2001:db8::/32",
                  vpn_network="10.0.0.0/8", sit_interface_prefix="sit-hub-a.")
    assert result["sites"]["r"]["sit_interface"] == "sit-hub-a.99999"
    assert len(result["sites"]["r"]["sit_interface"]) == 15
    assert result["sites"]["s"]["sit_interface"] == "sit-hub-a.5"


def test_sites_are_ordered_by_site_id_whatever_the_input_order():
    sites = {"zulu": {"site_id": 1}, "alpha": {"site_id": 3}, "mike": {"site_id": 2}}
    forward = plan(sites)
    backward = plan(dict(reversed(list(sites.items()))))
    assert list(forward["sites"]) == ["zulu", "mike", "alpha"]
    assert forward == backward


def test_input_is_normalised_and_accepts_ipaddress_objects():
    result = build_site_plan(ipaddress.ip_network("2001:DB8:100::/48"), ipaddress.ip_network(VPN), {
        "r": {"site_id": 1, "vpn_address": ipaddress.ip_address("198.51.100.9"),
              "lan_prefix": " 2001:0DB8:0100:0001:0000::/64 "}})
    assert result["allocation"] == "2001:db8:100::/48"
    assert result["sites"]["r"]["lan_prefix"] == "2001:db8:100:1::/64"
    assert result["sites"]["r"]["vpn_address"] == "198.51.100.9"


def test_empty_site_list_gives_the_hub_only():
    result = plan({})
    assert result["sites"] == {}
    assert result["hub"]["vpn_address"] == "198.51.100.1"


def test_output_holds_plain_types_only():
    class TaggedStr(str):
        pass

    class TaggedInt(int):
        pass

    result = plan({TaggedStr("r"): {"site_id": TaggedInt(4)}})
    name, site = next(iter(result["sites"].items()))
    assert name.__class__ is str and site["name"].__class__ is str
    assert site["site_id"].__class__ is int


# ---------------------------------------------------------------- errors

ERRORS = [
    # allocation
    ({"allocation": "2001:db8:100::1/48"}, r"allocation '2001:db8:100::1/48' has host bits set; the network address is 2001:db8:100::/48"),
    ({"allocation": "192.0.2.0/24"}, r"allocation '192.0.2.0/24' is an IPv4 network, but allocation must be IPv6"),
    ({"allocation": "2001:db8::/63"}, r"allocation '2001:db8::/63' is too small: a /63 .* must be a /62 or shorter"),
    ({"allocation": "2001:db8::/64"}, r"allocation '2001:db8::/64' is too small"),
    ({"allocation": "2001:db8::"}, r"allocation '2001:db8::' has no prefix length"),
    ({"allocation": "not-a-prefix"}, r"allocation 'not-a-prefix' is not an IPv6 network in CIDR form"),
    ({"allocation": 48}, r"allocation 48 must be an IPv6 network in CIDR form .* not a int"),
    ({"allocation": None}, r"allocation None must be an IPv6 network"),
    # VPN network
    ({"vpn_network": "198.51.100.1/24"}, r"vpn_network '198.51.100.1/24' has host bits set; the network address is 198.51.100.0/24"),
    ({"vpn_network": "2001:db8::/64"}, r"vpn_network '2001:db8::/64' is an IPv6 network, but vpn_network must be IPv4"),
    ({"vpn_network": "198.51.100.0/31"}, r"vpn_network '198.51.100.0/31' is too small: a /31 .* must be a /30 or shorter"),
    ({"vpn_network": "198.51.100.7/32"}, r"vpn_network '198.51.100.7/32' is too small"),
    # MTU and interface prefix
    ({"vpn_mtu": 1299}, r"vpn_mtu 1299 is out of range; it must be between 1300 and 9000"),
    ({"vpn_mtu": 9001}, r"vpn_mtu 9001 is out of range"),
    ({"vpn_mtu": True}, r"vpn_mtu True must be an integer, not a bool"),
    ({"vpn_mtu": "1500"}, r"vpn_mtu '1500' must be an integer, not a str"),
    ({"sit_interface_prefix": "abcdefghijklmno"}, r"sit_interface_prefix 'abcdefghijklmno' leaves no room for a site id"),
    ({"sit_interface_prefix": "abcdefghijklmnop"}, r"sit_interface_prefix 'abcdefghijklmnop' is 16 characters long; Linux interface names have at most 15"),
    ({"sit_interface_prefix": "sit/"}, r"sit_interface_prefix 'sit/' is not a valid interface name"),
    ({"sit_interface_prefix": "6sit"}, r"sit_interface_prefix '6sit' must start with a letter"),
    ({"sit_interface_prefix": None}, r"sit_interface_prefix None must be a string"),
]


@pytest.mark.parametrize("override, match", ERRORS)
def test_plan_wide_errors(override, match):
    kwargs = {"allocation": ALLOCATION, "vpn_network": VPN, "sites": {"r": {"site_id": 1}}}
    kwargs.update(override)
    with pytest.raises(SitePlanError, match=match):
        build_site_plan(**kwargs)


SITE_ERRORS = [
    # site ids
    ({"r": {"site_id": True}}, r"site 'r': site_id True must be an integer, not a bool"),
    ({"r": {"site_id": "1"}}, r"site 'r': site_id '1' must be an integer, not a str"),
    ({"r": {"site_id": 1.0}}, r"site 'r': site_id 1.0 must be an integer, not a float"),
    ({"r": {}}, r"site 'r': site_id None must be an integer, not a NoneType"),
    ({"r": {"site_id": 0}}, r"site 'r': site_id 0 is out of range; it must be at least 1"),
    ({"r": {"site_id": -4}}, r"site 'r': site_id -4 is out of range"),
    ({"a": {"site_id": 4}, "b": {"site_id": 4}}, r"site_id '4' is used by more than one site: 'a', 'b'"),
    ({"r": {"site_id": 65535}}, r"site 'r': site_id 65535 is past the room for site LANs in the allocation 2001:db8:100::/48 \(ids 1 to 65534\)"),
    ({"r": {"site_id": 254}}, r"site 'r': site_id 254 is past the room for routers in the VPN network 198.51.100.0/24 \(ids 1 to 253\)"),
    # settings shape
    ({"r": ["site_id", 1]}, r"site 'r': its settings must be a mapping, not a list"),
    ({"r": {"site_id": 1, "lan": "x"}}, r"site 'r': unknown setting\(s\) lan; known are site_id, lan_prefix"),
    ({"": {"site_id": 1}}, r"site name '' must be a non-empty string"),
    ({7: {"site_id": 1}}, r"site name 7 must be a non-empty string"),
    # LAN override
    ({"r": {"site_id": 1, "lan_prefix": "2001:db8:100:1::/56"}}, r"site 'r': lan_prefix '2001:db8:100:1::/56' has host bits set"),
    ({"r": {"site_id": 1, "lan_prefix": "2001:db8:100:100::/56"}}, r"site 'r': lan_prefix '2001:db8:100:100::/56' is a /56; a site LAN must be a /64"),
    ({"r": {"site_id": 1, "lan_prefix": "2001:db8:100:1::1/64"}},
     r"site 'r': lan_prefix '2001:db8:100:1::1/64' has host bits set; the network address is 2001:db8:100:1::/64"),
    ({"r": {"site_id": 1, "lan_prefix": "192.0.2.0/24"}}, r"site 'r': lan_prefix '192.0.2.0/24' is an IPv4 network, but lan_prefix must be IPv6"),
    ({"r": {"site_id": 1, "lan_prefix": "2001:db8:200:1::/64"}}, r"site 'r': lan_prefix '2001:db8:200:1::/64' lies outside the allocation 2001:db8:100::/48"),
    ({"r": {"site_id": 1, "lan_prefix": "2001:db8:100:ffff::/64"}}, r"site 'r': lan_prefix '2001:db8:100:ffff::/64' is the allocation's transfer block"),
    ({"r": {"site_id": 1, "lan_prefix": "2001:db8:100::/64"}}, r"site 'r' lan_prefix 2001:db8:100::/64 overlaps the hub LAN 2001:db8:100::/64"),
    ({"a": {"site_id": 1, "lan_prefix": "2001:db8:100:2::/64"}, "b": {"site_id": 2}},
     r"site 'b' lan_prefix 2001:db8:100:2::/64 overlaps site 'a' lan_prefix 2001:db8:100:2::/64"),
    ({"a": {"site_id": 1, "lan_prefix": "2001:db8:100:9::/64"}, "b": {"site_id": 2, "lan_prefix": "2001:db8:100:9::/64"}},
     r"overlaps site 'a' lan_prefix 2001:db8:100:9::/64"),
    ({"r": {"site_id": 1, "lan_prefix": 42}}, r"site 'r': lan_prefix 42 must be an IPv6 network in CIDR form"),
    # transfer override
    ({"r": {"site_id": 1, "transfer_prefix": "2001:db8:100:2::/64"}},
     r"site 'r': transfer_prefix '2001:db8:100:2::/64' is a /64; a transfer network must be a /112"),
    ({"r": {"site_id": 1, "transfer_prefix": "2001:db8:100:2::1/112"}}, r"site 'r': transfer_prefix '2001:db8:100:2::1/112' has host bits set"),
    ({"r": {"site_id": 1, "transfer_prefix": "198.51.100.0/24"}},
     r"site 'r': transfer_prefix '198.51.100.0/24' is an IPv4 network, but transfer_prefix must be IPv6"),
    ({"r": {"site_id": 1, "transfer_prefix": "2001:db8:999:2::/112"}}, r"site 'r': transfer_prefix '2001:db8:999:2::/112' lies outside the allocation"),
    ({"r": {"site_id": 1, "transfer_prefix": "2001:db8:100::/112"}}, r"site 'r' transfer_prefix 2001:db8:100::/112 overlaps the hub LAN"),
    ({"r": {"site_id": 1, "transfer_prefix": "2001:db8:100:1::/112"}},
     r"site 'r' transfer_prefix 2001:db8:100:1::/112 overlaps site 'r' lan_prefix 2001:db8:100:1::/64"),
    ({"seed": {"site_id": 1, "transfer_prefix": "2001:db8:100:2::/112"}, "new": {"site_id": 2}},
     r"site 'seed' transfer_prefix 2001:db8:100:2::/112 overlaps site 'new' lan_prefix 2001:db8:100:2::/64"),
    ({"a": {"site_id": 1, "transfer_prefix": "2001:db8:100:ffff::2:0/112"}, "b": {"site_id": 2}},
     r"transfer_prefix 2001:db8:100:ffff::2:0/112 overlaps site '[ab]' transfer_prefix 2001:db8:100:ffff::2:0/112"),
    # VPN address override
    ({"r": {"site_id": 1, "vpn_address": "2001:db8::5"}}, r"site 'r': vpn_address '2001:db8::5' is an IPv6 address, but vpn_address must be IPv4"),
    ({"r": {"site_id": 1, "vpn_address": "198.51.100.5/24"}}, r"site 'r': vpn_address '198.51.100.5/24' is not an IPv4 address"),
    ({"r": {"site_id": 1, "vpn_address": 5}}, r"site 'r': vpn_address 5 must be an IPv4 address, not a int"),
    ({"r": {"site_id": 1, "vpn_address": "203.0.113.5"}}, r"site 'r': vpn_address '203.0.113.5' lies outside the VPN network 198.51.100.0/24"),
    ({"r": {"site_id": 1, "vpn_address": "198.51.100.0"}}, r"site 'r': vpn_address '198.51.100.0' is the VPN network's own address"),
    ({"r": {"site_id": 1, "vpn_address": "198.51.100.255"}}, r"site 'r': vpn_address '198.51.100.255' is the VPN network's broadcast address"),
    ({"r": {"site_id": 1, "vpn_address": "198.51.100.1"}}, r"site 'r': vpn_address '198.51.100.1' is the hub's VPN address"),
    ({"a": {"site_id": 1, "vpn_address": "198.51.100.3"}, "b": {"site_id": 2}}, r"VPN address '198.51.100.3' is used by more than one site: 'a', 'b'"),
    ({"a": {"site_id": 1, "vpn_address": "198.51.100.9"}, "b": {"site_id": 2, "vpn_address": "198.51.100.9"}},
     r"VPN address '198.51.100.9' is used by more than one site"),
    # SIT interface override
    ({"r": {"site_id": 1, "sit_interface": "sit-tunnel-rtr-a"}},
     r"site 'r': sit_interface 'sit-tunnel-rtr-a' is 16 characters long; Linux interface names have at most 15"),
    ({"r": {"site_id": 1, "sit_interface": "sit rtr"}}, r"site 'r': sit_interface 'sit rtr' is not a valid interface name"),
    ({"r": {"site_id": 1, "sit_interface": "sit:1"}}, r"site 'r': sit_interface 'sit:1' is not a valid interface name"),
    ({"r": {"site_id": 1, "sit_interface": ""}}, r"site 'r': sit_interface '' is not a valid interface name"),
    ({"r": {"site_id": 1, "sit_interface": "all"}}, r"site 'r': sit_interface 'all' is reserved by Linux"),
    ({"r": {"site_id": 1, "sit_interface": 6}}, r"site 'r': sit_interface 6 must be a string, not a int"),
    ({"a": {"site_id": 1, "sit_interface": "ovpn6s2"}, "b": {"site_id": 2}}, r"SIT interface name 'ovpn6s2' is used by more than one site: 'a', 'b'"),
    # LAN IPv4
    ({"r": {"site_id": 1, "lan_ipv4_prefix": "2001:db8::/64"}},
     r"site 'r': lan_ipv4_prefix '2001:db8::/64' is an IPv6 network, but lan_ipv4_prefix must be IPv4"),
    ({"r": {"site_id": 1, "lan_ipv4_prefix": "192.0.2.1/26"}},
     r"site 'r': lan_ipv4_prefix '192.0.2.1/26' has host bits set; the network address is 192.0.2.0/26"),
    ({"r": {"site_id": 1, "lan_ipv4_prefix": "198.51.100.128/25"}}, r"site 'r': lan_ipv4_prefix '198.51.100.128/25' overlaps the VPN network 198.51.100.0/24"),
    ({"a": {"site_id": 1, "lan_ipv4_prefix": "192.0.2.0/24"}, "b": {"site_id": 2, "lan_ipv4_prefix": "192.0.2.64/26"}},
     r"site 'b' lan_ipv4_prefix 192.0.2.64/26 overlaps site 'a' lan_ipv4_prefix 192.0.2.0/24"),
]


@pytest.mark.parametrize("sites, match", SITE_ERRORS)
def test_site_errors(sites, match):
    with pytest.raises(SitePlanError, match=match):
        plan(sites)


def test_sites_must_be_a_mapping():
    with pytest.raises(SitePlanError, match=r"sites must be a mapping of inventory name to settings, not a list"):
        plan([{"site_id": 1}])


@pytest.mark.parametrize(
    "allocation, site_id, match",
    [
        ("2001:db8::/62", 3, r"site_id 3 is past the room for site LANs in the allocation 2001:db8::/62 \(ids 1 to 2\)"),
        ("2001:db8::/56", 255, r"site_id 255 is past the room for site LANs in the allocation 2001:db8::/56 \(ids 1 to 254\)"),
    ],
)
def test_allocation_too_small_for_the_ids(allocation, site_id, match):
    with pytest.raises(SitePlanError, match=match):
        plan({"r": {"site_id": site_id}}, allocation=allocation)


def test_big_ids_are_fine_when_every_default_is_overridden():
    site = plan({"r": {"site_id": 10 ** 20, "lan_prefix": "2001:db8:0:1::/64", "transfer_prefix": "2001:db8:0:2::/112",
                       "vpn_address": "198.51.100.7", "sit_interface": "sit-r"}},
                allocation="2001:db8::/62")["sites"]["r"]
    assert site["site_id"] == 10 ** 20
    assert site["lan_prefix"] == "2001:db8:0:1::/64"


def test_site_id_past_transfer_room_needs_an_override():
    # A /16 allocation has 2**48 - 2 LANs but only 2**48 - 1 transfer networks; the LAN bound
    # is always the tighter one, so reach the transfer bound with a LAN override.
    site_id = 2 ** 48
    with pytest.raises(SitePlanError, match=r"site_id %d is past the room for transfer networks in the transfer block "
                                            r"2001:ffff:ffff:ffff::/64 \(ids 1 to %d\); set transfer_prefix" % (site_id, site_id - 1)):
        build_site_plan("2001::/16", "10.0.0.0/8", {"r": {"site_id": site_id, "lan_prefix": "2001::1:0:0:0/64",
                                                          "vpn_address": "10.0.0.9", "sit_interface": "x"}})


def test_sit_name_past_15_characters_needs_an_override():
    with pytest.raises(SitePlanError, match=r"site 'r': SIT interface name 'sit-hub-a.100000' for site_id 100000 would exceed "
                                            r"15 characters; use a shorter sit_interface_prefix or set sit_interface"):
        plan({"r": {"site_id": 100000}}, allocation="2001:db8::/32", vpn_network="10.0.0.0/8",
             sit_interface_prefix="sit-hub-a.")


def test_every_problem_is_reported_at_once():
    with pytest.raises(SitePlanError) as caught:
        plan({"a": {"site_id": 1, "vpn_address": "203.0.113.1", "sit_interface": "x" * 16},
              "b": {"site_id": True}, "c": {"site_id": 3}, "d": {"site_id": 3}})
    assert len(caught.value.errors) == 4
    assert str(caught.value).startswith("4 problems in the site plan:\n- ")
    assert "203.0.113.1" in str(caught.value) and "'b'" in str(caught.value) and "'c', 'd'" in str(caught.value)


def test_labels_put_the_users_variable_names_in_messages():
    labels = {"site_id": "ovpn6_site_id", "lan_prefix": "ovpn6_lan_prefix"}
    with pytest.raises(SitePlanError, match=r"site 'r': ovpn6_lan_prefix '2001:db8:100:1::/63' has host bits set"):
        plan({"r": {"site_id": 1, "lan_prefix": "2001:db8:100:1::/63"}}, labels=labels)
    with pytest.raises(SitePlanError, match=r"ovpn6_site_id '2' is used by more than one site"):
        plan({"r": {"site_id": 2}, "s": {"site_id": 2}}, labels=labels)


def test_an_error_is_a_value_error():
    assert issubclass(SitePlanError, ValueError)


# ---------------------------------------------------------------- plan_site

def test_plan_site_returns_a_site_or_one_field():
    result = plan({"rtr-a": {"site_id": 1}})
    assert plan_site(result, "rtr-a") == result["sites"]["rtr-a"]
    assert plan_site(result, "rtr-a", "transfer_prefix") == "2001:db8:100:ffff::1:0/112"


@pytest.mark.parametrize(
    "the_plan, name, field, match",
    [
        ({"sites": {}}, "rtr-x", None, r"site 'rtr-x' is not in the site plan; its sites are none"),
        ("plan", "rtr-a", None, r"'plan' is not a site plan"),
        ({"hub": {}}, "rtr-a", None, r"is not a site plan \(a mapping with 'sites'\)"),
        (None, "rtr-a", "lan_prefix", r"None is not a site plan"),
    ],
)
def test_plan_site_errors(the_plan, name, field, match):
    with pytest.raises(SitePlanError, match=match):
        plan_site(the_plan, name, field)


def test_plan_site_names_the_known_sites_and_fields():
    result = plan({"rtr-a": {"site_id": 1}, "rtr-b": {"site_id": 2}})
    with pytest.raises(SitePlanError, match=r"site 'rtr-c' is not in the site plan; its sites are rtr-a, rtr-b"):
        plan_site(result, "rtr-c")
    with pytest.raises(SitePlanError, match=r"site plan field 'lan' does not exist; known fields are .*lan_prefix"):
        plan_site(result, "rtr-a", "lan")


# ---------------------------------------------------------------- overlap sweep

@pytest.mark.parametrize(
    "ranges, expected",
    [
        ([(0, 9, "a"), (10, 19, "b")], []),
        ([(0, 9, "a"), (9, 19, "b")], [("a", "b")]),
        ([(0, 99, "big"), (10, 19, "in1"), (50, 59, "in2")], [("big", "in1"), ("big", "in2")]),
        ([(10, 19, "b"), (0, 99, "big")], [("big", "b")]),
        ([(0, 9, "given-first"), (0, 9, "given-second")], [("given-first", "given-second")]),
        ([(5, 5, "x"), (5, 5, "y")], [("x", "y")]),
    ],
)
def test_find_overlaps(ranges, expected):
    assert list(_find_overlaps(ranges)) == expected


# ---------------------------------------------------------------- properties

@st.composite
def valid_inputs(draw):
    """A valid allocation, VPN network and up to 12 sites, some with non-colliding overrides."""
    alloc_len = draw(st.integers(min_value=44, max_value=62))
    alloc_base = int(ipaddress.ip_address("2001:db8::")) + (draw(st.integers(0, (1 << (alloc_len - 32)) - 1)) << (128 - alloc_len))
    allocation = ipaddress.IPv6Network((alloc_base, alloc_len))
    lan_count = 1 << (64 - alloc_len)
    vpn_len = draw(st.integers(min_value=20, max_value=30))
    vpn_base = int(ipaddress.ip_address("100.64.0.0")) + (draw(st.integers(0, (1 << (vpn_len - 10)) - 1)) << (32 - vpn_len))
    vpn_network = ipaddress.IPv4Network((vpn_base, vpn_len))
    max_id = min(lan_count - 2, vpn_network.num_addresses - 3)
    ids = draw(st.lists(st.integers(1, max_id), unique=True, max_size=min(12, max_id)))

    used_lan = set(ids) | {0, lan_count - 1}
    used_transfer = set(ids)
    used_vpn = {0, 1, vpn_network.num_addresses - 1} | {1 + i for i in ids}
    used_ipv4 = set()
    sites = {}
    for number, site_id in enumerate(ids):
        settings = {"site_id": site_id}
        if draw(st.booleans()):
            free = [i for i in range(1, min(lan_count - 1, 64)) if i not in used_lan]
            if free:
                index = draw(st.sampled_from(free))
                used_lan.add(index)
                settings["lan_prefix"] = str(ipaddress.IPv6Network((alloc_base + (index << 64), 64)))
        if draw(st.booleans()):
            index = draw(st.integers(1, 1 << 16).filter(lambda i: i not in used_transfer))
            used_transfer.add(index)
            block = alloc_base + ((lan_count - 1) << 64)
            settings["transfer_prefix"] = str(ipaddress.IPv6Network((block + (index << 16), 112)))
        if draw(st.booleans()):
            free = [i for i in range(2, min(vpn_network.num_addresses - 1, 300)) if i not in used_vpn]
            if free:
                offset = draw(st.sampled_from(free))
                used_vpn.add(offset)
                settings["vpn_address"] = str(vpn_network.network_address + offset)
        if draw(st.booleans()):
            settings["sit_interface"] = "tun-%d" % number
        if draw(st.booleans()):
            third = draw(st.integers(0, 255).filter(lambda o: o not in used_ipv4))
            used_ipv4.add(third)
            settings["lan_ipv4_prefix"] = "10.0.%d.0/24" % third
        sites["rtr-%d" % number] = settings
    return str(allocation), str(vpn_network), sites


PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(valid_inputs())
def test_no_two_sites_share_an_address_or_a_prefix(inputs):
    allocation, vpn_network, sites = inputs
    result = build_site_plan(allocation, vpn_network, sites)
    allocation_net = ipaddress.ip_network(allocation)
    hub = result["hub"]
    transfer_block = ipaddress.ip_network(hub["transfer_block"])
    ipv6_prefixes = [ipaddress.ip_network(hub["lan_prefix"])]
    addresses = [hub["vpn_address"], hub["lan_address"]]
    names = []
    ipv4_lans = []
    for site in result["sites"].values():
        lan = ipaddress.ip_network(site["lan_prefix"])
        transfer = ipaddress.ip_network(site["transfer_prefix"])
        assert lan.prefixlen == 64 and transfer.prefixlen == 112
        assert lan.subnet_of(allocation_net) and transfer.subnet_of(allocation_net)
        assert not lan.overlaps(transfer_block)
        assert ipaddress.ip_address(site["lan_router_address"]) in lan
        assert ipaddress.ip_address(site["hub_transfer_address"]) in transfer
        assert ipaddress.ip_address(site["router_transfer_address"]) in transfer
        assert ipaddress.ip_address(site["vpn_address"]) in ipaddress.ip_network(vpn_network)
        assert len(site["sit_interface"]) <= 15
        ipv6_prefixes += [lan, transfer]
        addresses += [site["vpn_address"], site["lan_router_address"], site["hub_transfer_address"],
                      site["router_transfer_address"]]
        names.append(site["sit_interface"])
        if site["lan_ipv4_prefix"]:
            ipv4_lans.append(ipaddress.ip_network(site["lan_ipv4_prefix"]))
    for first, second in itertools.combinations(ipv6_prefixes, 2):
        assert not first.overlaps(second), (first, second)
    for first, second in itertools.combinations(ipv4_lans, 2):
        assert not first.overlaps(second), (first, second)
    assert len(set(addresses)) == len(addresses)
    assert len(set(names)) == len(names)
    assert len({site["site_id"] for site in result["sites"].values()}) == len(result["sites"])


@PROPERTY_SETTINGS
@given(valid_inputs(), st.data())
def test_adding_or_removing_a_site_changes_no_other_site(inputs, data):
    allocation, vpn_network, sites = inputs
    full = build_site_plan(allocation, vpn_network, sites)
    if sites:
        removed = data.draw(st.sampled_from(sorted(sites)))
        fewer = dict((name, settings) for name, settings in sites.items() if name != removed)
        smaller = build_site_plan(allocation, vpn_network, fewer)
        # Removing `removed` from the full plan, or adding it to the smaller one, touches nothing else.
        assert smaller["hub"] == full["hub"]
        assert smaller["sites"] == dict((name, site) for name, site in full["sites"].items() if name != removed)
    shuffled = dict(data.draw(st.permutations(list(sites.items()))))
    assert build_site_plan(allocation, vpn_network, shuffled) == full


@PROPERTY_SETTINGS
@given(valid_inputs())
def test_defaults_follow_the_numbering_rule(inputs):
    allocation, vpn_network, sites = inputs
    result = build_site_plan(allocation, vpn_network, sites)
    base = int(ipaddress.ip_network(allocation).network_address)
    block = int(ipaddress.ip_network(result["hub"]["transfer_block"]).network_address)
    vpn_base = ipaddress.ip_network(vpn_network).network_address
    for name, settings in sites.items():
        site = result["sites"][name]
        n = settings["site_id"]
        if "lan_prefix" not in settings:
            assert site["lan_prefix"] == str(ipaddress.IPv6Network((base + (n << 64), 64)))
        if "transfer_prefix" not in settings:
            assert site["transfer_prefix"] == str(ipaddress.IPv6Network((block + (n << 16), 112)))
        if "vpn_address" not in settings:
            assert site["vpn_address"] == str(vpn_base + 1 + n)
        if "sit_interface" not in settings:
            assert site["sit_interface"] == "ovpn6s%d" % n
