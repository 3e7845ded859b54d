# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hub's per-router files, made from the site plan as one list for the owned_files module.

The documentation of each filter is in the YAML file of the same name beside this one.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._ovpn_profile import (
    ProfileError,
    openvpn_network,
)

HEADER = "# Written by Ansible (tunnelworks.ovpn6); a change made here is overwritten by the next run."


def _sites(plan, routers, what):
    if not isinstance(plan, Mapping) or not isinstance(plan.get("sites"), Mapping):
        raise AnsibleFilterError("%s expects a site plan (the site_plan filter's result) as its input" % what)
    if routers is None:
        return list(plan["sites"].values())
    if isinstance(routers, (str, bytes)) or not isinstance(routers, (list, tuple)):
        raise AnsibleFilterError("%s: routers %r must be a list of router names" % (what, routers))
    missing = [name for name in routers if name not in plan["sites"]]
    if missing:
        raise AnsibleFilterError("%s: %s not in the site plan" % (what, ", ".join(map(str, missing))))
    return [plan["sites"][name] for name in routers]


def ovpn_ccd_files(plan, routers=None):
    """One OpenVPN client-config file per router: its fixed VPN address and, when it has one, its IPv4 LAN."""
    files = []
    for site in _sites(plan, routers, "ovpn_ccd_files"):
        lines = [HEADER,
                 "# Router %s (site %s): its fixed VPN address and its LAN." % (site["name"], site["site_id"]),
                 "ifconfig-push %s %s" % (site["vpn_address"], site["vpn_netmask"])]
        if site.get("lan_ipv4_prefix"):
            try:
                lines.append("iroute %s" % openvpn_network(site["lan_ipv4_prefix"]))
            except ProfileError as exc:
                raise AnsibleFilterError("ovpn_ccd_files: router %s: %s" % (site["name"], exc))
        files.append({"name": site["name"], "content": "\n".join(lines) + "\n"})
    return files


def sit_networkd_files(plan, prefix, marker, ttl=64):
    """A systemd-networkd .netdev and .network per router: the hub's sit end, its address and the route."""
    files = []
    for site in _sites(plan, None, "sit_networkd_files"):
        owner = "%s router=%s" % (marker, site["name"])
        netdev = [
            HEADER, owner,
            "[NetDev]",
            "Name=%s" % site["sit_interface"],
            "Kind=sit",
            "MTUBytes=%s" % site["sit_mtu"],
            "Description=6in4 tunnel to router %s inside the OpenVPN tunnel" % site["name"],
            "",
            "[Tunnel]",
            "Local=%s" % site["hub_vpn_address"],
            "Remote=%s" % site["vpn_address"],
            "TTL=%s" % ttl,
            "# Up at boot, before OpenVPN has brought up the addresses it rides on.",
            "Independent=true",
        ]
        network = [
            HEADER, owner,
            "[Match]",
            "Name=%s" % site["sit_interface"],
            "",
            "[Link]",
            "RequiredForOnline=no",
            "",
            "[Network]",
            "Address=%s" % site["hub_transfer_cidr"],
            "IPv6AcceptRA=no",
            "ConfigureWithoutCarrier=yes",
            "",
            "[Route]",
            "Destination=%s" % site["lan_prefix"],
            "Gateway=%s" % site["router_transfer_address"],
        ]
        base = prefix + site["sit_interface"]
        files.append({"name": base + ".netdev", "content": "\n".join(netdev) + "\n"})
        files.append({"name": base + ".network", "content": "\n".join(network) + "\n"})
    return files


class FilterModule(object):
    """tunnelworks.ovpn6 hub file filters."""

    def filters(self):
        return {
            "ovpn_ccd_files": ovpn_ccd_files,
            "sit_networkd_files": sit_networkd_files,
        }
