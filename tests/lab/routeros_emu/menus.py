# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each emulated menu holds: fields shown with their defaults, keys, required values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from . import evidence


@dataclass
class MenuSpec:
    path: str
    kind: str = "table"  # table | single | interfaces (the /interface aggregate view) | fixed (set only)
    id_domain: Optional[str] = None  # menus sharing ids (every interface kind shares one)
    # Fields printed in this order; value None means "not shown until set".
    defaults: Callable = lambda release: {}
    required: tuple = ()
    unique: tuple = ()  # field names that must be unique (together) in the menu
    unique_error: str = "already_have_entry"
    ordered: bool = False  # place-before / move
    auto_name: Optional[str] = None  # "sit" -> sit1, sit2 ...
    interface_type: Optional[str] = None  # type shown in /interface
    feature: Optional[str] = None  # evidence.FACTS feature the menu needs


def _v7(release):
    return evidence.parse_version(release)[0] >= 7


def _interface_defaults(release):
    return {"comment": None, "disabled": "false"}


def _sixtofour(release):
    return {"name": None, "mtu": "auto", "actual-mtu": "1280", "local-address": "0.0.0.0", "remote-address": None,
            "keepalive": None, "clamp-tcp-mss": "true", "dont-fragment": "no", "dscp": "inherit",
            "ipsec-secret": None, "comment": None, "running": "true", "disabled": "false"}


def _ovpn_client(release):
    # protocol, verify-server-certificate and tls-version are dropped by Router._render where the
    # release's argument tree lacks them (6.x; protocol on 7.0-7.8 per assumption).
    values = {"name": None, "mac-address": None, "max-mtu": "1500", "connect-to": None, "port": "1194", "mode": "ip",
              "protocol": "tcp"}
    values.update({"user": None, "password": "", "profile": "default-encryption", "certificate": "none",
                   "verify-server-certificate": "false", "tls-version": "any"})
    values.update({"cipher": "blowfish128", "auth": "sha1", "use-peer-dns": "yes", "route-nopull": "false",
                   "add-default-route": "false", "comment": None, "running": "false",
                   # PPP-style client interfaces are created disabled unless told otherwise.
                   "disabled": "true"})
    return values


def _bridge(release):
    return {"name": None, "mtu": "auto", "actual-mtu": "1500", "l2mtu": "65535", "arp": "enabled",
            "arp-timeout": "auto", "mac-address": None, "protocol-mode": "rstp", "fast-forward": "true",
            "igmp-snooping": "false", "auto-mac": "true", "ageing-time": "5m", "priority": "0x8000",
            "max-message-age": "20s", "forward-delay": "15s", "transmit-hold-count": "6",
            "vlan-filtering": "false", "dhcp-snooping": "false", "comment": None, "running": "true",
            "disabled": "false"}


def _ip_address(release):
    return {"address": None, "network": None, "interface": None, "actual-interface": None, "comment": None,
            "invalid": "false", "dynamic": "false", "disabled": "false"}


def _ipv6_address(release):
    return {"address": None, "from-pool": None, "interface": None, "actual-interface": None, "eui-64": "false",
            "advertise": "true", "no-dad": "false", "comment": None, "invalid": "false", "dynamic": "false",
            "link-local": "false", "deprecated": "false", "disabled": "false"}


def _route(family):
    def defaults(release):
        values = {"dst-address": "0.0.0.0/0" if family == 4 else "::/0", "gateway": None, "blackhole": None,
                  "distance": "1", "scope": "30", "target-scope": "10"}
        if _v7(release):
            values["routing-table"] = "main"
            values["suppress-hw-offload"] = "false"
        else:
            values["routing-mark"] = None
        values.update({"pref-src": None, "check-gateway": None, "comment": None, "dynamic": "false",
                       "active": "true", "static": "true", "inactive": "false", "disabled": "false"})
        return values
    return defaults


def _routing_table(release):
    return {"name": None, "fib": None, "comment": None, "dynamic": "false", "invalid": "false",
            "disabled": "false"}


