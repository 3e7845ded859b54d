# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's data plane: what the API configuration says, made real in a network namespace.

Inside the lab VM the emulated router owns one network namespace (``--netns router``). After every
accepted change, and once at start, the realiser rebuilds the namespace from the API state:

- ``/interface/ovpn-client`` -> a real ``openvpn`` client process with the imported certificates;
- ``/interface/6to4`` -> a Linux ``sit`` link;
- ``/ip/address``, ``/ipv6/address`` -> addresses; ``/ip/route``, ``/ipv6/route`` -> routes;
- routing marks (6.49) and ``/routing/table`` (7.x) -> fwmarks, ``ip rule``s and routing tables;
- ``/ip/firewall/mangle``, ``/ip/firewall/nat``, ``/ip/firewall/filter`` -> the nftables table
  ``ip routeros_emu``; ``/ipv6/firewall/filter`` -> ``ip6 routeros_emu``, with interface lists and
  address lists; FastTrack as a conntrack mark bit (see "Firewall" below).

``translate`` (API rows -> desired state) and ``reconcile`` (desired + current -> commands) are pure
functions, so the translation is unit-tested on any host; ``NetnsRealiser`` runs the commands.
What the API reports (``running``, ``monitor``) comes from what is real: the tunnel interface
exists and carries the address the hub pushed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time

from cryptography.hazmat.primitives import hashes, serialization

from . import certs
from . import evidence

# RouterOS ovpn-client cipher word -> OpenVPN cipher name, both dialects (evidence.FACTS
# "cipher_mode_words"): the words without a mode are CBC (v6 manual). "null" (no encryption) is
# not realised: the lab never wants a clear-text tunnel, so it is reported as untranslatable.
OPENVPN_CIPHERS = {
    "aes128": "AES-128-CBC", "aes192": "AES-192-CBC", "aes256": "AES-256-CBC",
    "aes128-cbc": "AES-128-CBC", "aes192-cbc": "AES-192-CBC", "aes256-cbc": "AES-256-CBC",
    "aes128-gcm": "AES-128-GCM", "aes192-gcm": "AES-192-GCM", "aes256-gcm": "AES-256-GCM",
    "blowfish128": "BF-CBC",
}
# RouterOS auth word -> OpenVPN digest ("null" sends no auth line).
OPENVPN_AUTHS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512"}
# Protocol names from the dumps' mangle completion, numbers from IANA (evidence.PROTOCOL_NUMBERS).
PROTOCOL_NUMBERS = evidence.PROTOCOL_NUMBERS

# Routes and rules the realiser adds carry this protocol number, so it can find and flush its own.
RT_PROTO = 99
NFT_TABLE = "routeros_emu"
FIRST_TABLE_ID = 100
RULE_PRIORITY = 1000
# Interfaces the lab topology creates in the namespace under their RouterOS names; never deleted.
TOPOLOGY_KINDS = ("/interface/ethernet", "/interface/bridge")
READ_PATHS = ("/interface/ethernet", "/interface/bridge", "/interface/ovpn-client", "/interface/6to4",
              "/ip/address", "/ipv6/address", "/ip/route", "/ipv6/route", "/ip/firewall/mangle",
              "/ip/firewall/nat", "/certificate")
# Menus another part of the emulator may not offer (yet, or in this release): read when they exist.
OPTIONAL_PATHS = ("/ip/firewall/filter", "/ipv6/firewall/filter", "/interface/list", "/interface/list/member",
                  "/ip/firewall/address-list", "/ipv6/firewall/address-list", "/routing/table")
_PORT_PROTOCOLS = ("tcp", "udp", "sctp", "dccp", "udp-lite")
_IFACE_GROUPS = ("all-ethernet", "all-ppp", "all-vlan", "all-wireless")


class Untranslatable(ValueError):
    """An API entry the data plane cannot reproduce; the entry is left out and the reason logged."""


def _true(value):
    return str(value).lower() in ("true", "yes")


def linux_name(ros_name, row_id):
    """The Linux interface name for a RouterOS interface: the same name when Linux accepts it."""
    name = str(ros_name or "")
    if 0 < len(name) <= 15 and "/" not in name and not any(c.isspace() for c in name) and name not in (".", ".."):
        return name
    return "ros%s" % str(row_id).lstrip("*").lower()


# ---------------------------------------------------------------------------------------------
# API state -> desired data plane
# ---------------------------------------------------------------------------------------------
def interface_map(rows):
    """RouterOS interface name -> (Linux name, menu) for every interface the API holds."""
    mapping = {}
    for path in ("/interface/ethernet", "/interface/bridge", "/interface/ovpn-client", "/interface/6to4"):
        for row in rows.get(path, []):
            if row.get("_type") == "loopback" or row.get("name") == "lo":
                continue
            mapping[row["name"]] = (linux_name(row["name"], row[".id"]), path)
    return mapping


def routing_tables(rows, ros7):
    """Routing table / mark name -> Linux table id (also the fwmark); ``main`` is Linux's main."""
    names = set()
    if ros7:
        names.update(row["name"] for row in rows.get("/routing/table", []) if row.get("name"))
        for path in ("/ip/route", "/ipv6/route"):
            names.update(row.get("routing-table") for row in rows.get(path, []) if row.get("routing-table"))
    else:
        for path in ("/ip/route", "/ipv6/route"):
            names.update(row.get("routing-mark") for row in rows.get(path, []) if row.get("routing-mark"))
    for path in ("/ip/firewall/mangle", "/ip/firewall/nat", "/ip/firewall/filter"):
        for row in rows.get(path, []):
            for field in ("new-routing-mark", "routing-mark"):
                if row.get(field):
                    names.add(row[field].lstrip("!"))
    names.discard("main")
    ids = {"main": "main"}
    for number, name in enumerate(sorted(names)):
        ids[name] = FIRST_TABLE_ID + number
    return ids


def _mark_of(tables, name):
    table = tables.get(name)
    return 0 if table in (None, "main") else table


