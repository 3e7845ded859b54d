# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The realiser's firewall: filter, mangle and NAT rows (as print shows them) -> nftables text.

The rows imitate a router as it ships (defconf-like IPv4 and IPv6 filter with FastTrack, the
masquerade out of the WAN list) plus a policy block that marks connections and routes by the mark.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid

import pytest
from routeros_emu.realiser import (CONN_MARK_MASK, FASTTRACK_BIT, connection_marks, interface_lists,
                                   nft_ruleset, routing_tables)

FT = "ct mark & 0x%08x == 0x%08x" % (FASTTRACK_BIT, FASTTRACK_BIT)

IFACES = {"ether1": ("ether1", "/interface/ethernet"), "ether2": ("ether2", "/interface/ethernet"),
          "bridge": ("bridge", "/interface/bridge"), "ovpn6": ("ovpn6", "/interface/ovpn-client"),
          "ovpn6-sit": ("ovpn6-sit", "/interface/6to4")}


def _ids(rows):
    return [dict(row, **{".id": "*%X" % number}) for number, row in enumerate(rows, start=1)]


def defconf_rows():
    """Filter, NAT and lists of a defconf-like 7.x router (the comments say what each one is)."""
    v4 = [
        {"chain": "input", "action": "accept", "connection-state": "established,related,untracked",
         "comment": "defconf: accept established,related,untracked"},
        {"chain": "input", "action": "drop", "connection-state": "invalid", "comment": "defconf: drop invalid"},
        {"chain": "input", "action": "accept", "protocol": "icmp", "comment": "defconf: accept ICMP"},
        {"chain": "input", "action": "accept", "dst-address": "127.0.0.1",
         "comment": "defconf: accept to local loopback (for CAPsMAN)"},
        {"chain": "input", "action": "drop", "in-interface-list": "!LAN",
         "comment": "defconf: drop all not coming from LAN"},
        {"chain": "forward", "action": "accept", "ipsec-policy": "in,ipsec",
         "comment": "defconf: accept in ipsec policy"},
        {"chain": "forward", "action": "accept", "ipsec-policy": "out,ipsec",
         "comment": "defconf: accept out ipsec policy"},
        {"chain": "forward", "action": "fasttrack-connection", "connection-state": "established,related",
         "hw-offload": "true", "comment": "defconf: fasttrack"},
        {"chain": "forward", "action": "accept", "connection-state": "established,related,untracked",
         "comment": "defconf: accept established,related, untracked"},
        {"chain": "forward", "action": "drop", "connection-state": "invalid", "comment": "defconf: drop invalid"},
        {"chain": "forward", "action": "drop", "connection-state": "new", "connection-nat-state": "!dstnat",
         "in-interface-list": "WAN", "comment": "defconf: drop all from WAN not DSTNATed"},
    ]
    v6 = [
        {"chain": "input", "action": "accept", "connection-state": "established,related,untracked",
         "comment": "defconf: accept established,related,untracked"},
        {"chain": "input", "action": "drop", "connection-state": "invalid", "comment": "defconf: drop invalid"},
        {"chain": "input", "action": "accept", "protocol": "icmpv6", "comment": "defconf: accept ICMPv6"},
        {"chain": "input", "action": "accept", "dst-port": "33434-33534", "protocol": "udp",
         "comment": "defconf: accept UDP traceroute"},
        {"chain": "input", "action": "accept", "dst-port": "546", "protocol": "udp", "src-address": "fe80::/10",
         "comment": "defconf: accept DHCPv6-Client prefix delegation."},
        {"chain": "input", "action": "drop", "in-interface-list": "!LAN",
         "comment": "defconf: drop everything else not coming from LAN"},
        {"chain": "forward", "action": "fasttrack-connection", "connection-state": "established,related",
         "comment": "defconf: fasttrack6"},
        {"chain": "forward", "action": "accept", "connection-state": "established,related,untracked",
         "comment": "defconf: accept established,related,untracked"},
        {"chain": "forward", "action": "drop", "connection-state": "invalid", "comment": "defconf: drop invalid"},
        {"chain": "forward", "action": "drop", "hop-limit": "equal:1", "protocol": "icmpv6",
         "comment": "defconf: rfc4890 drop hop-limit=1"},
        {"chain": "forward", "action": "drop", "src-address-list": "bad_ipv6",
         "comment": "defconf: drop packets with bad src ipv6"},
        {"chain": "forward", "action": "drop", "dst-address-list": "bad_ipv6",
         "comment": "defconf: drop packets with bad dst ipv6"},
        {"chain": "forward", "action": "accept", "ipsec-policy": "in,ipsec", "comment": "defconf: accept ipsec"},
        {"chain": "forward", "action": "drop", "in-interface-list": "!LAN",
         "comment": "defconf: drop everything else not coming from LAN"},
    ]
    return {
        "/interface/list": _ids([{"name": "WAN", "comment": "defconf"}, {"name": "LAN", "comment": "defconf"}]),
        "/interface/list/member": _ids([{"list": "LAN", "interface": "bridge", "comment": "defconf"},
                                        {"list": "WAN", "interface": "ether1", "comment": "defconf"}]),
        "/ipv6/firewall/address-list": _ids([{"list": "bad_ipv6", "address": "::/128"},
                                             {"list": "bad_ipv6", "address": "2001:db8::/32"},
                                             {"list": "bad_ipv6", "address": "::ffff:0.0.0.0/96",
                                              "disabled": "true"}]),
        "/ip/firewall/filter": _ids(v4),
        "/ipv6/firewall/filter": _ids(v6),
        "/ip/firewall/nat": _ids([{"chain": "srcnat", "action": "masquerade", "out-interface-list": "WAN",
                                   "ipsec-policy": "out,none", "comment": "defconf: masquerade"}]),
        "/routing/table": _ids([{"name": "main", "fib": ""}, {"name": "ovpn6", "fib": ""}]),
    }


