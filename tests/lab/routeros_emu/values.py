# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed argument values: validation and the normal form RouterOS prints them in."""

from __future__ import annotations

import ipaddress
import re

from .facts import RouterError

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$")
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


def ipv4(arg, value):
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise RouterError("invalid_value", arg=arg)


def ipv4_or_unspecified(arg, value):
    return "unspecified" if value == "unspecified" else ipv4(arg, value)


def ipv4_interface(arg, value):
    """'192.0.2.1/24' as given (host part kept), '/32' added when no prefix is given."""
    try:
        iface = ipaddress.IPv4Interface(value)
    except ValueError:
        raise RouterError("invalid_value", arg=arg)
    return "%s/%d" % (iface.ip, iface.network.prefixlen)


def ipv6_interface(arg, value):
    text = value if "/" in value else value + "/64"
    try:
        iface = ipaddress.IPv6Interface(text)
    except ValueError:
        raise RouterError("invalid_value", arg=arg)
    return "%s/%d" % (iface.ip.compressed, iface.network.prefixlen)


def ipv4_prefix(arg, value):
    """Route destinations: RouterOS stores the network address."""
    text = value if "/" in value else value + "/32"
    try:
        return ipaddress.IPv4Network(text, strict=False).with_prefixlen
    except ValueError:
        raise RouterError("invalid_value", arg=arg)


def ipv6_prefix(arg, value):
    text = value if "/" in value else value + "/128"
    try:
        return ipaddress.IPv6Network(text, strict=False).compressed
    except ValueError:
        raise RouterError("invalid_value", arg=arg)


def host(arg, value):
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        if _HOST_RE.match(value) and len(value) <= 253:
            return value
    raise RouterError("invalid_value", arg=arg)


def int_range(low, high, auto=None):
    def check(arg, value):
        if auto is not None and value == auto:
            return value
        try:
            number = int(value, 0)
        except ValueError:
            raise RouterError("invalid_value", arg=arg)
        if not low <= number <= high:
            raise RouterError("out_of_range", arg=arg, low=low, high=high)
        return str(number)
    return check


def name(arg, value):
    if not value or len(value) > 255 or not _NAME_RE.match(value):
        raise RouterError("invalid_value", arg=arg)
    return value


def mac(arg, value):
    parts = re.split(r"[:.-]", value)
    if len(parts) != 6 or not all(re.match(r"^[0-9A-Fa-f]{2}$", p) for p in parts):
        raise RouterError("invalid_value", arg=arg)
    return ":".join(p.upper() for p in parts)


def gateway(arg, value):
    """An address, or an interface name (checked against /interface by the model)."""
    try:
        return str(ipaddress.ip_address(value.split("%", 1)[0])) + ("%" + value.split("%", 1)[1] if "%" in value else "")
    except ValueError:
        return value


# (menu, arg) -> normaliser; a menu of "*" applies everywhere.
TYPED_ARGS = {
    ("/ip/address", "address"): ipv4_interface,
    ("/ip/address", "network"): ipv4,
    ("/ipv6/address", "address"): ipv6_interface,
    ("/ip/route", "dst-address"): ipv4_prefix,
    ("/ipv6/route", "dst-address"): ipv6_prefix,
    ("/ip/route", "gateway"): gateway,
    ("/ipv6/route", "gateway"): gateway,
    ("/ip/route", "distance"): int_range(1, 255),
    ("/ipv6/route", "distance"): int_range(1, 255),
    ("/interface/6to4", "local-address"): ipv4,
    ("/interface/6to4", "remote-address"): ipv4_or_unspecified,
    ("/interface/6to4", "mtu"): int_range(1280, 65535, auto="auto"),
    ("/interface/ovpn-client", "connect-to"): host,
    ("/interface/ovpn-client", "port"): int_range(1, 65535),
    ("/interface/ovpn-client", "max-mtu"): int_range(64, 65535),
    ("/interface/ovpn-client", "mac-address"): mac,
    ("/interface/bridge", "mtu"): int_range(68, 65535, auto="auto"),
    ("/interface", "mtu"): int_range(68, 65535),
    ("*", "name"): name,
}


def normalise(menu, arg, value):
    check = TYPED_ARGS.get((menu, arg))
    if check is None and menu not in ("/file", "/certificate", "/system/identity"):
        check = TYPED_ARGS.get(("*", arg))
    return check(arg, value) if check else value