def openvpn_config(row, ifname, files_dir, ros7):
    """The openvpn client configuration for one ovpn-client row, as RouterOS would behave."""
    cipher = row.get("cipher", "blowfish128")
    if cipher not in OPENVPN_CIPHERS:
        raise Untranslatable("ovpn-client %s: cipher %r has no OpenVPN equivalent" % (row.get("name"), cipher))
    openvpn_cipher = OPENVPN_CIPHERS[cipher]
    auth = row.get("auth", "sha1")
    protocol = row.get("protocol", "tcp")
    lines = [
        "# ovpn-client %s (%s), realised by the RouterOS emulator" % (row.get("name"), row.get(".id")),
        "client",
        "dev %s" % ifname,
        "dev-type %s" % ("tap" if row.get("mode") == "ethernet" else "tun"),
        "proto %s" % ("tcp-client" if protocol == "tcp" else "udp"),
        "remote %s %s" % (row["connect-to"], row.get("port", "1194")),
        "nobind",
        "resolv-retry infinite",
        # RouterOS redials quickly and keeps trying for ever.
        "connect-retry 1 5",
        "ca %s/ca.pem" % files_dir,
        "cert %s/cert.pem" % files_dir,
        "key %s/key.pem" % files_dir,
        "auth-user-pass %s/auth.txt" % files_dir,
        # RouterOS speaks TLS 1.2 at most and uses exactly one data cipher.
        "tls-version-max 1.2",
        "cipher %s" % openvpn_cipher,
        "data-ciphers %s" % openvpn_cipher,
        "data-ciphers-fallback %s" % openvpn_cipher,
        "tun-mtu %s" % row.get("max-mtu", "1500"),
        "persist-key",
        "verb 3",
    ]
    if auth != "null":
        if auth not in OPENVPN_AUTHS:
            raise Untranslatable("ovpn-client %s: auth %r has no OpenVPN equivalent" % (row.get("name"), auth))
        lines.append("auth %s" % OPENVPN_AUTHS[auth])
    if openvpn_cipher == "BF-CBC":
        lines.append("providers legacy default")
    if _true(row.get("verify-server-certificate", "false")):
        lines.append("remote-cert-tls server")
    if row.get("tls-version") == "only-1.2":
        lines.append("tls-version-min 1.2")
    if _true(row.get("route-nopull", "false")):
        lines.append("route-nopull")
    return "\n".join(lines) + "\n"


def _certificate_material(row, certificate_rows, pem_store):
    """(ca bundle, cert PEM, key PEM) for an ovpn-client row, or Untranslatable saying what is missing."""
    name = row.get("certificate", "none")
    if name in (None, "", "none"):
        raise Untranslatable("ovpn-client %s has no certificate" % row.get("name"))
    cert_row = next((c for c in certificate_rows if c.get("name") == name), None)
    if cert_row is None:
        raise Untranslatable("ovpn-client %s: certificate %s is not in /certificate" % (row.get("name"), name))
    cert_pem = pem_store["certificates"].get(cert_row.get("fingerprint"))
    key_pem = pem_store["keys"].get(cert_row.get("_public"))
    if cert_pem is None:
        raise Untranslatable("certificate %s: its PEM was never seen in /file" % name)
    if not _true(cert_row.get("private-key")) or key_pem is None:
        raise Untranslatable("certificate %s has no (readable) private key" % name)
    cas = [pem_store["certificates"].get(c.get("fingerprint")) for c in certificate_rows
           if _true(c.get("ca")) and _true(c.get("trusted", "true"))]
    cas = [pem for pem in cas if pem]
    if not cas:
        raise Untranslatable("ovpn-client %s: no trusted CA certificate to verify the server with" % row.get("name"))
    return "".join(cas), cert_pem, key_pem


# ---------------------------------------------------------------------------------------------
# Firewall (mangle, NAT, filter) -> nftables
# ---------------------------------------------------------------------------------------------
# What RouterOS does, and where MikroTik says so (paraphrased; no text copied):
# [FILTER]    "Filter", https://help.mikrotik.com/docs/display/ROS/Filter (source view: .../viewpagesrc.action?
#             pageId=48660574): predefined chains input, forward, output; a chain's rules are tried top to
#             bottom and the first match's action ends the chain, passthrough (and log) excepted; a packet no
#             rule of a built-in chain matched is accepted; jump goes to the user chain jump-target and return
#             comes back; reject answers with an ICMP error (reject-with, icmp-network-unreachable by default).
# [MANGLE]    "Mangle", https://help.mikrotik.com/docs/x/hYDmAg: chains prerouting, input, forward, output,
#             postrouting; mark-connection sets new-connection-mark, mark-routing sets new-routing-mark;
#             passthrough=no stops the chain after the action; connection-mark=no-mark matches unmarked ones.
# [CONNTRACK] "Connection tracking", https://help.mikrotik.com/docs/display/ROS/Connection+tracking: states
#             new, established, related, invalid, untracked; the connection mark belongs to the tracked
#             connection, so every later packet of it carries it.
# [FASTTRACK] FastTrack section of MikroTik's firewall documentation
#             (https://help.mikrotik.com/docs/pages/diffpages.action?pageId=65110025) and its older wiki page
#             (https://wiki.mikrotik.com/wiki/Manual:IP/Fasttrack): fasttrack-connection marks the connection;
#             only TCP and UDP connections are really fast-tracked; their packets then bypass the firewall
#             (filter, mangle, NAT), connection tracking, queues and IPsec, while NAT already set up stays.
#             So no mangle rule gives them a routing mark: they follow the main routing table (DESIGN.md
#             section 4, "Routers as they ship"; see also "Packet Flow in RouterOS",
#             https://help.mikrotik.com/docs/display/ROS/Packet+Flow+in+RouterOS).
# [NAT]       MikroTik's NAT page (help.mikrotik.com, "NAT"): NAT rules see the first packet of a connection;
#             connection tracking applies the outcome to the rest of it.
#
# The model in netfilter terms: the conntrack mark (ct mark) is the RouterOS connection mark. Bit 31 is
# reserved for "this connection is FastTracked"; bits 0-30 hold the RouterOS connection-mark name as a
# number (connection_marks). Routing marks are the packet mark (meta mark), read by ``ip rule fwmark``.
# As ct mark lives on the conntrack entry itself, there is nothing to save or restore per packet.
FASTTRACK_BIT = 0x80000000
CONN_MARK_MASK = 0x7FFFFFFF
_FT = "ct mark & 0x%08x == 0x%08x" % (FASTTRACK_BIT, FASTTRACK_BIT)