def policy_mangle():
    """Mark connections from the LAN to the tunnel's far side, then route by the connection mark."""
    return _ids([
        {"chain": "prerouting", "action": "mark-connection", "new-connection-mark": "ovpn6-conn",
         "in-interface": "bridge", "connection-mark": "no-mark", "dst-address": "10.0.9.0/24",
         "passthrough": "true", "comment": "policy: mark"},
        {"chain": "prerouting", "action": "mark-routing", "new-routing-mark": "ovpn6",
         "connection-mark": "ovpn6-conn", "in-interface": "bridge", "passthrough": "false",
         "comment": "policy: route"},
        {"chain": "output", "action": "mark-routing", "new-routing-mark": "ovpn6", "connection-mark": "ovpn6-conn",
         "passthrough": "false"},
    ])


def _chain(text, family, name):
    """The rule lines of one chain of the rendered ruleset."""
    table = text.split("table %s routeros_emu {" % family, 1)[1]
    body = table.split("    chain %s {\n" % name, 1)[1].split("\n    }\n", 1)[0]
    return [line.strip() for line in body.splitlines()[1:] if line.strip()] \
        if "hook" in body.splitlines()[0] else [line.strip() for line in body.splitlines() if line.strip()]


def _render(rows):
    problems = []
    tables = routing_tables(rows, ros7=True)
    return nft_ruleset(rows, tables, IFACES, problems), problems, tables


def test_defconf_filter_with_fasttrack():
    rows = defconf_rows()
    rows["/ip/firewall/mangle"] = policy_mangle()
    text, problems, _tables = _render(rows)
    assert problems == []
    forward = _chain(text, "ip", "filter_forward")
    # FastTracked packets are accepted before any rule; the ipsec,ipsec rules never match in the lab
    assert forward[0] == FT + ' accept comment "fasttracked: filter skipped"'
    assert "ipsec" not in text
    assert forward[1] == ("ct state { established, related } counter meta l4proto { 6, 17 } ct mark set ct mark | "
                          '0x80000000 comment "defconf: fasttrack"')
    assert forward[2] == 'ct state { established, related } counter accept comment "defconf: fasttrack"'
    assert forward[3].startswith("ct state { established, related, untracked } counter accept")
    assert forward[4].startswith("ct state invalid counter drop")
    assert forward[5] == ('iifname "ether1" ct state new ct status & (dnat) == 0 counter drop '
                          'comment "defconf: drop all from WAN not DSTNATed"')
    assert len(forward) == 6
    input_chain = _chain(text, "ip", "filter_input")
    assert input_chain[0].startswith(FT)
    assert 'iifname != "bridge" counter drop comment "defconf: drop all not coming from LAN"' in input_chain
    assert "meta l4proto 1 counter accept" in input_chain[3]
    assert "ip daddr 127.0.0.1 counter accept" in input_chain[4]
    assert "type filter hook forward priority filter; policy accept;" in text


