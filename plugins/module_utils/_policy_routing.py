# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy routing on the router, as the seed describes it, in the dialect of the release.

New LAN connections are marked for the VPN by default; rules (data) mark exceptions to go straight
out of the WAN; connections the hub side opens to the LAN are marked for the VPN too, so their
replies go back through it. Packets of a marked connection get the routing mark, and a marked
default route sends them into the tunnel; locally generated protocol 41 (the 6in4 tunnel) always
takes the VPN. Traffic leaving by the WAN with a VPN source is masqueraded. RouterOS 6.49 marks
with a routing mark; 7.x needs a routing table with fib first.

Marking connections, not packets, is what survives FastTrack: a FastTracked connection skips
mangle and is routed by the main table (MikroTik docs, "FastTrack"), so a router's default
firewall, which FastTracks every established connection, would send the VPN's flows out of the
WAN after their first packets. An accept rule of ours in the forward chain, placed before any
FastTrack rule, keeps the VPN's connections off FastTrack without touching the user's rule.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _releases
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import PROTOCOL_NUMBERS, MenuSpec, sync

MANGLE = "/ip/firewall/mangle"
FILTER = "/ip/firewall/filter"
NAT = "/ip/firewall/nat"
ROUTE = "/ip/route"
TABLE = "/routing/table"

_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,63}$")
_PORT_PROTOCOLS = ("tcp", "udp", "sctp", "dccp", "udp-lite")
RULE_FIELDS = ("key", "route", "chain", "from_lan", "protocol", "src_address", "dst_address", "src_port", "dst_port",
               "in_interface", "out_interface")
# The connection mark that clears another one ("no-mark" in the new-connection-mark completion of
# dumps 7.21.5 and 7.22.3; the v6 manual's mangle page has the same special value).
NO_MARK = "no-mark"
# RouterOS management services a VPN peer may reach by default: SSH, API, API-SSL.
MANAGEMENT_PORTS = ("22", "8728", "8729")


def seed_rules(hub_address=None):
    """The seed's mangle rules: everything from the LAN via the VPN, then the exceptions, then 6in4."""
    rules = [dict(key="lan-via-vpn", route="vpn", from_lan=True)]
    if hub_address:
        rules.append(dict(key="ssh-to-hub-direct", route="direct", from_lan=True, protocol="tcp",
                          dst_address=hub_address, dst_port="22"))
    rules.extend([
        dict(key="http-direct", route="direct", from_lan=True, protocol="tcp", dst_port="80"),
        dict(key="dns-direct", route="direct", from_lan=True, protocol="udp", dst_port="53"),
        dict(key="sit-via-vpn", route="vpn", chain="output", protocol="41"),
    ])
    return rules


def check_protocol(rule_key, protocol):
    text = str(protocol).strip().lower()
    if text.isdigit():
        if not 0 <= int(text) <= 255:
            raise InvalidInputError("rule %s: protocol %s is outside 0-255" % (rule_key, protocol))
        return text
    if text not in PROTOCOL_NUMBERS:
        raise InvalidInputError(
            "rule %s: protocol %r is not an IP protocol name RouterOS knows (for example tcp, udp, icmp, "
            "ipv6-encap) nor a number 0-255" % (rule_key, protocol)
        )
    return text


def check_ports(rule_key, field, ports, protocol):
    text = str(ports).replace(" ", "")
    for part in text.split(","):
        bounds = part.split("-")
        if len(bounds) > 2 or not all(bound.isdigit() for bound in bounds):
            raise InvalidInputError(
                "rule %s: %s %r is not a port, a range low-high or a comma list of them" % (rule_key, field, ports))
        numbers = [int(bound) for bound in bounds]
        if not all(1 <= number <= 65535 for number in numbers) or numbers != sorted(numbers):
            raise InvalidInputError("rule %s: %s %r: ports are 1-65535 and a range goes low-high" % (rule_key, field, ports))
    if protocol is None or _protocol_name(protocol) not in _PORT_PROTOCOLS:
        raise InvalidInputError(
            "rule %s: %s needs protocol tcp, udp, sctp, dccp or udp-lite (got protocol %s)" % (rule_key, field, protocol))
    return text


