# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site plan: every address, prefix, name and MTU of the hub and its routers.

Pure arithmetic over the standard library's ``ipaddress``. The filters and the roles of
this collection all read one plan, so the hub and the routers can never disagree.

Default numbering, for a router with ``site_id`` N:

- VPN IPv4 address: the VPN network's address + 1 + N (the hub is + 1);
- LAN: the N-th /64 of the allocation (the hub's LAN is the 0th);
- transfer network: the N-th /112 inside the allocation's last /64 (the "transfer block"),
  with the hub at ::1 and the router at ::2;
- SIT interface on the hub: ``<sit_interface_prefix><N>``.

Every value depends only on the site's own id and overrides, never on the other sites,
so adding or removing a router never renumbers another one. The plan is validated as a
whole; every problem found is reported in one ``SitePlanError``.
"""

from __future__ import annotations

import ipaddress
import re

LAN_PREFIXLEN = 64
TRANSFER_PREFIXLEN = 112
# The allocation must hold the hub's LAN, at least one site LAN and the transfer block.
MAX_ALLOCATION_PREFIXLEN = 62
# The VPN network must hold the hub and at least one router besides network and broadcast.
MAX_VPN_PREFIXLEN = 30
# A 6in4 header is one IPv4 header.
SIT_OVERHEAD = 20
# IPv6 needs a link MTU of at least 1280 (RFC 8200), so the VPN tunnel needs 1280 + 20.
MIN_VPN_MTU = 1280 + SIT_OVERHEAD
MAX_VPN_MTU = 9000
# Linux IFNAMSIZ is 16 bytes including the terminating NUL.
MAX_INTERFACE_NAME = 15
# Linux forbids '/', ':' and whitespace; we also keep names safe for file names and shells.
_INTERFACE_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
# Names that collide with /proc/sys/net/*/conf/{all,default} or the loopback.
_RESERVED_INTERFACE_NAMES = frozenset((".", "..", "all", "default", "lo"))

SITE_KEYS = ("site_id", "lan_prefix", "transfer_prefix", "vpn_address", "sit_interface", "lan_ipv4_prefix")


class SitePlanError(ValueError):
    """The input cannot make a consistent site plan; ``errors`` lists every problem found."""

    def __init__(self, errors):
        self.errors = list(errors)
        if len(self.errors) == 1:
            message = self.errors[0]
        else:
            message = "%d problems in the site plan:\n- %s" % (len(self.errors), "\n- ".join(self.errors))
        super().__init__(message)


class _Problem(Exception):
    """One invalid value; collected into a SitePlanError."""


def _where(site):
    return "site %r: " % (site,) if site is not None else ""


def _parse_network(value, version, what, site=None):
    """Parse a network in CIDR form of the given IP version, refusing host bits."""
    family = "IPv%d" % version
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        value = str(value)
    if not isinstance(value, str) or isinstance(value, bool):
        raise _Problem("%s%s %r must be an %s network in CIDR form such as %s, not a %s" % (
            _where(site), what, value, family,
            "2001:db8::/64" if version == 6 else "192.0.2.0/24", type(value).__name__))
    try:
        loose = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise _Problem("%s%s %r is not an %s network in CIDR form" % (_where(site), what, value, family))
    if loose.version != version:
        raise _Problem("%s%s %r is an IPv%d network, but %s must be %s" % (
            _where(site), what, value, loose.version, what, family))
    if "/" not in value:
        raise _Problem("%s%s %r has no prefix length; write it in CIDR form such as %s/%d" % (
            _where(site), what, value, value.strip(), loose.max_prefixlen))
    if int(loose.network_address) != int(ipaddress.ip_interface(value.strip()).ip):
        raise _Problem("%s%s %r has host bits set; the network address is %s" % (
            _where(site), what, value, loose))
    return loose


def _parse_address(value, version, what, site=None):
    family = "IPv%d" % version
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        value = str(value)
    if not isinstance(value, str):
        raise _Problem("%s%s %r must be an %s address, not a %s" % (_where(site), what, value, family, type(value).__name__))
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise _Problem("%s%s %r is not an %s address (write it without a prefix length)" % (_where(site), what, value, family))
    if address.version != version:
        raise _Problem("%s%s %r is an IPv%d address, but %s must be %s" % (
            _where(site), what, value, address.version, what, family))
    return address


def _check_interface_name(name, what, site=None):
    if not isinstance(name, str):
        raise _Problem("%s%s %r must be a string, not a %s" % (_where(site), what, name, type(name).__name__))
    if len(name) > MAX_INTERFACE_NAME:
        raise _Problem("%s%s %r is %d characters long; Linux interface names have at most %d" % (
            _where(site), what, name, len(name), MAX_INTERFACE_NAME))
    if not _INTERFACE_NAME_RE.match(name):
        raise _Problem("%s%s %r is not a valid interface name; use letters, digits, '_', '.' and '-' only" % (
            _where(site), what, name))
    if name in _RESERVED_INTERFACE_NAMES:
        raise _Problem("%s%s %r is reserved by Linux and cannot name an interface" % (_where(site), what, name))
    return name


def _check_int(value, what, low, high, site=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Problem("%s%s %r must be an integer, not a %s" % (_where(site), what, value, type(value).__name__))
    if value < low or (high is not None and value > high):
        raise _Problem("%s%s %r is out of range; it must be %s" % (
            _where(site), what, value, ("at least %d" % low) if high is None else ("between %d and %d" % (low, high))))
    return value


def _find_overlaps(ranges):
    """ranges: (first, last, label) integer intervals. Yield each (earlier, later) label pair that overlaps.

    One sweep over the intervals sorted by start (ties: the longer one, then the one given first):
    an interval overlaps the earlier one that reaches furthest whenever it starts before that one
    ends. Reports each interval at most once, so n ranges cost O(n log n), not O(n^2).
    """
    reach = None
    order = sorted(range(len(ranges)), key=lambda i: (ranges[i][0], -ranges[i][1], i))
    for index in order:
        first, last, label = ranges[index]
        if reach is not None and first <= reach[1]:
            yield reach[2], label
        if reach is None or last > reach[1]:
            reach = (first, last, label)


def _span(network):
    return int(network.network_address), int(network.broadcast_address)


class _Context(object):
    """The plan-wide values every site is derived from."""

    def __init__(self, allocation, vpn_network, sit_interface_prefix, vpn_mtu):
        self.allocation = allocation
        self.vpn_network = vpn_network
        self.sit_interface_prefix = sit_interface_prefix
        self.vpn_mtu = vpn_mtu
        base = int(allocation.network_address)
        self.lan_count = 1 << (LAN_PREFIXLEN - allocation.prefixlen)
        self.hub_lan = ipaddress.IPv6Network((base, LAN_PREFIXLEN))
        self.transfer_block = ipaddress.IPv6Network((base + ((self.lan_count - 1) << (128 - LAN_PREFIXLEN)), LAN_PREFIXLEN))
        # Site ids that have a default LAN: every /64 except the hub's (0th) and the transfer block (last).
        self.max_lan_site_id = self.lan_count - 2
        self.max_transfer_site_id = (1 << (TRANSFER_PREFIXLEN - LAN_PREFIXLEN)) - 1
        self.hub_vpn_address = vpn_network.network_address + 1
        # Router N sits at network + 1 + N and must stay below the broadcast address.
        self.max_vpn_site_id = vpn_network.num_addresses - 3
        self.max_sit_site_id = 10 ** (MAX_INTERFACE_NAME - len(sit_interface_prefix)) - 1


def _allocation_subnet(value, key, kind, prefixlen, name, ctx, label):
    """A per-site override of an IPv6 network: exactly a /prefixlen, inside the allocation."""
    network = _parse_network(value, 6, label(key), name)
    if network.prefixlen != prefixlen:
        raise _Problem("site %r: %s %r is a /%d; %s must be a /%d" % (
            name, label(key), value, network.prefixlen, kind, prefixlen))
    if not network.subnet_of(ctx.allocation):
        raise _Problem("site %r: %s %r lies outside the allocation %s" % (name, label(key), value, ctx.allocation))
    return network


def _lan_prefix(raw, name, site_id, ctx, label):
    value = raw.get("lan_prefix")
    if value is None:
        if site_id > ctx.max_lan_site_id:
            raise _Problem(
                "site %r: %s %d is past the room for site LANs in the allocation %s (ids 1 to %d); "
                "use a shorter allocation prefix or set %s" % (
                    name, label("site_id"), site_id, ctx.allocation, ctx.max_lan_site_id, label("lan_prefix")))
        return ipaddress.IPv6Network((int(ctx.allocation.network_address) + (site_id << (128 - LAN_PREFIXLEN)), LAN_PREFIXLEN))
    lan = _allocation_subnet(value, "lan_prefix", "a site LAN", LAN_PREFIXLEN, name, ctx, label)
    if lan == ctx.transfer_block:
        raise _Problem("site %r: %s %r is the allocation's transfer block, reserved for /%d transfer networks" % (
            name, label("lan_prefix"), value, TRANSFER_PREFIXLEN))
    return lan


def _transfer_prefix(raw, name, site_id, ctx, label):
    value = raw.get("transfer_prefix")
    if value is None:
        if site_id > ctx.max_transfer_site_id:
            raise _Problem(
                "site %r: %s %d is past the room for transfer networks in the transfer block %s (ids 1 to %d); "
                "set %s" % (name, label("site_id"), site_id, ctx.transfer_block, ctx.max_transfer_site_id,
                            label("transfer_prefix")))
        return ipaddress.IPv6Network(
            (int(ctx.transfer_block.network_address) + (site_id << (128 - TRANSFER_PREFIXLEN)), TRANSFER_PREFIXLEN))
    return _allocation_subnet(value, "transfer_prefix", "a transfer network", TRANSFER_PREFIXLEN, name, ctx, label)


def _vpn_address(raw, name, site_id, ctx, label):
    value = raw.get("vpn_address")
    network = ctx.vpn_network
    if value is None:
        if site_id > ctx.max_vpn_site_id:
            raise _Problem(
                "site %r: %s %d is past the room for routers in the VPN network %s (ids 1 to %d); "
                "use a larger VPN network or set %s" % (
                    name, label("site_id"), site_id, network, ctx.max_vpn_site_id, label("vpn_address")))
        return ctx.hub_vpn_address + site_id
    address = _parse_address(value, 4, label("vpn_address"), name)
    if address not in network:
        raise _Problem("site %r: %s %r lies outside the VPN network %s" % (name, label("vpn_address"), value, network))
    for reserved, role in ((network.network_address, "the VPN network's own address"),
                           (network.broadcast_address, "the VPN network's broadcast address"),
                           (ctx.hub_vpn_address, "the hub's VPN address")):
        if address == reserved:
            raise _Problem("site %r: %s %r is %s" % (name, label("vpn_address"), value, role))
    return address


def _sit_interface(raw, name, site_id, ctx, label):
    value = raw.get("sit_interface")
    if value is None:
        if site_id > ctx.max_sit_site_id:
            raise _Problem(
                "site %r: SIT interface name %r for %s %d would exceed %d characters; "
                "use a shorter sit_interface_prefix or set %s" % (
                    name, "%s%d" % (ctx.sit_interface_prefix, site_id), label("site_id"), site_id,
                    MAX_INTERFACE_NAME, label("sit_interface")))
        return "%s%d" % (ctx.sit_interface_prefix, site_id)
    return _check_interface_name(value, label("sit_interface"), name)


def _lan_ipv4_prefix(raw, name, ctx, label):
    value = raw.get("lan_ipv4_prefix")
    if value is None:
        return None
    lan = _parse_network(value, 4, label("lan_ipv4_prefix"), name)
    if lan.overlaps(ctx.vpn_network):
        raise _Problem("site %r: %s %r overlaps the VPN network %s" % (name, label("lan_ipv4_prefix"), value, ctx.vpn_network))
    return lan


def _site_values(name, raw, ctx, label):
    """Derive one site's addresses; raise SitePlanError listing all of its own problems."""
    if not isinstance(raw, dict):
        raise SitePlanError(["site %r: its settings must be a mapping, not a %s" % (name, type(raw).__name__)])
    unknown = sorted(str(key) for key in raw if key not in SITE_KEYS)
    if unknown:
        raise SitePlanError(["site %r: unknown setting(s) %s; known are %s" % (
            name, ", ".join(unknown), ", ".join(label(key) for key in SITE_KEYS))])
    try:
        site_id = _check_int(raw.get("site_id"), label("site_id"), 1, None, name)
    except _Problem as exc:
        raise SitePlanError([str(exc)])
    errors = []
    values = {}
    for key, derive in (("lan_prefix", _lan_prefix), ("transfer_prefix", _transfer_prefix),
                        ("vpn_address", _vpn_address), ("sit_interface", _sit_interface)):
        try:
            values[key] = derive(raw, name, site_id, ctx, label)
        except _Problem as exc:
            errors.append(str(exc))
    try:
        values["lan_ipv4_prefix"] = _lan_ipv4_prefix(raw, name, ctx, label)
    except _Problem as exc:
        errors.append(str(exc))
    if errors:
        raise SitePlanError(errors)
    values["site_id"] = site_id
    return values


def _site_output(name, values, ctx):
    lan = values["lan_prefix"]
    transfer = values["transfer_prefix"]
    vpn = ctx.vpn_network
    lan_router = lan.network_address + 1
    hub_transfer = transfer.network_address + 1
    router_transfer = transfer.network_address + 2
    return {
        "name": str(name),
        "site_id": int(values["site_id"]),
        "vpn_address": str(values["vpn_address"]),
        "vpn_netmask": str(vpn.netmask),
        "vpn_prefixlen": vpn.prefixlen,
        "hub_vpn_address": str(ctx.hub_vpn_address),
        "lan_prefix": str(lan),
        "lan_router_address": str(lan_router),
        "lan_router_cidr": "%s/%d" % (lan_router, lan.prefixlen),
        "lan_ipv4_prefix": None if values["lan_ipv4_prefix"] is None else str(values["lan_ipv4_prefix"]),
        "transfer_prefix": str(transfer),
        "hub_transfer_address": str(hub_transfer),
        "hub_transfer_cidr": "%s/%d" % (hub_transfer, transfer.prefixlen),
        "router_transfer_address": str(router_transfer),
        "router_transfer_cidr": "%s/%d" % (router_transfer, transfer.prefixlen),
        "sit_interface": values["sit_interface"],
        "vpn_mtu": ctx.vpn_mtu,
        "sit_mtu": ctx.vpn_mtu - SIT_OVERHEAD,
    }


def _cross_site_errors(sites, ctx, label):
    """Problems between sites: shared ids, addresses, names and overlapping prefixes."""
    errors = []

    def duplicates(key, what, candidates):
        seen = {}
        for name, values in candidates:
            seen.setdefault(values[key], []).append(name)
        repeated = {}
        for value, names in sorted(seen.items(), key=lambda item: str(item[0])):
            if len(names) > 1:
                errors.append("%s %r is used by more than one site: %s" % (what, str(value), ", ".join(repr(n) for n in names)))
                repeated.update((name, value) for name in names[1:])
        return repeated

    # Sites sharing an id share every default too: report the id once, not each value derived from it.
    shadowed = duplicates("site_id", label("site_id"), sites)
    sites = [(name, values) for name, values in sites if name not in shadowed]
    duplicates("vpn_address", "VPN address", sites)
    duplicates("sit_interface", "SIT interface name", sites)

    ipv6 = [_span(ctx.hub_lan) + ("the hub LAN %s" % ctx.hub_lan,)]
    block_first, block_last = _span(ctx.transfer_block)
    for name, values in sites:
        for key in ("lan_prefix", "transfer_prefix"):
            ipv6.append(_span(values[key]) + ("site %r %s %s" % (name, label(key), values[key]),))
    for earlier, later in _find_overlaps(ipv6):
        errors.append("%s overlaps %s" % (later, earlier))
    for name, values in sites:
        first, last = _span(values["lan_prefix"])
        if first <= block_last and last >= block_first:
            errors.append("site %r %s %s overlaps the transfer block %s" % (
                name, label("lan_prefix"), values["lan_prefix"], ctx.transfer_block))

    ipv4 = [_span(values["lan_ipv4_prefix"]) + ("site %r %s %s" % (name, label("lan_ipv4_prefix"), values["lan_ipv4_prefix"]),)
            for name, values in sites if values["lan_ipv4_prefix"] is not None]
    for earlier, later in _find_overlaps(ipv4):
        errors.append("%s overlaps %s" % (later, earlier))
    return errors


def _plan_context(allocation, vpn_network, sit_interface_prefix, vpn_mtu):
    errors = []
    parsed = {}
    try:
        parsed["allocation"] = _parse_network(allocation, 6, "allocation")
        if parsed["allocation"].prefixlen > MAX_ALLOCATION_PREFIXLEN:
            raise _Problem(
                "allocation %r is too small: a /%d leaves no room for the hub LAN, site LANs and the transfer block; "
                "it must be a /%d or shorter" % (allocation, parsed["allocation"].prefixlen, MAX_ALLOCATION_PREFIXLEN))
    except _Problem as exc:
        errors.append(str(exc))
    try:
        parsed["vpn_network"] = _parse_network(vpn_network, 4, "vpn_network")
        if parsed["vpn_network"].prefixlen > MAX_VPN_PREFIXLEN:
            raise _Problem(
                "vpn_network %r is too small: a /%d has no room for the hub and a router; "
                "it must be a /%d or shorter" % (vpn_network, parsed["vpn_network"].prefixlen, MAX_VPN_PREFIXLEN))
    except _Problem as exc:
        errors.append(str(exc))
    try:
        _check_interface_name(sit_interface_prefix, "sit_interface_prefix")
        if len(sit_interface_prefix) >= MAX_INTERFACE_NAME:
            raise _Problem("sit_interface_prefix %r leaves no room for a site id within %d characters" % (
                sit_interface_prefix, MAX_INTERFACE_NAME))
        if not sit_interface_prefix[0].isalpha():
            raise _Problem("sit_interface_prefix %r must start with a letter" % (sit_interface_prefix,))
    except _Problem as exc:
        errors.append(str(exc))
    try:
        _check_int(vpn_mtu, "vpn_mtu", MIN_VPN_MTU, MAX_VPN_MTU)
    except _Problem as exc:
        errors.append(str(exc) + " (the SIT tunnel inside needs at least 1280 for IPv6)")
    if errors:
        raise SitePlanError(errors)
    return _Context(parsed["allocation"], parsed["vpn_network"], sit_interface_prefix, vpn_mtu)


def build_site_plan(allocation, vpn_network, sites, sit_interface_prefix="ovpn6s", vpn_mtu=1500, labels=None):
    """Return the site plan (a dict of plain strings and ints) or raise SitePlanError.

    ``sites`` maps each router's inventory name to a dict with ``site_id`` and the optional
    overrides ``lan_prefix`` (/64), ``transfer_prefix`` (/112), ``vpn_address``,
    ``sit_interface`` and ``lan_ipv4_prefix``; a value of None means "not given".
    ``labels`` optionally maps those keys to the names users write (for example
    ``ovpn6_site_id``), so messages speak the user's words.
    """
    labels = labels or {}

    def label(key):
        return labels.get(key, key)

    ctx = _plan_context(allocation, vpn_network, sit_interface_prefix, vpn_mtu)
    if not isinstance(sites, dict):
        raise SitePlanError(["sites must be a mapping of inventory name to settings, not a %s" % (type(sites).__name__,)])
    errors = []
    derived = []
    for name in sorted(sites, key=str):
        if not isinstance(name, str) or not name:
            errors.append("site name %r must be a non-empty string" % (name,))
            continue
        try:
            derived.append((name, _site_values(name, sites[name], ctx, label)))
        except SitePlanError as exc:
            errors.extend(exc.errors)
    errors.extend(_cross_site_errors(derived, ctx, label))
    if errors:
        raise SitePlanError(errors)
    derived.sort(key=lambda item: (item[1]["site_id"], item[0]))
    return {
        "allocation": str(ctx.allocation),
        "vpn_network": str(ctx.vpn_network),
        "hub": {
            "vpn_address": str(ctx.hub_vpn_address),
            "vpn_netmask": str(ctx.vpn_network.netmask),
            "vpn_prefixlen": ctx.vpn_network.prefixlen,
            "lan_prefix": str(ctx.hub_lan),
            "lan_address": str(ctx.hub_lan.network_address + 1),
            "transfer_block": str(ctx.transfer_block),
            "vpn_mtu": ctx.vpn_mtu,
            "sit_mtu": ctx.vpn_mtu - SIT_OVERHEAD,
        },
        "sites": dict((str(name), _site_output(name, values, ctx)) for name, values in derived),
    }


def plan_site(plan, name, field=None):
    """One site of a plan, or one field of it; SitePlanError names what is missing."""
    if not isinstance(plan, dict) or not isinstance(plan.get("sites"), dict):
        raise SitePlanError(["%s is not a site plan (a mapping with 'sites'); make one with the site_plan filter" % (
            _short(plan),)])
    site = plan["sites"].get(name)
    if site is None:
        known = ", ".join(str(known) for known in sorted(plan["sites"], key=str)) or "none"
        raise SitePlanError(["site %r is not in the site plan; its sites are %s" % (
            name, known if len(known) <= 200 else known[:200] + "...")])
    if field is None:
        return site
    if field not in site:
        raise SitePlanError(["site plan field %r does not exist; known fields are %s" % (field, ", ".join(sorted(site)))])
    return site[field]


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