def test_defconf_ipv6_filter_and_address_lists():
    text, problems, _tables = _render(defconf_rows())
    assert problems == []
    forward = _chain(text, "ip6", "filter_forward")
    assert forward[0].startswith(FT)
    assert 'ip6 saddr { ::/128, 2001:db8::/32 } counter drop comment "defconf: drop packets with bad src ipv6"' \
        in forward
    assert "::ffff:0.0.0.0/96" not in text  # disabled entry
    assert 'meta l4proto 58 ip6 hoplimit == 1 counter drop comment "defconf: rfc4890 drop hop-limit=1"' in forward
    assert forward[-1] == ('iifname != "bridge" counter drop '
                           'comment "defconf: drop everything else not coming from LAN"')
    input_chain = _chain(text, "ip6", "filter_input")
    assert "meta l4proto 17 ip6 saddr fe80::/10 th dport 546 counter accept" in " ".join(input_chain)
    assert "meta l4proto 58 counter accept" in " ".join(input_chain)


def test_defconf_masquerade_out_of_the_wan_list():
    text, _problems, _tables = _render(defconf_rows())
    assert _chain(text, "ip", "srcnat") == ['oifname "ether1" counter masquerade comment "defconf: masquerade"']


def test_policy_block_marks_connections_and_routes_by_them():
    rows = defconf_rows()
    rows["/ip/firewall/mangle"] = policy_mangle()
    text, problems, tables = _render(rows)
    assert problems == []
    marks = connection_marks(rows)
    assert marks == {"no-mark": 0, "ovpn6-conn": 1}
    pre = _chain(text, "ip", "mangle_prerouting")
    # a FastTracked packet leaves mangle first, without any routing mark: the main table routes it
    assert pre[0] == FT + ' meta mark set 0 accept comment "fasttracked: mangle skipped"'
    assert pre[1] == ('iifname "bridge" ip daddr 10.0.9.0/24 ct mark & 0x%08x == 0 counter ct mark set ct mark & '
                      '0x80000000 | 1 comment "policy: mark"' % CONN_MARK_MASK)
    assert pre[2] == ('iifname "bridge" ct mark & 0x%08x == 1 counter meta mark set %d accept '
                      'comment "policy: route"' % (CONN_MARK_MASK, tables["ovpn6"]))
    output = _chain(text, "ip", "mangle_output")
    assert output[0].startswith(FT + " meta mark set 0 accept")
    assert output[1] == "ct mark & 0x%08x == 1 counter meta mark set %d accept" % (CONN_MARK_MASK, tables["ovpn6"])
    for chain in ("mangle_input", "mangle_forward", "mangle_postrouting"):
        assert _chain(text, "ip", chain)[0].startswith(FT)


def test_the_bypass_rule_before_fasttrack_keeps_marked_connections_off_it():
    rows = defconf_rows()
    rows["/ip/firewall/mangle"] = policy_mangle()
    filter_rows = list(rows["/ip/firewall/filter"])
    fasttrack = next(i for i, row in enumerate(filter_rows) if row["action"] == "fasttrack-connection")
    filter_rows.insert(fasttrack, {".id": "*99", "chain": "forward", "action": "accept",
                                   "connection-mark": "ovpn6-conn", "comment": "ovpn6: keep off fasttrack"})
    rows["/ip/firewall/filter"] = filter_rows
    text, problems, _tables = _render(rows)
    assert problems == []
    forward = _chain(text, "ip", "filter_forward")
    bypass = forward.index('ct mark & 0x%08x == 1 counter accept comment "ovpn6: keep off fasttrack"'
                           % CONN_MARK_MASK)
    assert bypass < next(i for i, rule in enumerate(forward) if "ct mark set ct mark | 0x80000000" in rule)