_FIREWALL_PATHS = ("/ip/firewall/mangle", "/ip/firewall/nat", "/ip/firewall/filter", "/ipv6/firewall/filter")
# (path) -> (nft family, chain name prefix, {RouterOS chain: (nft chain, hook declaration)})
_BASE_CHAINS = {
    "/ip/firewall/mangle": ("ip", "mangle", {
        "prerouting": ("mangle_prerouting", "type filter hook prerouting priority mangle"),
        "input": ("mangle_input", "type filter hook input priority mangle"),
        "forward": ("mangle_forward", "type filter hook forward priority mangle"),
        # a route chain: a routing mark set here re-routes the router's own packet
        "output": ("mangle_output", "type route hook output priority mangle"),
        "postrouting": ("mangle_postrouting", "type filter hook postrouting priority mangle")}),
    "/ip/firewall/nat": ("ip", "nat", {
        "srcnat": ("srcnat", "type nat hook postrouting priority srcnat"),
        "dstnat": ("dstnat", "type nat hook prerouting priority dstnat")}),
    "/ip/firewall/filter": ("ip", "filter", {
        "input": ("filter_input", "type filter hook input priority filter"),
        "forward": ("filter_forward", "type filter hook forward priority filter"),
        "output": ("filter_output", "type filter hook output priority filter")}),
    "/ipv6/firewall/filter": ("ip6", "filter", {
        "input": ("filter_input", "type filter hook input priority filter"),
        "forward": ("filter_forward", "type filter hook forward priority filter"),
        "output": ("filter_output", "type filter hook output priority filter")}),
}
# hooks where nft has no fib expression (dst-address-type cannot be realised there)
_NO_FIB_CHAINS = ("mangle_postrouting", "srcnat")

_CONNECTION_STATES = ("established", "related", "new", "invalid", "untracked")
_ADDRESS_TYPES = ("local", "broadcast", "multicast", "unicast", "blackhole", "unreachable", "prohibit")
# reject-with -> (IPv4, IPv6) nft reject argument ([FILTER]: icmp-network-unreachable is the default)
_REJECT_WITH = {
    "icmp-network-unreachable": ("icmp type net-unreachable", "icmpv6 type no-route"),
    "icmp-host-unreachable": ("icmp type host-unreachable", "icmpv6 type addr-unreachable"),
    "icmp-port-unreachable": ("icmp type port-unreachable", "icmpv6 type port-unreachable"),
    "icmp-admin-prohibited": ("icmp type admin-prohibited", "icmpv6 type admin-prohibited"),
    "icmp-net-prohibited": ("icmp type net-prohibited", "icmpv6 type admin-prohibited"),
    "icmp-host-prohibited": ("icmp type host-prohibited", "icmpv6 type admin-prohibited"),
    "tcp-reset": ("tcp reset", "tcp reset"),
}
# Fields that are not matchers: how the rule acts, or what print shows about it.
_NON_MATCHERS = ("chain", "action", "passthrough", "comment", "disabled", "log", "log-prefix", "bytes", "packets",
                 "invalid", "dynamic", "default", ".id", ".nextid", "new-routing-mark", "new-connection-mark",
                 "to-addresses", "to-ports", "jump-target", "reject-with", "hw-offload")


class NeverMatches(Exception):
    """A rule no packet in the lab can match (ipsec-policy=...,ipsec, an empty list): it is left out."""


def connection_marks(rows):
    """RouterOS connection-mark name -> number in the ct mark (1, 2, ... by name; no-mark is 0)."""
    names = set()
    for path in _FIREWALL_PATHS:
        for row in rows.get(path, []):
            for field in ("new-connection-mark", "connection-mark"):
                if row.get(field):
                    names.add(str(row[field]).lstrip("!"))
    names.discard("no-mark")
    marks = {"no-mark": 0}
    for number, name in enumerate(sorted(names), start=1):
        marks[name] = number
    return marks


def _linux_iface(name, ifaces):
    return ifaces.get(name, (linux_name(name, "x"),))[0]


def interface_lists(rows, ifaces):
    """Interface list name -> set of Linux names; None for the builtin ``all`` (every interface).

    Members come from ``/interface/list/member`` (list, interface); ``include``/``exclude`` of
    ``/interface/list`` (7.x) add or remove the members of other lists, one level deep.
    """
    members = {"all": None, "none": set()}
    for row in rows.get("/interface/list", []):
        if row.get("name") and row["name"] not in members:
            members[row["name"]] = set()
    for row in rows.get("/interface/list/member", []):
        if _true(row.get("disabled")) or not row.get("list") or not row.get("interface"):
            continue
        if members.get(row["list"], set()) is None:
            continue
        members.setdefault(row["list"], set()).add(_linux_iface(row["interface"], ifaces))
    direct = {name: (set(value) if value is not None else None) for name, value in members.items()}
    for row in rows.get("/interface/list", []):
        name = row.get("name")
        if not name or direct.get(name) is None:
            continue
        for other in str(row.get("include") or "").split(","):
            if other.strip() in direct:
                if direct[other.strip()] is None:
                    members[name] = None
                    break
                members[name] |= direct[other.strip()]
        if members[name] is None:
            continue
        for other in str(row.get("exclude") or "").split(","):
            if direct.get(other.strip()):
                members[name] -= direct[other.strip()]
    return members


def _address_ok(text, family):
    network = ipaddress.IPv4Network if family == 4 else ipaddress.IPv6Network
    for part in text.split("-"):
        try:
            network(part, strict=False)
        except ValueError:
            return False
    return True


def address_lists(rows, family, problems):
    """Address list name -> list of nft set elements (A, A/n, A-B) for IPv4 (4) or IPv6 (6)."""
    path = "/ip/firewall/address-list" if family == 4 else "/ipv6/firewall/address-list"
    lists = {}
    for row in rows.get(path, []):
        if _true(row.get("disabled")) or not row.get("list"):
            continue
        entries = lists.setdefault(row["list"], [])
        address = str(row.get("address") or "")
        if _address_ok(address, family):
            entries.append(address)
        else:  # a DNS name: RouterOS resolves it; the lab has no resolver for the realiser
            problems.append("%s %s: address %r is not realised" % (path, row.get(".id"), address))
    return lists


class FirewallContext:
    """What rule translation needs beyond the row: marks, interfaces, lists, the family."""

    def __init__(self, rows, tables, ifaces, family, problems):
        self.tables = tables
        self.ifaces = ifaces
        self.family = family
        self.conn_marks = connection_marks(rows)
        self.iface_lists = interface_lists(rows, ifaces)
        self.address_lists = address_lists(rows, family, problems)


def _negated(value):
    text = str(value)
    return (True, text[1:]) if text.startswith("!") else (False, text)


def _nft_set(items):
    items = list(items)
    return items[0] if len(items) == 1 else "{ %s }" % ", ".join(items)


def _address_spec(value, field, family=4):
    """nft form of a RouterOS address match: A, A/n or A-B, optionally negated with !."""
    negated, text = _negated(value)
    if not _address_ok(text, family):
        raise Untranslatable("%s %r is not an IPv%d address, network or range" % (field, value, family))
    return ("!= " if negated else "") + text


def _ports(value, field):
    negated, text = _negated(str(value).replace(" ", ""))
    parts = text.split(",")
    for part in parts:
        if not all(bound.isdigit() for bound in part.split("-")):
            raise Untranslatable("%s %r is not a port list" % (field, value))
    return ("!= " if negated else "") + _nft_set(parts)


