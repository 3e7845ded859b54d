# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site plan filters, called as Ansible calls them (the plan's own rules are tested in module_utils)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tunnelworks.ovpn6.plugins.filter.site_plan import (
    FilterModule,
    plan_site,
    site_plan,
    site_plan_from_sites,
)
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._addressing import build_site_plan

ALLOCATION = "2001:db8:100::/48"
VPN = "198.51.100.0/24"

HOSTVARS = {
    "hub": {"ovpn6_hub_public_address": "203.0.113.10"},
    "rtr-a": {"ovpn6_site_id": 1, "ovpn6_lan_ipv4_prefix": "192.0.2.0/26", "ansible_host": "192.0.2.1"},
    "rtr-b": {
        "ovpn6_site_id": 2,
        "ovpn6_lan_prefix": "2001:db8:100:20::/64",
        "ovpn6_transfer_prefix": "2001:db8:100:ffff::20:0/112",
        "ovpn6_vpn_address": "198.51.100.66",
        "ovpn6_sit_interface": "sit-rtr-b",
        "ovpn6_lan_ipv4_prefix": "192.0.2.64/26",
    },
}


def test_filters_are_registered():
    assert FilterModule().filters() == {
        "site_plan": site_plan,
        "site_plan_from_sites": site_plan_from_sites,
        "plan_site": plan_site,
    }


def test_site_plan_reads_every_ovpn6_variable_from_hostvars():
    result = site_plan(HOSTVARS, ["rtr-a", "rtr-b"], allocation=ALLOCATION, vpn_network=VPN)
    assert list(result["sites"]) == ["rtr-a", "rtr-b"]
    rtr_a, rtr_b = result["sites"]["rtr-a"], result["sites"]["rtr-b"]
    assert (rtr_a["lan_prefix"], rtr_a["vpn_address"], rtr_a["sit_interface"]) == (
        "2001:db8:100:1::/64", "198.51.100.2", "ovpn6s1")
    assert rtr_a["lan_ipv4_prefix"] == "192.0.2.0/26"
    assert rtr_b["lan_prefix"] == "2001:db8:100:20::/64"
    assert rtr_b["transfer_prefix"] == "2001:db8:100:ffff::20:0/112"
    assert rtr_b["vpn_address"] == "198.51.100.66"
    assert rtr_b["sit_interface"] == "sit-rtr-b"
    assert rtr_b["lan_ipv4_prefix"] == "192.0.2.64/26"


def test_site_plan_passes_prefix_and_mtu_through():
    result = site_plan(HOSTVARS, ("rtr-a",), ALLOCATION, VPN, sit_interface_prefix="tun", vpn_mtu=1400)
    assert result["sites"]["rtr-a"]["sit_interface"] == "tun1"
    assert (result["hub"]["vpn_mtu"], result["sites"]["rtr-a"]["sit_mtu"]) == (1400, 1380)


def test_site_plan_and_site_plan_from_sites_agree():
    sites = {"rtr-a": {"site_id": 1, "lan_ipv4_prefix": "192.0.2.0/26"},
             "rtr-b": {"site_id": 2, "lan_prefix": "2001:db8:100:20::/64",
                       "transfer_prefix": "2001:db8:100:ffff::20:0/112", "vpn_address": "198.51.100.66",
                       "sit_interface": "sit-rtr-b", "lan_ipv4_prefix": "192.0.2.64/26"}}
    from_sites = site_plan_from_sites(sites, allocation=ALLOCATION, vpn_network=VPN)
    assert from_sites == site_plan(HOSTVARS, ["rtr-b", "rtr-a"], allocation=ALLOCATION, vpn_network=VPN)
    assert from_sites == build_site_plan(ALLOCATION, VPN, sites)