def _protocol_name(protocol):
    for name, number in PROTOCOL_NUMBERS.items():
        if str(number) == protocol:
            return name
    return protocol


def check_address(rule_key, field, address):
    try:
        network = ipaddress.IPv4Network(str(address), strict=True)
    except ValueError as exc:
        raise InvalidInputError("rule %s: %s %r is not an IPv4 address or network address (%s)" % (rule_key, field, address, exc))
    return str(network.network_address) if network.prefixlen == 32 else str(network)


def mangle_entries(rules, mark, lan_interface, tunnel_interface=None):
    """The ordered mangle block for ``rules``; InvalidInputError naming the rule and value for bad ones.

    Prerouting rules classify new connections (mark-connection, passing through, so later rules
    override earlier ones); then connections the hub side opens are marked for the VPN, and every
    packet of a VPN connection that does not come out of the tunnel gets the routing mark. Output
    rules mark the router's own packets for routing directly (FastTrack does not touch them).
    """
    classify, output = [], []
    for position, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise InvalidInputError("rule %d must be a dict, got %r" % (position, rule))
        key = rule.get("key")
        if not key:
            raise InvalidInputError("rule %d needs a key (it names the rule in its comment tag)" % position)
        unknown = sorted(set(rule) - set(RULE_FIELDS))
        if unknown:
            raise InvalidInputError("rule %s: unknown field(s) %s (known: %s)" % (key, ", ".join(unknown), ", ".join(RULE_FIELDS)))
        route = rule.get("route", "vpn")
        if route not in ("vpn", "direct"):
            raise InvalidInputError("rule %s: route %r must be vpn or direct" % (key, route))
        chain = rule.get("chain", "prerouting")
        if chain not in ("prerouting", "output"):
            raise InvalidInputError("rule %s: chain %r must be prerouting or output" % (key, chain))
        if chain == "prerouting":
            entry = {"key": key, "chain": chain, "action": "mark-connection", "connection-state": "new",
                     "new-connection-mark": mark if route == "vpn" else NO_MARK, "passthrough": True}
        else:
            entry = {"key": key, "chain": chain, "action": "mark-routing",
                     "new-routing-mark": mark if route == "vpn" else "main", "passthrough": True}
        protocol = None
        if rule.get("protocol") is not None:
            protocol = check_protocol(key, rule["protocol"])
            entry["protocol"] = protocol
        for field in ("src_address", "dst_address"):
            if rule.get(field):
                entry[field.replace("_", "-")] = check_address(key, field, rule[field])
        for field in ("src_port", "dst_port"):
            if rule.get(field) is not None:
                entry[field.replace("_", "-")] = check_ports(key, field, rule[field], protocol)
        if rule.get("from_lan"):
            if chain != "prerouting":
                raise InvalidInputError("rule %s: from_lan needs chain prerouting (output is the router's own traffic)" % key)
            entry["in-interface"] = lan_interface
        elif rule.get("in_interface"):
            entry["in-interface"] = rule["in_interface"]
        if rule.get("out_interface"):
            entry["out-interface"] = rule["out_interface"]
        (classify if chain == "prerouting" else output).append(entry)
    if classify and tunnel_interface:
        classify.append({"key": "from-vpn", "chain": "prerouting", "action": "mark-connection",
                         "connection-state": "new", "in-interface": tunnel_interface,
                         "new-connection-mark": mark, "passthrough": True})
        classify.append({"key": "route-vpn-connections", "chain": "prerouting", "action": "mark-routing",
                         "connection-mark": mark, "in-interface": "!" + tunnel_interface,
                         "new-routing-mark": mark, "passthrough": False})
    return classify + output