def _protocol(value):
    text = str(value).lower()
    if text.isdigit():
        return int(text)
    if text not in PROTOCOL_NUMBERS:
        raise Untranslatable("protocol %r is unknown" % value)
    return PROTOCOL_NUMBERS[text]


def _iface(value, field, ifaces):
    negated, name = _negated(value)
    if name in _IFACE_GROUPS:
        raise Untranslatable("%s %s (an interface group) is not realised" % (field, name))
    return "%s%s" % ("!= " if negated else "", json.dumps(_linux_iface(name, ifaces)))


def _iface_list(value, field, ctx):
    """iifname/oifname operand for an interface list, None when any interface matches."""
    negated, name = _negated(value)
    if name not in ctx.iface_lists:
        raise Untranslatable("%s %s: no such interface list" % (field, name))
    members = ctx.iface_lists[name]
    if members is None:  # the builtin list "all"
        if negated:
            raise NeverMatches()
        return None
    if not members:
        if negated:
            return None
        raise NeverMatches()
    return ("!= " if negated else "") + _nft_set(json.dumps(member) for member in sorted(members))


def _matchers(row, ctx, nft_chain):
    """The nft match expressions for a firewall row (any of the four menus)."""
    ip = "ip" if ctx.family == 4 else "ip6"
    parts = []
    protocol = None
    if row.get("protocol"):
        negated, name = _negated(row["protocol"])
        protocol = None if negated else _protocol(name)
        parts.append("meta l4proto %s%d" % ("!= " if negated else "", _protocol(name)))
    for field, key in (("in-interface", "iifname"), ("out-interface", "oifname")):
        if row.get(field):
            parts.append("%s %s" % (key, _iface(row[field], field, ctx.ifaces)))
    for field, key in (("in-interface-list", "iifname"), ("out-interface-list", "oifname")):
        if row.get(field):
            operand = _iface_list(row[field], field, ctx)
            if operand is not None:
                parts.append("%s %s" % (key, operand))
    for field, key in (("src-address", "saddr"), ("dst-address", "daddr")):
        if row.get(field):
            parts.append("%s %s %s" % (ip, key, _address_spec(row[field], field, ctx.family)))
    for field, key in (("src-address-list", "saddr"), ("dst-address-list", "daddr")):
        if row.get(field):
            negated, name = _negated(row[field])
            entries = ctx.address_lists.get(name, [])  # a list nobody filled matches nothing
            if not entries:
                if not negated:
                    raise NeverMatches()
                continue
            parts.append("%s %s %s{ %s }" % (ip, key, "!= " if negated else "", ", ".join(entries)))
    for field, key in (("src-port", "sport"), ("dst-port", "dport")):
        if row.get(field):
            if protocol not in (6, 17, 33, 132, 136):
                raise Untranslatable("%s needs protocol tcp, udp, sctp, dccp or udp-lite" % field)
            parts.append("th %s %s" % (key, _ports(row[field], field)))
    if row.get("port"):
        raise Untranslatable("port= (either port) is not realised; use src-port or dst-port")
    if row.get("connection-state"):
        # [CONNTRACK] the five states map one to one onto netfilter's ct state
        negated, text = _negated(row["connection-state"])
        states = [state.strip() for state in text.split(",") if state.strip()]
        if not states or any(state not in _CONNECTION_STATES for state in states):
            raise Untranslatable("connection-state %r" % row["connection-state"])
        parts.append("ct state %s%s" % ("!= " if negated else "", _nft_set(states)))
    if row.get("connection-nat-state"):
        # [FILTER] srcnat/dstnat: the connection went through src-nat (masquerade) or dst-nat
        negated, text = _negated(row["connection-nat-state"])
        kinds = [{"srcnat": "snat", "dstnat": "dnat"}.get(kind.strip()) for kind in text.split(",")]
        if not kinds or None in kinds:
            raise Untranslatable("connection-nat-state %r" % row["connection-nat-state"])
        bits = " | ".join(kinds)
        parts.append("ct status & (%s) %s 0" % (bits, "==" if negated else "!="))
    if row.get("connection-mark"):
        # [MANGLE] no-mark is an unmarked connection; the FastTrack bit is not part of the mark
        negated, name = _negated(row["connection-mark"])
        parts.append("ct mark & 0x%08x %s %d" % (CONN_MARK_MASK, "!=" if negated else "==", ctx.conn_marks[name]))
    if row.get("routing-mark"):
        negated, name = _negated(row["routing-mark"])
        parts.append("meta mark %s%d" % ("!= " if negated else "", _mark_of(ctx.tables, name)))
    if row.get("ipsec-policy"):
        # No IPsec in the lab: no packet was decapsulated from or is bound for an IPsec policy, so
        # "in,none"/"out,none" hold for every packet and "in,ipsec"/"out,ipsec" for none ([FILTER]).
        direction, _comma, policy = str(row["ipsec-policy"]).partition(",")
        if direction not in ("in", "out") or policy not in ("none", "ipsec"):
            raise Untranslatable("ipsec-policy %r" % row["ipsec-policy"])
        if policy == "ipsec":
            raise NeverMatches()
    for field, key in (("src-address-type", "saddr"), ("dst-address-type", "daddr")):
        if row.get(field):
            if nft_chain in _NO_FIB_CHAINS:
                raise Untranslatable("%s in a postrouting chain is not realised" % field)
            negated, text = _negated(row[field])
            kinds = [kind.strip() for kind in text.split(",") if kind.strip()]
            if not kinds or any(kind not in _ADDRESS_TYPES for kind in kinds):
                raise Untranslatable("%s %r" % (field, row[field]))
            parts.append("fib %s type %s%s" % (key, "!= " if negated else "", _nft_set(kinds)))
    for field, key in (("ttl", "ip ttl"), ("hop-limit", "ip6 hoplimit")):
        if row.get(field):
            # [FILTER] ttl (IPv4) and hop-limit (IPv6): equal|not-equal|greater-than|less-than:N
            relation, _colon, number = str(row[field]).partition(":")
            operator = {"equal": "==", "not-equal": "!=", "greater-than": ">", "less-than": "<"}.get(relation)
            if operator is None or not number.isdigit() or (field == "ttl") != (ctx.family == 4):
                raise Untranslatable("%s %r" % (field, row[field]))
            parts.append("%s %s %s" % (key, operator, number))
    known = set(_NON_MATCHERS) | {"ttl", "hop-limit", "protocol", "in-interface", "out-interface", "in-interface-list",
                                  "out-interface-list", "src-address", "dst-address", "src-address-list",
                                  "dst-address-list", "src-port", "dst-port", "port", "connection-state",
                                  "connection-nat-state", "connection-mark", "routing-mark", "ipsec-policy",
                                  "src-address-type", "dst-address-type"}
    unknown = sorted(key for key, value in row.items() if key not in known and not key.startswith("_")
                     and value not in (None, ""))
    if unknown:
        raise Untranslatable("matchers %s are not realised" % ", ".join(unknown))
    return parts


