# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a router holds before anyone configured it: the emulator's factory states.

- ``"minimal"`` (the default, what the emulator always had): ether1, ether2, a bridge and
  192.168.88.1/24 on it, one masquerade rule, all with "defconf" comments. No RouterOS release
  ships exactly this: it is the emulator's own test baseline, kept so older tests stay valid.
- ``"defconf"``: the default configuration of a SOHO router with a LAN bridge, as MikroTik's
  default-configuration script leaves it, per release (sources cited row by row below).
- ``"blank"``: a CHR or a netinstalled router without default configuration: its interfaces
  only (ether1, ether2; lo on 7.x), no bridge, no address, no firewall, no user lists.

Every state also has what RouterOS always has: the builtin interface lists (see BUILTIN_LISTS)
and, on 7.x, the dynamic routing table ``main``.

Values are written as the API prints them (booleans true/false), since the emulator stores
rows in print form.
"""

from __future__ import annotations

from . import evidence

FACTORIES = ("minimal", "defconf", "blank")
DEFAULT_FACTORY = "minimal"

# Sources of the defconf rows (evidence.SOURCES style: key -> where it was read).
SOURCES = {
    "export-7.20.5-defconf": "public export '2025-12-11 17:53:00 by RouterOS 7.20.5' of a hAP ax2 "
                             "(C52iG-5HaxD2HaxD) still carrying its defconf entries (GitHub code search, "
                             "corpus id 9561658782): bridge, lists WAN/LAN, bridge ports, list members, "
                             "192.168.88.1/24, dhcp-client, dns, IPv4 filter with fasttrack hw-offload=yes, "
                             "masquerade, IPv6 bad_ipv6 address list, IPv6 filter with 'defconf: fasttrack6'",
    "export-7.x-undated": "public export without a version line (corpus id 2431938873), same defconf IPv4 "
                          "filter with hw-offload=yes, IPv6 filter without fasttrack6 and with "
                          "'accept UDP traceroute' as port=33434-33534 (an older 7.x shape)",
    "pastebin-RE5PPm6u": "pastebin.com/RE5PPm6u (wAP LTE kit, Oct 2019, RouterOS 6.x): /ip firewall filter print "
                         "with '0 D ;;; special dummy rule to show fasttrack counters chain=forward "
                         "action=passthrough' above the defconf rules, including 'defconf: accept to local "
                         "loopback (for CAPsMAN)' dst-address=127.0.0.1; nat 'defconf: masquerade' "
                         "out-interface-list=WAN ipsec-policy=out,none",
    "pastebin-BKWV20TQ": "pastebin.com/BKWV20TQ (Mar 2021, 6.x defconf script excerpt): the IPv4 filter rules "
                         "with their 'defconf: ...' comments, loopback rule included, forward comment "
                         "'defconf: accept established,related, untracked' (with the space)",
    "pastebin-CeEdxvbW": "pastebin.com/CeEdxvbW (export 'by RouterOS 6.42.5', wAP 2nD defconf): lists WAN/LAN "
                         "comment=defconf, dhcp-client comment=defconf dhcp-options=hostname,clientid, dns "
                         "allow-remote-requests=yes",
    "export-6.49.2-lists": "github tim0n3/iptables mikrotik-.sh ('by RouterOS 6.49.2'): builtin interface lists "
                           "all/none/dynamic/static with comments 'contains all interfaces', 'contains no "
                           "interfaces', 'contains dynamic interfaces', 'contains static interfaces'",
    "blog-default-firewall-v6-v7": "k7m4-qx9v.pages.dev/blog/default-firewall-v6-v7: the same IPv4 defconf "
                                   "filter and masquerade for v6 and v7",
    "gist-ebababi-6.46.4": "gist ebababi/edad2fcc586961ae55b24686974176ad: IPv6 defconf firewall 'extracted from "
                           "RouterOS 6.46.4 with /system default-configuration print' (not modelled, see "
                           "defconf_entries)",
    "pear2-issue-36": "github pear2/Net_RouterOS issue 36 (2018): disabling the dummy fasttrack counters rule "
                      "over the API answers '!trap message=failure: cannot change builtin'",
    "dumps": evidence.SOURCES["dumps"],
}

# The builtin interface lists (export-6.49.2-lists; 7.x keeps the same four, the dumps' /interface/list
# include/exclude completion lists exactly all, dynamic, none, static). Their ids are not shown by any
# source: *2000000.. picked so they never collide with user lists (*1, *2 ...).
BUILTIN_LISTS = (
    ("*2000000", "all", "contains all interfaces"),
    ("*2000001", "none", "contains no interfaces"),
    ("*2000002", "dynamic", "contains dynamic interfaces"),
    ("*2000003", "static", "contains static interfaces"),
)

# The dynamic rule RouterOS shows first in /ip firewall filter while FastTrack is configured
# (pastebin-RE5PPm6u; pear2-issue-36). Its id is not shown by any source: picked.
FASTTRACK_DUMMY_ID = "*FFFFFFFF"
FASTTRACK_DUMMY = {"chain": "forward", "action": "passthrough",
                   "comment": "special dummy rule to show fasttrack counters"}


def _common(router):
    """What every factory state starts with, in the order ids are handed out."""
    router._insert("/interface/ethernet", {"name": "ether1", "default-name": "ether1", "mtu": "1500",
                                           "mac-address": "0C:00:00:00:00:01"})
    router._insert("/interface/ethernet", {"name": "ether2", "default-name": "ether2", "mtu": "1500",
                                           "mac-address": "0C:00:00:00:00:02"})
    for ident, name, comment in BUILTIN_LISTS:
        router.tables["/interface/list"].append({".id": ident, "name": name, "comment": comment,
                                                 "builtin": "true", "_builtin": "true"})


# /user group: the three system groups (MikroTik manual "User", help.mikrotik.com/docs/display/ROS/User,
# "Default groups": read, write, full cannot be deleted; their policies as its print shows them). The
# policy words a release knows: 7.x from the dumps' /user/group add policy completion (7.22.3: api ftp
# local password policy read reboot rest-api romon sensitive sniff ssh telnet test web winbox write),
# 6.x from the v6 manual (wiki.mikrotik.com Manual:Router_AAA: ... sensitive api romon dude tikapp).
POLICY_ORDER_V7 = ("local", "telnet", "ssh", "ftp", "reboot", "read", "write", "policy", "test", "winbox",
                   "password", "web", "sniff", "sensitive", "api", "romon", "rest-api")
POLICY_ORDER_V6 = ("local", "telnet", "ssh", "ftp", "reboot", "read", "write", "policy", "test", "winbox",
                   "password", "web", "sniff", "sensitive", "api", "romon", "dude", "tikapp")
SYSTEM_GROUPS = (
    ("read", ("local", "telnet", "ssh", "reboot", "read", "test", "winbox", "password", "web", "sniff",
              "sensitive", "api", "romon", "rest-api", "tikapp")),
    ("write", ("local", "telnet", "ssh", "reboot", "read", "write", "test", "winbox", "password", "web", "sniff",
               "sensitive", "api", "romon", "rest-api", "tikapp")),
    ("full", ("local", "telnet", "ssh", "ftp", "reboot", "read", "write", "policy", "test", "winbox", "password",
              "web", "sniff", "sensitive", "api", "romon", "rest-api", "dude", "tikapp")),
)
# /ip service: the services and their default ports (MikroTik manual "Services",
# help.mikrotik.com/docs/display/ROS/Services: telnet 23, ftp 21, www 80, ssh 22, www-ssl 443 (disabled),
# api 8728, winbox 8291, api-ssl 8729); 7.22.3's /ip/service set numbers completion also lists reverse-proxy,
# not modelled.
SERVICES = (("telnet", "23", False), ("ftp", "21", False), ("www", "80", False), ("ssh", "22", False),
            ("www-ssl", "443", True), ("api", "8728", False), ("winbox", "8291", False), ("api-ssl", "8729", False))


def policy_words(release_is_7):
    return POLICY_ORDER_V7 if release_is_7 else POLICY_ORDER_V6


def format_policy(granted, release_is_7):
    """A policy as print shows it: granted words in the manual's order, then the others negated."""
    order = policy_words(release_is_7)
    return ",".join([word for word in order if word in granted] + ["!" + word for word in order if word not in granted])