@pytest.mark.parametrize(
    "hostvars, routers, match",
    [
        (HOSTVARS, "rtr-a", r"site_plan: routers 'rtr-a' must be a list of inventory host names"),
        (HOSTVARS, None, r"site_plan: routers None must be a list"),
        (HOSTVARS, ["rtr-a", "rtr-a"], r"site_plan: router 'rtr-a' is listed more than once"),
        (HOSTVARS, ["rtr-z"], r"site_plan: router 'rtr-z' is not a host of the inventory"),
        (HOSTVARS, [5], r"site_plan: router 5 must be an inventory host name"),
        (HOSTVARS, ["hub"], r"site_plan: router 'hub' has no ovpn6_site_id; every router needs a stable, explicit site id"),
        (["rtr-a"], ["rtr-a"], r"site_plan expects hostvars as its input, got a list"),
        (dict(HOSTVARS, **{"rtr-c": {"ovpn6_site_id": 1}}), ["rtr-a", "rtr-c"],
         r"ovpn6_site_id '1' is used by more than one site: 'rtr-a', 'rtr-c'"),
        ({"r": {"ovpn6_site_id": 1, "ovpn6_lan_prefix": "2001:db8:100:1::/63"}}, ["r"],
         r"site 'r': ovpn6_lan_prefix '2001:db8:100:1::/63' has host bits set"),
        ({"r": {"ovpn6_site_id": 1, "ovpn6_vpn_address": "2001:db8::2"}}, ["r"],
         r"site 'r': ovpn6_vpn_address '2001:db8::2' is an IPv6 address, but ovpn6_vpn_address must be IPv4"),
        ({"r": {"ovpn6_site_id": "one"}}, ["r"], r"site 'r': ovpn6_site_id 'one' must be an integer, not a str"),
    ],
)
def test_site_plan_errors(hostvars, routers, match):
    with pytest.raises(AnsibleFilterError, match=match):
        site_plan(hostvars, routers, allocation=ALLOCATION, vpn_network=VPN)


def test_site_plan_plan_wide_errors_are_filter_errors():
    with pytest.raises(AnsibleFilterError, match=r"vpn_network '2001:db8::/64' is an IPv6 network, but vpn_network must be IPv4"):
        site_plan(HOSTVARS, ["rtr-a"], allocation=ALLOCATION, vpn_network="2001:db8::/64")


@pytest.mark.parametrize(
    "sites, match",
    [
        (["rtr-a"], r"site_plan_from_sites: \['rtr-a'\] must be a mapping of router name to its settings"),
        ({"r": {"site_id": 1, "ovpn6_lan_prefix": "2001:db8:100:1::/64"}}, r"site 'r': unknown setting\(s\) ovpn6_lan_prefix"),
        ({"r": "1"}, r"site 'r': its settings must be a mapping, not a str"),
        ({"r": {"site_id": 70000}}, r"site 'r': site_id 70000 is past the room for site LANs"),
    ],
)
def test_site_plan_from_sites_errors(sites, match):
    with pytest.raises(AnsibleFilterError, match=match):
        site_plan_from_sites(sites, allocation=ALLOCATION, vpn_network=VPN)


def test_plan_site_gets_any_value_with_one_call():
    result = site_plan(HOSTVARS, ["rtr-a", "rtr-b"], allocation=ALLOCATION, vpn_network=VPN)
    assert plan_site(result, "rtr-b") == result["sites"]["rtr-b"]
    assert plan_site(result, "rtr-b", "router_transfer_cidr") == "2001:db8:100:ffff::20:2/112"
    assert plan_site(result, "rtr-a", "hub_vpn_address") == "198.51.100.1"


@pytest.mark.parametrize(
    "name, field, match",
    [
        ("rtr-q", None, r"site 'rtr-q' is not in the site plan; its sites are rtr-a, rtr-b"),
        ("rtr-a", "lan", r"site plan field 'lan' does not exist; known fields are"),
    ],
)
def test_plan_site_errors(name, field, match):
    result = site_plan(HOSTVARS, ["rtr-a", "rtr-b"], allocation=ALLOCATION, vpn_network=VPN)
    with pytest.raises(AnsibleFilterError, match=match):
        plan_site(result, name, field)


def test_plan_site_refuses_what_is_not_a_plan():
    with pytest.raises(AnsibleFilterError, match=r"\['rtr-a'\] is not a site plan"):
        plan_site(["rtr-a"], "rtr-a")