def _user_chain(prefix, name):
    """nft name of a RouterOS user chain (jump-target) of one menu."""
    safe = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    if safe != name:
        safe += "_" + hashlib.sha256(name.encode()).hexdigest()[:6]
    return "%s_u_%s" % (prefix, safe)


def firewall_rules(row, path, ctx, nft_chain):
    """nft rules (texts) for one row of a firewall menu; Untranslatable or NeverMatches otherwise."""
    family_word = "IPv4" if ctx.family == 4 else "IPv6"
    parts = _matchers(row, ctx, nft_chain)
    match = " ".join(parts + ["counter"])
    comment = " comment %s" % json.dumps(str(row["comment"])[:120]) if row.get("comment") else ""
    action = row.get("action", "accept")
    passthrough = _true(row.get("passthrough", "true"))
    menu = path.rsplit("/", 1)[-1]
    verdict = None
    if action in ("accept", "drop", "return"):
        verdict = action
    elif action in ("passthrough", "log"):
        verdict = ""  # counted; the next rule decides ([FILTER]: log goes on like passthrough)
    elif action == "jump":
        if not row.get("jump-target"):
            raise Untranslatable("jump without jump-target")
        verdict = "jump %s" % _user_chain(_BASE_CHAINS[path][1], row["jump-target"])
    elif action == "reject" and menu == "filter":
        reject_with = row.get("reject-with") or "icmp-network-unreachable"
        if reject_with not in _REJECT_WITH:
            raise Untranslatable("reject-with %s is not realised" % reject_with)
        if reject_with == "tcp-reset" and "meta l4proto 6" not in parts:
            raise Untranslatable("reject-with tcp-reset needs protocol=tcp")
        verdict = "reject with %s" % _REJECT_WITH[reject_with][0 if ctx.family == 4 else 1]
    elif action == "fasttrack-connection" and menu == "filter":
        # [FASTTRACK] the connection is marked (only TCP and UDP are really fast-tracked) and the packet
        # accepted. IPv6 FastTrack: modelled the same way (the IPv4 documentation is the source).
        return ["%s meta l4proto { 6, 17 } ct mark set ct mark | 0x%08x%s" % (match, FASTTRACK_BIT, comment),
                "%s accept%s" % (match, comment)]
    elif action == "mark-connection" and menu == "mangle":
        # [MANGLE]/[CONNTRACK] the mark goes on the connection; the FastTrack bit is kept
        name = row.get("new-connection-mark") or "no-mark"
        verdict = "ct mark set ct mark & 0x%08x | %d" % (FASTTRACK_BIT, ctx.conn_marks.get(name, 0))
        verdict += "" if passthrough else " accept"
    elif action == "mark-routing" and menu == "mangle":
        verdict = "meta mark set %d" % _mark_of(ctx.tables, row.get("new-routing-mark", "main"))
        verdict += "" if passthrough else " accept"
    elif action == "masquerade" and menu == "nat":
        verdict = "masquerade"
    elif action in ("src-nat", "dst-nat") and menu == "nat" and row.get("to-addresses"):
        target = row["to-addresses"] + (":%s" % row["to-ports"] if row.get("to-ports") else "")
        verdict = "%s to %s" % ("snat" if action == "src-nat" else "dnat", target)
    else:
        raise Untranslatable("action %s is not realised in %s %s" % (action, family_word, menu))
    return [("%s %s" % (match, verdict)).rstrip() + comment]


def firewall_rule(row, tables, ifaces, path="/ip/firewall/mangle"):
    """One nft rule (text) for a mangle or NAT row: the single-rule form of firewall_rules."""
    ctx = FirewallContext({path: [row]}, tables, ifaces, 4, [])
    return " ".join(firewall_rules(row, path, ctx, ""))


def _fasttrack_prelude(path, nft_chain):
    """First rule of a base chain: what a packet of a FastTracked connection does there."""
    if path == "/ip/firewall/mangle":
        # [FASTTRACK] no mangle rule sees it: no routing mark, so the main table routes it
        return ["%s meta mark set 0 accept comment \"fasttracked: mangle skipped\"" % _FT]
    if path.endswith("/filter"):
        # [FASTTRACK] no filter rule sees it either
        return ["%s accept comment \"fasttracked: filter skipped\"" % _FT]
    return []  # [NAT] NAT chains see only a connection's first packet, never a FastTracked one


def nft_ruleset(rows, tables, ifaces, problems):
    """The nftables tables (text for nft -f) for mangle, NAT and both filters, replacing the previous ones."""
    families = {"ip": (4, ["/ip/firewall/mangle", "/ip/firewall/nat", "/ip/firewall/filter"]),
                "ip6": (6, ["/ipv6/firewall/filter"])}
    lines = []
    for family, (number, paths) in families.items():
        ctx = FirewallContext(rows, tables, ifaces, number, problems)
        chains = {}  # nft chain -> (hook or None, [rules])
        for path in paths:
            _family, prefix, base = _BASE_CHAINS[path]
            for name, hook in base.values():
                chains[name] = (hook, _fasttrack_prelude(path, name))
            for row in rows.get(path, []):
                if row.get("action") == "jump" and row.get("jump-target") and row["jump-target"] not in base:
                    chains.setdefault(_user_chain(prefix, row["jump-target"]), (None, []))
            for row in rows.get(path, []):
                if _true(row.get("disabled")):
                    continue
                chain = row.get("chain")
                nft_chain = base[chain][0] if chain in base else _user_chain(prefix, str(chain))
                try:
                    if not chain:
                        raise Untranslatable("no chain")
                    if chain not in base and path == "/ip/firewall/nat" and chain in ("input", "output"):
                        raise Untranslatable("chain %s is not realised" % chain)
                    rules = firewall_rules(row, path, ctx, nft_chain)
                except NeverMatches:
                    continue
                except Untranslatable as exc:
                    problems.append("%s %s: %s" % (path, row.get(".id"), exc))
                    continue
                chains.setdefault(nft_chain, (None, []))[1].extend(rules)
        lines += ["table %s %s" % (family, NFT_TABLE), "delete table %s %s" % (family, NFT_TABLE),
                  "table %s %s {" % (family, NFT_TABLE)]
        # user chains first: a base chain's jump needs its target declared
        for name, (hook, rules) in sorted(chains.items(), key=lambda item: item[1][0] is not None):
            lines.append("    chain %s {" % name)
            if hook:
                lines.append("        %s; policy accept;" % hook)
            lines.extend("        %s" % rule for rule in rules)
            lines.append("    }")
        lines.append("}")
    return "\n".join(lines) + "\n"