def access_builtins(router):
    """Users, groups and services every factory state has (a netinstalled router too: admin, full)."""
    for name, granted in SYSTEM_GROUPS:
        router._insert("/user/group", {"name": name, "policy": format_policy(granted, router.ros7),
                                       "skin": "default", "_builtin": "true"})
    router._insert("/user", {"name": router.username, "group": "full", "address": "", "disabled": "false",
                             "comment": "system default user", "_builtin": "true", "_admin": "true"})
    for name, port, disabled in SERVICES:
        values = {"name": name, "port": port, "address": "", "disabled": "true" if disabled else "false",
                  "_builtin": "true"}
        if name in ("www-ssl", "api-ssl"):
            values["certificate"] = "none"
        router._insert("/ip/service", values)


def build(router, factory):
    """Fill ``router.tables``/``router.singles`` with factory state ``factory``."""
    if factory not in FACTORIES:
        raise ValueError("unknown factory state %r (known: %s)" % (factory, ", ".join(FACTORIES)))
    _common(router)
    access_builtins(router)
    if factory == "minimal":
        # The emulator's historic baseline (kept byte-for-byte: ids and order as before).
        router._insert("/interface/bridge", {"name": "bridge", "mac-address": "0C:00:00:00:00:02",
                                             "comment": "defconf"})
        _ros7_builtins(router)
        router._insert("/ip/address", {"address": "192.168.88.1/24", "interface": "bridge", "comment": "defconf"})
        router._insert("/ip/firewall/nat", {"chain": "srcnat", "action": "masquerade", "out-interface": "ether1",
                                            "comment": "defconf: masquerade"})
        return
    if factory == "blank":
        _ros7_builtins(router)
        return
    _ros7_builtins(router)
    for path, values in defconf_entries(router.release, router.assume):
        if path == "/ip/dns":
            router.singles.setdefault(path, {}).update(values)
        else:
            router._insert(path, values)