def test_user_chains_jump_return_reject_log_and_disabled():
    rows = {"/interface/list": _ids([{"name": "LAN"}, {"name": "EMPTY"}, {"name": "MORE", "include": "LAN",
                                                                          "exclude": "EMPTY"}]),
            "/interface/list/member": _ids([{"list": "LAN", "interface": "bridge"},
                                            {"list": "LAN", "interface": "ether2"},
                                            {"list": "LAN", "interface": "ether3", "disabled": "true"}]),
            "/ip/firewall/address-list": _ids([{"list": "mgmt", "address": "10.0.0.0/8"},
                                               {"list": "mgmt", "address": "192.168.1.1-192.168.1.9"},
                                               {"list": "named", "address": "example.org"}]),
            "/ip/firewall/filter": _ids([
                {"chain": "input", "action": "jump", "jump-target": "mgmt in", "protocol": "tcp",
                 "dst-port": "22,8728-8729"},
                {"chain": "mgmt in", "action": "log", "log-prefix": "mgmt"},
                {"chain": "mgmt in", "action": "return", "src-address-list": "!mgmt"},
                {"chain": "mgmt in", "action": "accept", "in-interface-list": "all"},
                {"chain": "input", "action": "reject", "reject-with": "icmp-admin-prohibited",
                 "in-interface-list": "!MORE"},
                {"chain": "input", "action": "drop", "in-interface-list": "EMPTY"},
                {"chain": "input", "action": "drop", "in-interface-list": "!all"},
                {"chain": "input", "action": "drop", "disabled": "true", "comment": "off"},
                {"chain": "input", "action": "drop", "dst-address-type": "!local", "out-interface": "!ether1"},
                {"chain": "output", "action": "passthrough", "connection-nat-state": "srcnat,dstnat"},
                {"chain": "forward", "action": "drop", "layer7-protocol": "x"},
            ])}
    lists = interface_lists(rows, IFACES)
    assert lists["LAN"] == {"bridge", "ether2"} and lists["MORE"] == {"bridge", "ether2"} and lists["all"] is None
    text, problems, _tables = _render(rows)
    assert any("example.org" in problem for problem in problems)
    assert any("layer7-protocol" in problem for problem in problems)
    user = _chain(text, "ip", "filter_u_mgmt_in_" + hashlib.sha256(b"mgmt in").hexdigest()[:6])
    assert user[0] == "counter"
    assert user[1] == "ip saddr != { 10.0.0.0/8, 192.168.1.1-192.168.1.9 } counter return"
    assert user[2] == "counter accept"
    input_chain = _chain(text, "ip", "filter_input")
    assert input_chain[1].startswith("meta l4proto 6 th dport { 22, 8728-8729 } counter jump filter_u_mgmt_in_")
    assert input_chain[2] == 'iifname != { "bridge", "ether2" } counter reject with icmp type admin-prohibited'
    assert input_chain[3] == 'oifname != "ether1" fib daddr type != local counter drop'
    assert len(input_chain) == 4  # EMPTY and !all never match; the disabled one is skipped
    assert _chain(text, "ip", "filter_output")[1] == "ct status & (snat | dnat) != 0 counter"
    # user chains are declared before the base chains that jump to them
    assert text.index("chain filter_u_mgmt_in_") < text.index("chain filter_input")


def test_ruleset_is_accepted_by_nft():
    """Check the rendered text with ``nft -c`` in a scratch namespace (skipped without nft or netns)."""
    nft = shutil.which("nft") or "/usr/sbin/nft"
    if not shutil.which("ip") or not os.path.exists(nft):
        pytest.skip("needs ip and nft")
    rows = defconf_rows()
    rows["/ip/firewall/mangle"] = policy_mangle()
    rows["/ip/firewall/filter"].append({".id": "*77", "chain": "input", "action": "jump", "jump-target": "x y"})
    rows["/ip/firewall/filter"].append({".id": "*78", "chain": "x y", "action": "reject", "protocol": "tcp",
                                        "reject-with": "tcp-reset"})
    text, problems, _tables = _render(rows)
    assert problems == []
    netns = "rlzchk-%s" % uuid.uuid4().hex[:8]
    made = subprocess.run(["ip", "netns", "add", netns], capture_output=True, check=False, text=True)
    if made.returncode != 0:
        pytest.skip("cannot create a network namespace here: %s" % made.stderr.strip())
    try:
        # applied twice: the "table; delete table; table {...}" preamble must replace, not add
        for _round in range(2):
            result = subprocess.run(["ip", "netns", "exec", netns, nft, "-f", "-"], input=text,
                                    capture_output=True, check=False, text=True)
            assert result.returncode == 0, result.stderr
        listing = subprocess.run(["ip", "netns", "exec", netns, nft, "list", "ruleset"], capture_output=True, check=False,
                                 text=True).stdout
        assert listing.count("chain filter_forward") == 2  # ip and ip6
        assert listing.count('"defconf: fasttrack"') == 2 and listing.count('"defconf: fasttrack6"') == 2
    finally:
        subprocess.run(["ip", "netns", "del", netns], capture_output=True, check=False)
