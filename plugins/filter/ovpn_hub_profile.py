# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja filters over the OpenVPN interop profile (plugins/module_utils/_ovpn_profile.py).

The documentation of each filter is in the YAML file of the same name beside this one.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._ovpn_profile import (
    ProfileError,
    hub_profile,
    openvpn_network as _openvpn_network,
    private_ipv4_networks as _private_ipv4_networks,
)

_display = Display()


def ovpn_hub_profile(hostvars, routers):
    """The hub's data-channel settings for the routers, reading their ovpn6_* variables from hostvars."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError("ovpn_hub_profile expects hostvars as its input, got a %s" % (type(hostvars).__name__,))
    if isinstance(routers, (str, bytes)) or not isinstance(routers, (list, tuple)):
        raise AnsibleFilterError("ovpn_hub_profile: routers %r must be a list of inventory host names" % (routers,))
    settings = {}
    for name in routers:
        if name in settings:
            raise AnsibleFilterError("ovpn_hub_profile: router %r is listed more than once" % (name,))
        if name not in hostvars:
            raise AnsibleFilterError("ovpn_hub_profile: router %r is not a host of the inventory" % (name,))
        host = hostvars[name]
        settings[name] = {
            "version": host.get("ovpn6_routeros_version"),
            # Set by playbooks/routeros_releases.yml (module routeros_release), before the hub is configured.
            "seen": host.get("ovpn6_routeros_release_seen"),
            "read_error": host.get("ovpn6_routeros_release_error"),
            "cipher": host.get("ovpn6_ovpn_cipher"),
            "auth": host.get("ovpn6_ovpn_auth"),
        }
    try:
        profile = hub_profile(settings)
    except ProfileError as exc:
        raise AnsibleFilterError("ovpn_hub_profile: %s" % (exc,))
    # A filter has no result of its own to carry warnings, so they go to the run's output;
    # Display prints each distinct warning once per process however often the filter is templated.
    for warning in profile["warnings"]:
        _display.warning("ovpn_hub_profile: %s" % (warning,))
    return profile


def private_ipv4_networks(networks):
    """The networks of the list that lie in private IPv4 space (RFC 1918, RFC 6598)."""
    if isinstance(networks, (str, bytes)) or not isinstance(networks, (list, tuple)):
        raise AnsibleFilterError("private_ipv4_networks: %r must be a list of IPv4 networks" % (networks,))
    try:
        return _private_ipv4_networks(networks)
    except ProfileError as exc:
        raise AnsibleFilterError("private_ipv4_networks: %s" % (exc,))


def openvpn_network(network):
    """An IPv4 network in the words of OpenVPN's route and iroute: address, space, netmask."""
    try:
        return _openvpn_network(network)
    except ProfileError as exc:
        raise AnsibleFilterError("openvpn_network: %s" % (exc,))


class FilterModule(object):
    """tunnelworks.ovpn6 OpenVPN hub profile filters."""

    def filters(self):
        return {
            "ovpn_hub_profile": ovpn_hub_profile,
            "private_ipv4_networks": private_ipv4_networks,
            "openvpn_network": openvpn_network,
        }