def _route_command(row, family, tables, ifaces, ros7):
    """ip route replace arguments for one /ip(v6)/route row."""
    dst = row.get("dst-address") or ("0.0.0.0/0" if family == 4 else "::/0")
    args = ["ip", "-%d" % family, "route", "replace"]
    if row.get("blackhole") is not None and row.get("blackhole") != "false":
        args += ["blackhole", dst]
    else:
        args.append(dst)
        gateway = (row.get("gateway") or "").split(",")[0]
        if not gateway:
            raise Untranslatable("route %s to %s has no gateway" % (row.get(".id"), dst))
        host, _percent, scope_iface = gateway.partition("%")
        try:
            ipaddress.ip_address(host)
            args += ["via", host]
            if scope_iface:
                args += ["dev", ifaces.get(scope_iface, (scope_iface,))[0]]
        except ValueError:
            if host not in ifaces:
                raise Untranslatable("route %s: gateway %s is no interface" % (row.get(".id"), host))
            args += ["dev", ifaces[host][0]]
    table = row.get("routing-table") if ros7 else row.get("routing-mark")
    args += ["table", str(tables.get(table or "main", "main")), "metric", str(row.get("distance", "1")),
             "proto", str(RT_PROTO)]
    return args


def translate(rows, release, pem_store, workdir):
    """The desired data plane for the API state ``rows`` (path -> rows as print shows them).

    Certificate rows must be the raw rows (they carry the hidden ``_public`` key id).
    Returns a dict: links (sit), openvpn clients, addresses per interface, routes, rules, nft, problems.
    """
    ros7 = evidence.parse_version(release)[0] >= 7
    problems = []
    ifaces = interface_map(rows)
    tables = routing_tables(rows, ros7)
    desired = {"problems": problems, "interfaces": {}, "sit": {}, "openvpn": {}, "addresses": {}, "routes": [],
               "rules": [], "tables": tables}
    for ros_name, (linux, path) in ifaces.items():
        desired["interfaces"][linux] = {"ros_name": ros_name, "path": path}
    for row in rows.get("/interface/6to4", []):
        if _true(row.get("disabled")):
            continue
        linux = ifaces[row["name"]][0]
        mtu = row.get("mtu", "auto")
        desired["sit"][linux] = {"local": row.get("local-address") or "0.0.0.0", "remote": row["remote-address"],
                                 "ttl": "64", "mtu": "1480" if mtu in ("auto", None) else str(mtu)}
    certificate_rows = rows.get("/certificate", [])
    for row in rows.get("/interface/ovpn-client", []):
        if _true(row.get("disabled")):
            continue
        linux = ifaces[row["name"]][0]
        files_dir = os.path.join(workdir, "ovpn", linux)
        try:
            ca, cert, key = _certificate_material(row, certificate_rows, pem_store)
            config = openvpn_config(row, linux, files_dir, ros7)
        except Untranslatable as exc:
            problems.append(str(exc))
            continue
        files = {"ca.pem": (ca, 0o644), "cert.pem": (cert, 0o644), "key.pem": (key, 0o600),
                 "auth.txt": ("%s\n%s\n" % (row.get("user", ""), row.get("password") or ""), 0o600),
                 "client.conf": (config, 0o600)}
        digest = hashlib.sha256(json.dumps(sorted((k, v[0]) for k, v in files.items())).encode()).hexdigest()
        desired["openvpn"][linux] = {"dir": files_dir, "files": files, "digest": digest, "ros_name": row["name"]}
    for path, family in (("/ip/address", 4), ("/ipv6/address", 6)):
        for row in rows.get(path, []):
            if _true(row.get("disabled")) or _true(row.get("dynamic")) or row.get("interface") not in ifaces:
                continue
            try:
                interface = ipaddress.ip_interface(row["address"])
            except ValueError:
                problems.append("%s %s: address %r" % (path, row.get(".id"), row.get("address")))
                continue
            linux = ifaces[row["interface"]][0]
            entry = {"address": str(interface.with_prefixlen), "family": family,
                     "nodad": family == 6 and _true(row.get("no-dad"))}
            desired["addresses"].setdefault(linux, []).append(entry)
    for path, family in (("/ip/route", 4), ("/ipv6/route", 6)):
        for row in rows.get(path, []):
            if _true(row.get("disabled")) or _true(row.get("dynamic")):
                continue
            try:
                desired["routes"].append(_route_command(row, family, tables, ifaces, ros7))
            except Untranslatable as exc:
                problems.append(str(exc))
    for name, table in sorted(tables.items(), key=lambda item: str(item[1])):
        if table == "main":
            continue
        for family in (4, 6):
            desired["rules"].append(["ip", "-%d" % family, "rule", "add", "fwmark", str(table), "lookup", str(table),
                                     "priority", str(RULE_PRIORITY + table - FIRST_TABLE_ID),
                                     "protocol", str(RT_PROTO)])
    desired["nft"] = nft_ruleset(rows, tables, ifaces, problems)
    return desired


# ---------------------------------------------------------------------------------------------
# desired + current -> commands
# ---------------------------------------------------------------------------------------------
SYSCTLS = ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv4.conf.all.rp_filter=0",
           "net.ipv4.conf.default.rp_filter=0")