def _firewall(default_action, passthrough):
    def defaults(release):
        values = {"chain": None, "action": default_action}
        if passthrough:
            values["passthrough"] = "true"
        values.update({"log": "false", "log-prefix": "", "comment": None, "bytes": "0", "packets": "0",
                       "invalid": "false", "dynamic": "false", "disabled": "false"})
        return values
    return defaults


def _interface_list(release):
    return {"name": None, "include": "", "exclude": "", "builtin": "false", "dynamic": "false", "comment": None}


def _list_member(release):
    return {"list": None, "interface": None, "comment": None, "dynamic": "false", "disabled": "false"}


def _address_list(release):
    # creation-time is not modelled; timeout shown only when set.
    return {"list": None, "address": None, "timeout": None, "comment": None, "dynamic": "false",
            "disabled": "false"}


def _dhcp_client(release):
    # help.mikrotik.com/docs/display/ROS/DHCP (client properties): add-default-route yes,
    # default-route-distance 1, use-peer-dns yes, use-peer-ntp yes, dhcp-options hostname,clientid.
    # No server answers in the emulator: status "searching..." (the manual's status while no lease).
    return {"interface": None, "add-default-route": "yes", "default-route-distance": "1", "use-peer-dns": "yes",
            "use-peer-ntp": "yes", "dhcp-options": "hostname,clientid", "status": "searching...", "comment": None,
            "invalid": "false", "dynamic": "false", "disabled": "false"}


def _dns(release):
    # help.mikrotik.com/docs/display/ROS/DNS (properties and their defaults).
    return {"servers": "", "dynamic-servers": "", "use-doh-server": "", "verify-doh-cert": "false",
            "allow-remote-requests": "false", "max-udp-packet-size": "4096", "query-server-timeout": "2s",
            "query-total-timeout": "10s", "max-concurrent-queries": "100", "max-concurrent-tcp-sessions": "20",
            "cache-size": "2048KiB", "cache-max-ttl": "1w", "cache-used": "0"}


def _bridge_port(release):
    # help.mikrotik.com/docs/display/ROS/Bridging+and+Switching (port properties and defaults).
    return {"interface": None, "bridge": None, "horizon": "none", "learn": "auto", "edge": "auto",
            "point-to-point": "auto", "path-cost": "10", "internal-path-cost": "10", "priority": "0x80",
            "pvid": "1", "frame-types": "admit-all", "ingress-filtering": "true" if _v7(release) else "false",
            "trusted": "false", "hw": "true", "comment": None, "inactive": "false", "dynamic": "false",
            "disabled": "false"}


def _file(release):
    return {"name": None, "type": "file", "size": "0", "creation-time": None, "contents": None}


def _certificate(release):
    return {"name": None, "common-name": None, "subject-alt-name": None, "key-type": None, "key-size": None,
            "digest-algorithm": None, "key-usage": None, "serial-number": None, "fingerprint": None,
            "issuer": None, "invalid-before": None, "invalid-after": None, "days-valid": None,
            "private-key": "false", "ca": "false", "authority": "false", "trusted": "false",
            "expired": "false", "revoked": "false"}


def _package(release):
    return {"name": None, "version": None, "build-time": None, "scheduled": "", "disabled": "false"}


def _user(release):
    # help.mikrotik.com/docs/display/ROS/User (user properties); the password is never printed.
    return {"name": None, "group": None, "address": "", "last-logged-in": None, "comment": None, "disabled": "false"}


def _user_group(release):
    return {"name": None, "policy": None, "skin": "default", "comment": None}


def _service(release):
    return {"name": None, "port": None, "address": "", "certificate": None, "invalid": "false", "disabled": "false"}


def _identity(release):
    return {"name": "MikroTik"}