def filter_entries(params, mark):
    """Our accept rules in /ip/firewall/filter: placed first in their chains, before the user's own."""
    tunnel = params["tunnel_interface"]
    entries = [
        # Established packets of the VPN's connections are accepted here, so no FastTrack rule after
        # this one can take them off the VPN.
        {"key": "vpn-connections-off-fasttrack", "chain": "forward", "action": "accept",
         "connection-mark": mark, "connection-state": "established,related"},
    ]
    if params.get("admit_from_vpn", True):
        entries.append({"key": "vpn-to-lan", "chain": "forward", "action": "accept", "connection-state": "new",
                        "in-interface": tunnel, "out-interface": params["lan_interface"]})
    ports = [check_ports("management", "management_ports", port, "tcp")
             for port in (params.get("management_ports") if params.get("management_ports") is not None
                          else MANAGEMENT_PORTS)]
    if ports:
        entries.append({"key": "manage-from-vpn", "chain": "input", "action": "accept", "protocol": "tcp",
                        "dst-port": ",".join(ports), "in-interface": tunnel})
    return entries


def desired_specs(version, params):
    """The menus and their entries, in the order they must be applied (present) on ``version``."""
    owner = params.get("owner") or "policy"
    table = params["table"]
    if not _NAME_RE.match(table or "") or table == "main":
        raise InvalidInputError("table %r must be a name of letters, digits, '.', '_' or '-' other than main" % (table,))
    rules = params.get("rules")
    if rules is None:
        rules = seed_rules(params.get("hub_address"))
    mangle = mangle_entries(rules, table, params["lan_interface"], params.get("tunnel_interface"))
    nat = []
    for address in params.get("masquerade_src_addresses") or []:
        source = check_address("masquerade", "masquerade_src_addresses", address)
        nat.append({"key": "masquerade-%s" % source, "chain": "srcnat", "action": "masquerade",
                    "src-address": source, "out-interface": params["wan_interface"]})
    route = {"key": "default-via-vpn", "dst-address": "0.0.0.0/0", "gateway": params["tunnel_interface"]}
    specs = []
    if _releases.has_feature(version, "routing_table"):
        specs.append(MenuSpec(TABLE, owner, [{"key": "table", "name": table, "fib": True}]))
        route["routing-table"] = table
    else:
        route["routing-mark"] = table
    specs.append(MenuSpec(MANGLE, owner, mangle, place_before=params.get("mangle_place_before")))
    specs.append(MenuSpec(FILTER, owner, filter_entries(params, table),
                          place_before=params.get("filter_place_before")))
    specs.append(MenuSpec(ROUTE, owner, [route]))
    specs.append(MenuSpec(NAT, owner, nat, place_before=params.get("nat_place_before")))
    return specs


def absent_specs(version, params):
    """Everything of the owner, removed users-first: rules and routes before the table they name."""
    owner = params.get("owner") or "policy"
    paths = [FILTER, MANGLE, NAT, ROUTE]
    if _releases.has_feature(version, "routing_table"):
        paths.append(TABLE)
    return [MenuSpec(path, owner, state="absent") for path in paths]


def check_interfaces(session, params, check_mode):
    """The LAN and WAN interfaces must exist, and the tunnel too unless in check mode: one print of /interface.

    Returns warnings (check mode: the tunnel that the ovpn-client task creates may not exist yet).
    """
    names = set(row.get("name") for row in session.print_menu("/interface", proplist=["name"]))
    known = ", ".join(sorted(name for name in names if name))
    for option in ("lan_interface", "wan_interface"):
        if params[option] not in names:
            raise InvalidInputError("%s %r does not exist on router %s (interfaces: %s)"
                                    % (option, params[option], session.where, known))
    if params["tunnel_interface"] in names:
        return []
    message = ("tunnel_interface %r does not exist on router %s (interfaces: %s); create it first "
               "(tunnelworks.ovpn6.routeros_ovpn_client)" % (params["tunnel_interface"], session.where, known))
    if check_mode:
        return [message]
    raise InvalidInputError(message)


def ensure(session, params, check_mode):
    if params["state"] == "absent":
        return sync(session, absent_specs(session.version, params), check_mode)
    if not params.get("tunnel_interface"):
        raise InvalidInputError("tunnel_interface is required with state=present")
    specs = desired_specs(session.version, params)
    warnings = check_interfaces(session, params, check_mode)
    result = sync(session, specs, check_mode)
    result["warnings"] = warnings
    result["routing"] = "table" if _releases.has_feature(session.version, "routing_table") else "mark"
    return result