def reconcile(desired, current):
    """Commands (argv lists, run inside the namespace) that turn ``current`` into ``desired``.

    ``current`` holds ``links`` (Linux name -> {"kind", "local", "remote", "up"}) and ``addresses``
    (Linux name -> list of "addr/len" of global scope), as read from ``ip -j``.
    Every run rebuilds routes, rules and the nft table from scratch, so it is idempotent.
    """
    commands = [["sysctl", "-q", "-w", setting] for setting in SYSCTLS]
    links = current.get("links", {})
    for name, info in sorted(links.items()):
        if info.get("kind") == "sit" and name != "sit0" and name not in desired["sit"]:
            commands.append(["ip", "link", "del", name])
    for name, sit in sorted(desired["sit"].items()):
        have = links.get(name)
        local = "any" if sit["local"] in ("0.0.0.0", "any") else sit["local"]
        same = bool(have) and have.get("kind") == "sit" and have.get("remote") == sit["remote"] \
            and have.get("local") in (local, "0.0.0.0" if local == "any" else local)
        if have and not same:
            commands.append(["ip", "link", "del", name])
        if not same:
            commands.append(["ip", "tunnel", "add", name, "mode", "sit", "local", local, "remote", sit["remote"],
                             "ttl", sit["ttl"]])
        commands.append(["ip", "link", "set", name, "mtu", sit["mtu"], "up"])
    for name, info in sorted(desired["interfaces"].items()):
        if info["path"] in TOPOLOGY_KINDS and name in links and not links[name].get("up"):
            commands.append(["ip", "link", "set", name, "up"])
    present = set(links) | set(desired["sit"])
    openvpn_links = set(desired["openvpn"])
    for name in sorted(present):
        if name in openvpn_links or name not in desired["interfaces"] or links.get(name, {}).get("kind") == "tun":
            continue  # the hub pushes the tunnel's address: openvpn owns it
        wanted = {entry["address"] for entry in desired["addresses"].get(name, [])}
        for address in current.get("addresses", {}).get(name, []):
            if address not in wanted:
                commands.append(["ip", "addr", "del", address, "dev", name])
    for name, entries in sorted(desired["addresses"].items()):
        if name not in present:
            continue
        have = set(current.get("addresses", {}).get(name, []))
        for entry in entries:
            if entry["address"] not in have:
                command = ["ip", "addr", "add", entry["address"], "dev", name]
                if entry["nodad"]:
                    command.append("nodad")
                commands.append(command)
    commands.append(["ip", "-4", "route", "flush", "proto", str(RT_PROTO), "table", "all"])
    commands.append(["ip", "-6", "route", "flush", "proto", str(RT_PROTO), "table", "all"])
    for route in desired["routes"]:
        if "dev" in route and route[route.index("dev") + 1] not in present:
            continue  # its interface is not there (yet): the next reconcile after it appears adds it
        commands.append(route)
    commands.append(["ip", "-4", "rule", "flush", "protocol", str(RT_PROTO)])
    commands.append(["ip", "-6", "rule", "flush", "protocol", str(RT_PROTO)])
    commands.extend(desired["rules"])
    commands.append(["nft", "-f", "-"])
    return commands


# ---------------------------------------------------------------------------------------------
# The running part
# ---------------------------------------------------------------------------------------------
def harvest_pems(file_rows, store):
    """Remember every certificate and unencrypted key seen in /file (RouterOS keeps them after import)."""
    changed = False
    for row in file_rows:
        data = (row.get("contents") or "").encode("utf-8")
        if b"-----BEGIN" not in data:
            continue
        try:
            bundle = certs.parse_pem_bundle(data, "")
        except Exception:  # not PEM after all: RouterOS would refuse the import, the realiser ignores it
            continue
        for cert in bundle.certificates:
            # Keyed by both digests: /certificate shows SHA-1 on 6.x and SHA-256 on 7.x.
            for digest in (hashes.SHA256(), hashes.SHA1()):
                fingerprint = cert.fingerprint(digest).hex()
                if fingerprint not in store["certificates"]:
                    store["certificates"][fingerprint] = cert.public_bytes(serialization.Encoding.PEM).decode()
                    changed = True
        for key in bundle.keys:
            public = certs.key_public_hex(key)
            if public not in store["keys"]:
                store["keys"][public] = key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()).decode()
                changed = True
    return changed