MENUS = {
    "/system/resource": MenuSpec("/system/resource", kind="single"),
    "/system/identity": MenuSpec("/system/identity", kind="single", defaults=_identity),
    # Computed from Router.packages (6.x: separate packages, 'ipv6' among them; 7.x: 'routeros').
    "/system/package": MenuSpec("/system/package", kind="packages", defaults=_package),
    "/interface": MenuSpec("/interface", kind="interfaces", id_domain="interface"),
    "/interface/ethernet": MenuSpec("/interface/ethernet", id_domain="interface", interface_type="ether"),
    "/interface/bridge": MenuSpec("/interface/bridge", id_domain="interface", defaults=_bridge, unique=("name",),
                                  unique_error="already_have_interface", auto_name="bridge", interface_type="bridge"),
    "/interface/6to4": MenuSpec("/interface/6to4", id_domain="interface", defaults=_sixtofour, unique=("name",),
                                unique_error="already_have_interface", auto_name="sit",
                                interface_type="6to4-tunnel", required=("remote-address",)),
    "/interface/ovpn-client": MenuSpec("/interface/ovpn-client", id_domain="interface", defaults=_ovpn_client,
                                       unique=("name",), unique_error="already_have_interface",
                                       auto_name="ovpn-out", interface_type="ovpn-out",
                                       required=("connect-to", "user")),
    "/ip/address": MenuSpec("/ip/address", defaults=_ip_address, required=("address", "interface"),
                            unique=("address", "interface"), unique_error="already_have_address"),
    "/ipv6/address": MenuSpec("/ipv6/address", defaults=_ipv6_address, required=("address", "interface"),
                              unique=("address", "interface"), unique_error="already_have_address"),
    "/ip/route": MenuSpec("/ip/route", defaults=_route(4)),
    "/ipv6/route": MenuSpec("/ipv6/route", defaults=_route(6)),
    "/routing/table": MenuSpec("/routing/table", defaults=_routing_table, required=("name",), unique=("name",),
                               feature="routing_table"),
    "/ip/firewall/mangle": MenuSpec("/ip/firewall/mangle", defaults=_firewall("accept", True), required=("chain",),
                                    ordered=True),
    "/ip/firewall/nat": MenuSpec("/ip/firewall/nat", defaults=_firewall("accept", False), required=("chain",),
                                 ordered=True),
    "/ip/firewall/filter": MenuSpec("/ip/firewall/filter", defaults=_firewall("accept", False), required=("chain",),
                                    ordered=True),
    "/ipv6/firewall/filter": MenuSpec("/ipv6/firewall/filter", defaults=_firewall("accept", False),
                                      required=("chain",), ordered=True),
    "/ipv6/firewall/mangle": MenuSpec("/ipv6/firewall/mangle", defaults=_firewall("accept", True),
                                      required=("chain",), ordered=True),
    "/interface/list": MenuSpec("/interface/list", defaults=_interface_list, required=("name",), unique=("name",)),
    "/interface/list/member": MenuSpec("/interface/list/member", defaults=_list_member,
                                       required=("list", "interface"), unique=("list", "interface")),
    "/ip/firewall/address-list": MenuSpec("/ip/firewall/address-list", defaults=_address_list,
                                          required=("list", "address"), unique=("list", "address")),
    "/ipv6/firewall/address-list": MenuSpec("/ipv6/firewall/address-list", defaults=_address_list,
                                            required=("list", "address"), unique=("list", "address")),
    "/ip/dhcp-client": MenuSpec("/ip/dhcp-client", defaults=_dhcp_client, required=("interface",),
                                unique=("interface",)),
    "/ip/dns": MenuSpec("/ip/dns", kind="single", defaults=_dns),
    "/interface/bridge/port": MenuSpec("/interface/bridge/port", defaults=_bridge_port,
                                       required=("bridge", "interface"), unique=("interface",),
                                       unique_error="already_bridge_port", ordered=True),
    "/user": MenuSpec("/user", defaults=_user, required=("name", "group"), unique=("name",)),
    "/user/group": MenuSpec("/user/group", defaults=_user_group, required=("name",), unique=("name",)),
    "/ip/service": MenuSpec("/ip/service", defaults=_service, kind="fixed"),
    "/file": MenuSpec("/file", defaults=_file, required=("name",), unique=("name",)),
    "/certificate": MenuSpec("/certificate", defaults=_certificate, unique=("name",),
                             unique_error="already_have_certificate"),
}

# The commands the API accepts in each kind of menu (besides what the schema lists).
TABLE_COMMANDS = {"print", "getall", "add", "set", "remove", "unset", "enable", "disable", "comment", "get",
                  "reset-counters", "reset-counters-all", "move"}
