# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hub's per-router files made from a real site plan: names, the values in them, the ownership marker."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tunnelworks.ovpn6.plugins.filter.hub_files import ovpn_ccd_files, sit_networkd_files
from ansible_collections.tunnelworks.ovpn6.plugins.filter.site_plan import site_plan_from_sites

PLAN = site_plan_from_sites({"rtr-a": {"site_id": 1, "lan_ipv4_prefix": "192.168.10.0/24"}, "rtr-b": {"site_id": 2}},
                            "2001:db8:100::/48", "198.51.100.0/24")


def test_one_ccd_file_per_router_with_its_address_and_its_lan():
    files = {f["name"]: f["content"] for f in ovpn_ccd_files(PLAN)}
    site = PLAN["sites"]["rtr-a"]
    assert sorted(files) == ["rtr-a", "rtr-b"]
    assert "ifconfig-push %s 255.255.255.0\n" % site["vpn_address"] in files["rtr-a"]
    assert "iroute 192.168.10.0 255.255.255.0\n" in files["rtr-a"]
    assert "iroute" not in files["rtr-b"]


def test_ccd_files_of_the_routers_asked_for_only_in_their_order():
    assert [f["name"] for f in ovpn_ccd_files(PLAN, ["rtr-b"])] == ["rtr-b"]
    with pytest.raises(AnsibleFilterError, match="rtr-z not in the site plan"):
        ovpn_ccd_files(PLAN, ["rtr-z"])


def test_two_networkd_files_per_router_carrying_the_marker():
    files = {f["name"]: f["content"] for f in sit_networkd_files(PLAN, "60-ovpn6-sit-", "# ovpn6:sit_tunnel", 64)}
    site = PLAN["sites"]["rtr-b"]
    netdev = files["60-ovpn6-sit-%s.netdev" % site["sit_interface"]]
    network = files["60-ovpn6-sit-%s.network" % site["sit_interface"]]
    assert len(files) == 4
    for text in (netdev, network):
        assert "\n# ovpn6:sit_tunnel router=rtr-b\n" in text
    assert "Local=%s\nRemote=%s\nTTL=64\n" % (site["hub_vpn_address"], site["vpn_address"]) in netdev
    assert "MTUBytes=%s\n" % site["sit_mtu"] in netdev
    assert "Address=%s\n" % site["hub_transfer_cidr"] in network
    assert "Destination=%s\nGateway=%s\n" % (site["lan_prefix"], site["router_transfer_address"]) in network


def test_anything_but_a_plan_is_refused():
    with pytest.raises(AnsibleFilterError, match="expects a site plan"):
        sit_networkd_files({"rtr-a": {}}, "p-", "# m")