class NetnsRealiser:
    """Applies one emulated router's configuration to the network namespace ``netns``."""

    def __init__(self, netns, workdir, poll_seconds=1.0, log=None):
        self.netns = netns
        self.workdir = os.path.abspath(workdir)
        self.poll_seconds = poll_seconds
        self.router = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._state_lock = threading.Lock()
        self._links = {}  # ROS name -> link state dict for running/monitor
        self._up_since = {}
        self._processes = {}  # Linux name -> (Popen, digest)
        self._last_problems = None
        self._last_failures = []
        self._log_handle = log or sys.stderr
        os.makedirs(self.workdir, mode=0o700, exist_ok=True)
        self._store_path = os.path.join(self.workdir, "pems.json")
        self._files_seen = set()  # sha256 of file contents already queued
        self._files_pending = []
        self.pem_store = {"certificates": {}, "keys": {}}
        if os.path.exists(self._store_path):
            with open(self._store_path) as handle:
                self.pem_store = json.load(handle)
        self._thread = threading.Thread(target=self._loop, name="realiser-%s" % netns, daemon=True)
        self.applied = 0

    # -- hooks the emulator calls
    def changed(self, router, path):
        self.router = router
        if path == "/file":
            # Only the contents are taken here (a file may be gone a moment later, once imported);
            # parsing them (an RSA key check takes seconds under TCG) is the loop's work, so the API
            # answers at once.
            self._queue_files(router)
        self._wake.set()

    def link_state(self, router, path, row):
        with self._state_lock:
            return self._links.get(row.get("name"))

    # -- lifecycle
    def start(self, router):
        self.router = router
        self._harvest(router)
        self._thread.start()
        self._wake.set()

    def stop(self):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        for name in list(self._processes):
            self._stop_openvpn(name)

    def api_listener(self, port):
        """A listening socket for the router's API inside the namespace, on all its addresses.

        A real router's API service answers on every address it holds, subject to its input
        firewall: this socket lives in the namespace whose nftables realise that firewall, so a
        connection to the router's VPN address is admitted or dropped as on RouterOS. setns(2)
        moves only the calling thread, which then moves back.
        """
        import ctypes
        import socket
        libc = ctypes.CDLL(None, use_errno=True)
        clone_newnet = 0x40000000
        with open("/proc/thread-self/ns/net") as home, open("/run/netns/%s" % self.netns) as target:
            if libc.setns(target.fileno(), clone_newnet) != 0:
                raise OSError(ctypes.get_errno(), "setns into %s" % self.netns)
            try:
                sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(("::", port))
                sock.listen(64)
                sock.setblocking(False)
            finally:
                if libc.setns(home.fileno(), clone_newnet) != 0:
                    raise OSError(ctypes.get_errno(), "setns back from %s" % self.netns)
        return sock

    def _say(self, message):
        print("realiser[%s]: %s" % (self.netns, message), file=self._log_handle, flush=True)

    def _queue_files(self, router):
        with router.lock:
            contents = [row.get("contents") or "" for row in router.tables["/file"]]
        with self._state_lock:
            for text in contents:
                digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
                if "-----BEGIN" in text and digest not in self._files_seen:
                    self._files_seen.add(digest)
                    self._files_pending.append(text)

    def _harvest(self, router):
        """Remember the certificates and keys of the files queued since the last harvest."""
        self._queue_files(router)
        with self._state_lock:
            pending, self._files_pending = self._files_pending, []
        if harvest_pems([{"contents": text} for text in pending], self.pem_store):
            tmp = self._store_path + ".tmp"
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
                json.dump(self.pem_store, handle)
            os.replace(tmp, self._store_path)

    # -- the loop: apply on change, poll the links every poll_seconds
    def _loop(self):
        dirty = True
        while not self._stop.is_set():
            woken = self._wake.wait(self.poll_seconds)
            if self._stop.is_set():
                break
            if woken:
                self._wake.clear()
                time.sleep(0.2)  # a module run makes several changes in a row: apply once
                self._wake.clear()
                dirty = True
            try:
                if self._files_pending:
                    self._harvest(self.router)
                if self._poll_links():
                    dirty = True
                if dirty:
                    # a command that failed (a gateway not reachable yet, say) is retried next poll
                    dirty = bool(self.apply())
            except Exception as exc:  # keep the emulator serving; the next change or poll tries again
                self._say("apply failed: %s" % exc)
                dirty = True

    def _run(self, argv, stdin=None, check=False):
        full = ["ip", "netns", "exec", self.netns] + argv
        result = subprocess.run(full, input=stdin, capture_output=True, text=True, check=False)
        if result.returncode != 0 and check:
            raise RuntimeError("%s: %s" % (shlex.join(full), result.stderr.strip()))
        return result

    def read_current(self):
        links = {}
        addresses = {}
        data = json.loads(self._run(["ip", "-d", "-j", "addr", "show"], check=True).stdout or "[]")
        for link in data:
            name = link["ifname"]
            info = link.get("linkinfo", {})
            kind = info.get("info_kind")
            if link.get("link_type") == "sit":
                kind = "sit"
            item = {"kind": kind, "up": "UP" in link.get("flags", []),
                    "local": info.get("info_data", {}).get("local", link.get("address")),
                    "remote": info.get("info_data", {}).get("remote", link.get("broadcast"))}
            item["ipv4"] = [a["local"] for a in link.get("addr_info", []) if a.get("family") == "inet"]
            item["peer"] = next((a.get("address") for a in link.get("addr_info", []) if a.get("address")), None)
            links[name] = item
            addresses[name] = ["%s/%s" % (a["local"], a["prefixlen"]) for a in link.get("addr_info", [])
                               if a.get("scope") == "global"]
        return {"links": links, "addresses": addresses}

    def snapshot_rows(self):
        router = self.router
        with router.lock:
            rows = {path: router.rows(path) for path in READ_PATHS if path != "/certificate"}
            rows["/certificate"] = [dict(row) for row in router.tables["/certificate"]]
            for path in OPTIONAL_PATHS:
                if router.menu_exists(path):
                    rows[path] = router.rows(path)
            return rows, router.release

    def apply(self):
        """Rebuild the namespace from the API state; returns the commands that failed."""
        if self.router is None:
            return []
        rows, release = self.snapshot_rows()
        desired = translate(rows, release, self.pem_store, self.workdir)
        if desired["problems"] != self._last_problems:
            for problem in desired["problems"]:
                self._say("not realised: %s" % problem)
            self._last_problems = desired["problems"]
        self._sync_openvpn(desired["openvpn"])
        current = self.read_current()
        failures = []
        for argv in reconcile(desired, current):
            stdin = desired["nft"] if argv[:2] == ["nft", "-f"] else None
            result = self._run(argv, stdin=stdin)
            if result.returncode != 0 and argv[:3] != ["ip", "link", "del"]:
                failures.append("%s: %s" % (shlex.join(argv), result.stderr.strip()))
        if failures != self._last_failures:
            for failure in failures:
                self._say(failure)
            self._last_failures = failures
        self.applied += 1
        return failures

    # -- openvpn processes
    def _pidfile(self, name):
        return os.path.join(self.workdir, "ovpn", name, "openvpn.pid")

    def _sync_openvpn(self, wanted):
        for name in list(self._processes):
            process, digest = self._processes[name]
            if name not in wanted or wanted[name]["digest"] != digest:
                self._stop_openvpn(name)
        for name, client in wanted.items():
            running = self._processes.get(name)
            if running and running[0].poll() is None:
                continue
            self._start_openvpn(name, client)

    def _start_openvpn(self, name, client):
        os.makedirs(client["dir"], mode=0o700, exist_ok=True)
        self._kill_stale(name)
        for file_name, (content, mode) in client["files"].items():
            path = os.path.join(client["dir"], file_name)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as handle:
                handle.write(content)
            os.chmod(path, mode)
        log = open(os.path.join(client["dir"], "openvpn.log"), "a")
        argv = ["ip", "netns", "exec", self.netns, "openvpn", "--config", os.path.join(client["dir"], "client.conf"),
                "--writepid", self._pidfile(name)]
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._processes[name] = (process, client["digest"])
        self._say("openvpn for %s started (pid %d)" % (client["ros_name"], process.pid))

    def _kill_stale(self, name):
        """An openvpn left by an emulator that died holds the tun name: end it (only if it is ours)."""
        try:
            pid = int(open(self._pidfile(name)).read().strip())
            cmdline = open("/proc/%d/cmdline" % pid, "rb").read()
        except (OSError, ValueError):
            return
        if os.path.join(self.workdir, "ovpn", name).encode() in cmdline:
            os.kill(pid, signal.SIGTERM)
            for _poll in range(50):
                if not os.path.exists("/proc/%d" % pid):
                    break
                time.sleep(0.1)

    def _stop_openvpn(self, name):
        process, _digest = self._processes.pop(name)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._say("openvpn for %s stopped" % name)

    def _poll_links(self):
        """Refresh running/monitor from the namespace; True when a tunnel came up or went down."""
        router = self.router
        if router is None:
            return False
        with router.lock:
            clients = [(row["name"], row[".id"]) for row in router.tables["/interface/ovpn-client"]]
        current = self.read_current()["links"] if clients else {}
        states = {}
        for ros_name, row_id in clients:
            linux = linux_name(ros_name, row_id)
            process = self._processes.get(linux)
            link = current.get(linux)
            if process and process[0].poll() is None and link and link["ipv4"]:
                since = self._up_since.setdefault(ros_name, time.monotonic())
                states[ros_name] = {"uptime": "%ds" % int(time.monotonic() - since),
                                    "local-address": link["ipv4"][0]}
                if link.get("peer"):
                    states[ros_name]["remote-address"] = link["peer"]
            else:
                self._up_since.pop(ros_name, None)
        with self._state_lock:
            flipped = set(states) != set(self._links)
            self._links = states
        if flipped:
            self._say("tunnels up: %s" % (", ".join(sorted(states)) or "none"))
        return flipped