def _ros7_builtins(router):
    if router.ros7:
        router._insert("/interface/ethernet", {"name": "lo", "_type": "loopback", "mtu": "65536",
                                               "mac-address": "00:00:00:00:00:00", "_builtin": "true"})
        router._insert("/routing/table", {"name": "main", "fib": "", "dynamic": "true", "_builtin": "true"})


def defconf_entries(release, assume):
    """(menu, values) in the order the default-configuration script adds them.

    The two-port CHR-like model has one LAN port (ether2); a real SOHO router bridges every
    port but ether1 the same way (export-7.20.5-defconf: ether2..ether5 and the wifi ports).
    """
    version = evidence.parse_version(release)
    ros7 = version[0] >= 7
    entries = [
        # 7.x: admin-mac=<ether2's MAC> auto-mac=no (export-7.20.5-defconf); 6.x the same (pastebin exports
        # show the LAN bridge with comment=defconf; admin-mac not shown by the 6.x sources: picked alike).
        ("/interface/bridge", {"name": "bridge", "mac-address": "0C:00:00:00:00:02", "admin-mac": "0C:00:00:00:00:02",
                               "auto-mac": "false", "comment": "defconf"}),
        ("/interface/list", {"name": "WAN", "comment": "defconf"}),  # export-7.20.5-defconf, pastebin-CeEdxvbW
        ("/interface/list", {"name": "LAN", "comment": "defconf"}),
        ("/interface/bridge/port", {"bridge": "bridge", "interface": "ether2", "comment": "defconf"}),
        ("/interface/list/member", {"list": "LAN", "interface": "bridge", "comment": "defconf"}),
        ("/interface/list/member", {"list": "WAN", "interface": "ether1", "comment": "defconf"}),
        ("/ip/address", {"address": "192.168.88.1/24", "interface": "bridge", "comment": "defconf"}),
    ]
    dhcp = {"interface": "ether1", "comment": "defconf"}
    if not ros7:
        dhcp["dhcp-options"] = "hostname,clientid"  # pastebin-CeEdxvbW (6.42.5)
    entries.append(("/ip/dhcp-client", dhcp))
    entries.append(("/ip/dns", {"allow-remote-requests": "true"}))  # both export families
    # IPv4 filter: export-7.20.5-defconf (7.x), pastebin-BKWV20TQ / pastebin-RE5PPm6u (6.x),
    # blog-default-firewall-v6-v7 (both). The loopback rule is in the 6.x sources too.
    rule = "/ip/firewall/filter"
    entries += [
        (rule, {"chain": "input", "action": "accept", "connection-state": "established,related,untracked",
                "comment": "defconf: accept established,related,untracked"}),
        (rule, {"chain": "input", "action": "drop", "connection-state": "invalid",
                "comment": "defconf: drop invalid"}),
        (rule, {"chain": "input", "action": "accept", "protocol": "icmp", "comment": "defconf: accept ICMP"}),
        (rule, {"chain": "input", "action": "accept", "dst-address": "127.0.0.1",
                "comment": "defconf: accept to local loopback (for CAPsMAN)"}),
        (rule, {"chain": "input", "action": "drop", "in-interface-list": "!LAN",
                "comment": "defconf: drop all not coming from LAN"}),
        (rule, {"chain": "forward", "action": "accept", "ipsec-policy": "in,ipsec",
                "comment": "defconf: accept in ipsec policy"}),
        (rule, {"chain": "forward", "action": "accept", "ipsec-policy": "out,ipsec",
                "comment": "defconf: accept out ipsec policy"}),
    ]
    fasttrack = {"chain": "forward", "action": "fasttrack-connection", "connection-state": "established,related",
                 "comment": "defconf: fasttrack"}
    if ros7 and evidence.has(release, "filter_hw_offload"):
        # 7.x exports: hw-offload=yes; the argument is gone from the 7.21+ dumps, so not there.
        fasttrack["hw-offload"] = "true"
    entries += [
        (rule, fasttrack),
        (rule, {"chain": "forward", "action": "accept", "connection-state": "established,related,untracked",
                "comment": "defconf: accept established,related, untracked"}),
        (rule, {"chain": "forward", "action": "drop", "connection-state": "invalid",
                "comment": "defconf: drop invalid"}),
        (rule, {"chain": "forward", "action": "drop", "connection-state": "new", "connection-nat-state": "!dstnat",
                "in-interface-list": "WAN", "comment": "defconf: drop all from WAN not DSTNATed"}),
        ("/ip/firewall/nat", {"chain": "srcnat", "action": "masquerade", "ipsec-policy": "out,none",
                              "out-interface-list": "WAN", "comment": "defconf: masquerade"}),
    ]
    if not ros7:
        # 6.x defconf scripts add IPv6 rules only with the ipv6 package enabled (gist-ebababi-6.46.4
        # shows them for 6.46.4); a new 6.49 router ships with that package off (v6-manual-packages).
        # Evidence for the exact 6.49 IPv6 rule set was not found: not modelled.
        return entries
    for address, comment in (("::/128", "defconf: unspecified address"), ("::1/128", "defconf: lo"),
                             ("fec0::/10", "defconf: site-local"), ("::ffff:0.0.0.0/96", "defconf: ipv4-mapped"),
                             ("::/96", "defconf: ipv4 compat"), ("100::/64", "defconf: discard only "),
                             ("2001:db8::/32", "defconf: documentation"), ("2001:10::/28", "defconf: ORCHID"),
                             ("3ffe::/16", "defconf: 6bone")):
        entries.append(("/ipv6/firewall/address-list", {"list": "bad_ipv6", "address": address, "comment": comment}))
    rule6 = "/ipv6/firewall/filter"
    entries += [
        (rule6, {"chain": "input", "action": "accept", "connection-state": "established,related,untracked",
                 "comment": "defconf: accept established,related,untracked"}),
        (rule6, {"chain": "input", "action": "drop", "connection-state": "invalid",
                 "comment": "defconf: drop invalid"}),
        (rule6, {"chain": "input", "action": "accept", "protocol": "icmpv6", "comment": "defconf: accept ICMPv6"}),
        # export-7.20.5-defconf: dst-port=; export-7.x-undated: port= (older): dst-port picked for all 7.x.
        (rule6, {"chain": "input", "action": "accept", "protocol": "udp", "dst-port": "33434-33534",
                 "comment": "defconf: accept UDP traceroute"}),
        (rule6, {"chain": "input", "action": "accept", "protocol": "udp", "dst-port": "546",
                 "src-address": "fe80::/10", "comment": "defconf: accept DHCPv6-Client prefix delegation."}),
        (rule6, {"chain": "input", "action": "accept", "protocol": "udp", "dst-port": "500,4500",
                 "comment": "defconf: accept IKE"}),
        (rule6, {"chain": "input", "action": "accept", "protocol": "ipsec-ah", "comment": "defconf: accept ipsec AH"}),
        (rule6, {"chain": "input", "action": "accept", "protocol": "ipsec-esp",
                 "comment": "defconf: accept ipsec ESP"}),
        (rule6, {"chain": "input", "action": "accept", "ipsec-policy": "in,ipsec",
                 "comment": "defconf: accept all that matches ipsec policy"}),
        (rule6, {"chain": "input", "action": "drop", "in-interface-list": "!LAN",
                 "comment": "defconf: drop everything else not coming from LAN"}),
    ]
    if evidence.has(release, "defconf_fasttrack6", assume):
        entries.append((rule6, {"chain": "forward", "action": "fasttrack-connection",
                                "connection-state": "established,related", "comment": "defconf: fasttrack6"}))
    entries += [
        (rule6, {"chain": "forward", "action": "accept", "connection-state": "established,related,untracked",
                 "comment": "defconf: accept established,related,untracked"}),
        (rule6, {"chain": "forward", "action": "drop", "connection-state": "invalid",
                 "comment": "defconf: drop invalid"}),
        (rule6, {"chain": "forward", "action": "drop", "src-address-list": "bad_ipv6",
                 "comment": "defconf: drop packets with bad src ipv6"}),
        (rule6, {"chain": "forward", "action": "drop", "dst-address-list": "bad_ipv6",
                 "comment": "defconf: drop packets with bad dst ipv6"}),
        (rule6, {"chain": "forward", "action": "drop", "protocol": "icmpv6", "hop-limit": "equal:1",
                 "comment": "defconf: rfc4890 drop hop-limit=1"}),
        (rule6, {"chain": "forward", "action": "accept", "protocol": "icmpv6", "comment": "defconf: accept ICMPv6"}),
        (rule6, {"chain": "forward", "action": "accept", "protocol": "139", "comment": "defconf: accept HIP"}),
        (rule6, {"chain": "forward", "action": "accept", "protocol": "udp", "dst-port": "500,4500",
                 "comment": "defconf: accept IKE"}),
        (rule6, {"chain": "forward", "action": "accept", "protocol": "ipsec-ah",
                 "comment": "defconf: accept ipsec AH"}),
        (rule6, {"chain": "forward", "action": "accept", "protocol": "ipsec-esp",
                 "comment": "defconf: accept ipsec ESP"}),
        (rule6, {"chain": "forward", "action": "accept", "ipsec-policy": "in,ipsec",
                 "comment": "defconf: accept all that matches ipsec policy"}),
        (rule6, {"chain": "forward", "action": "drop", "in-interface-list": "!LAN",
                 "comment": "defconf: drop everything else not coming from LAN"}),
    ]
    return entries
