# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja filters over the site plan (plugins/module_utils/_addressing.py).

The documentation of each filter is in the YAML file of the same name beside this one.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._addressing import (
    SITE_KEYS,
    SitePlanError,
    build_site_plan,
    plan_site as _plan_site,
)

# Plan key -> the inventory variable a user sets for it.
HOST_VARIABLES = dict((key, "ovpn6_" + key) for key in SITE_KEYS)


def _plan(sites, allocation, vpn_network, sit_interface_prefix, vpn_mtu, labels=None):
    try:
        return build_site_plan(allocation, vpn_network, sites, sit_interface_prefix=sit_interface_prefix,
                               vpn_mtu=vpn_mtu, labels=labels)
    except SitePlanError as exc:
        raise AnsibleFilterError(str(exc))


def site_plan(hostvars, routers, allocation, vpn_network, sit_interface_prefix="ovpn6s", vpn_mtu=1500):
    """The whole plan, reading each router's ovpn6_* variables from hostvars."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError("site_plan expects hostvars as its input, got a %s" % (type(hostvars).__name__,))
    if isinstance(routers, (str, bytes)) or not isinstance(routers, (list, tuple)):
        raise AnsibleFilterError(
            "site_plan: routers %r must be a list of inventory host names, such as groups['ovpn6_routers']" % (routers,))
    sites = {}
    for name in routers:
        if not isinstance(name, str):
            raise AnsibleFilterError("site_plan: router %r must be an inventory host name (a string)" % (name,))
        if name in sites:
            raise AnsibleFilterError("site_plan: router %r is listed more than once" % (name,))
        if name not in hostvars:
            raise AnsibleFilterError("site_plan: router %r is not a host of the inventory" % (name,))
        host = hostvars[name]
        if host.get(HOST_VARIABLES["site_id"]) is None:
            raise AnsibleFilterError(
                "site_plan: router %r has no %s; every router needs a stable, explicit site id (an integer >= 1)" % (
                    name, HOST_VARIABLES["site_id"]))
        sites[name] = dict((key, host.get(variable)) for key, variable in HOST_VARIABLES.items())
    return _plan(sites, allocation, vpn_network, sit_interface_prefix, vpn_mtu, labels=HOST_VARIABLES)


def site_plan_from_sites(sites, allocation, vpn_network, sit_interface_prefix="ovpn6s", vpn_mtu=1500):
    """The whole plan from a mapping of router name -> {site_id, optional overrides}."""
    if not isinstance(sites, Mapping):
        raise AnsibleFilterError(
            "site_plan_from_sites: %r must be a mapping of router name to its settings (site_id, ...)" % (sites,))
    plain = dict((name, dict(settings) if isinstance(settings, Mapping) else settings) for name, settings in sites.items())
    return _plan(plain, allocation, vpn_network, sit_interface_prefix, vpn_mtu)


def plan_site(plan, name, field=None):
    """One router's part of a plan, or one value of it."""
    try:
        return _plan_site(plan, name, field)
    except SitePlanError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    """tunnelworks.ovpn6 site plan filters."""

    def filters(self):
        return {
            "site_plan": site_plan,
            "site_plan_from_sites": site_plan_from_sites,
            "plan_site": plan_site,
        }
