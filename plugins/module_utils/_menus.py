# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the engine knows of each RouterOS menu it writes, in one table keyed by the menu's path.

A menu not listed is plain: unordered, no flags, every field compared only when desired.
"""

from __future__ import annotations

from collections import namedtuple

# Fields whose values never appear in messages, changes or diffs, in any menu (a command's words are
# masked by name before the menu is known).
SECRET_FIELDS = frozenset(["password", "passphrase", "secret", "ipsec-secret", "key-passphrase", "ovpn-password"])

Menu = namedtuple("Menu", [
    # Firewall chains: entries keep their order, as one block per chain.
    "ordered",
    # Flag arguments, present or not; over the API a flag ignores its value (blackhole=no sets blackhole),
    # so clearing one sends !name.
    "flags",
    # Fields that a desired empty value clears with !name (sending name= would not turn them off).
    "cleared",
    # What print shows for a field nobody set: {field: (values...)}.
    "unset",
    # Fields that, set on one of our entries by hand, change what it matches or does: present but not
    # desired, the entry is replaced. Other fields are compared only when desired, since print shows
    # defaults and counters we do not set.
    "meaningful",
])
PLAIN = Menu(ordered=False, flags=frozenset(), cleared=frozenset(), unset={}, meaningful=frozenset())

# What an entry of any firewall chain matches on, then what each menu adds: the arguments of add in the
# dump of 7.24 (nat has no connection-state nor tcp-flags there; IPv6 has no layer7-protocol).
_MATCHES = frozenset([
    "src-address", "dst-address", "protocol", "src-port", "dst-port", "port", "in-interface", "out-interface",
    "in-interface-list", "out-interface-list", "src-address-list", "dst-address-list", "connection-mark",
    "packet-mark", "routing-mark", "src-address-type", "dst-address-type", "jump-target", "content",
])
_MARKS = frozenset(["new-routing-mark", "new-connection-mark", "new-packet-mark"])
_STATEFUL = frozenset(["connection-state", "tcp-flags"])


def _firewall(*extra):
    return PLAIN._replace(ordered=True, meaningful=_MATCHES.union(*extra))


# 7.x prints routing-table=main on every route, 6.x routing-mark=main where it prints one.
_ROUTE = PLAIN._replace(
    flags=frozenset(["blackhole"]),
    unset={"routing-table": ("main",), "routing-mark": ("main",)},
    meaningful=frozenset(["routing-mark", "routing-table", "pref-src", "blackhole", "vrf-interface", "check-gateway"]))

MENUS = {
    "/ip/firewall/filter": _firewall(_STATEFUL, ["layer7-protocol"]),
    "/ip/firewall/mangle": _firewall(_STATEFUL, _MARKS, ["layer7-protocol"]),
    "/ip/firewall/nat": _firewall(["to-addresses", "to-ports", "layer7-protocol"]),
    "/ipv6/firewall/filter": _firewall(_STATEFUL),
    "/ipv6/firewall/mangle": _firewall(_STATEFUL, _MARKS),
    "/ip/route": _ROUTE,
    "/ipv6/route": _ROUTE,
    # fib is a flag of /routing/table add (dumps 7.9 to 7.24).
    "/routing/table": PLAIN._replace(flags=frozenset(["fib"])),
    # keepalive prints 0,0 when off (RouterOS 7 docs "6to4": "keepalive ... Default: 0,0"; 6.x prints the
    # times as 0s or 00:00:00); an empty desired value turns it off with !keepalive.
    "/interface/6to4": PLAIN._replace(cleared=frozenset(["keepalive"]),
                                      unset={"keepalive": ("0,0", "0s,0", "00:00:00,0")}),
}


def menu(path):
    """The engine's knowledge of ``path`` (``/ip/route`` form)."""
    return MENUS.get(path, PLAIN)
