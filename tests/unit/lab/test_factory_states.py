# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's factory states (minimal, defconf, blank) and its firewall / list menus."""

from __future__ import annotations

import json

import pytest

from routeros_emu import factory as factories
from routeros_emu.facts import RouterError
from routeros_emu.router import Router

RELEASES = ("6.49.18", "7.16", "7.22.3")

IPV4_FILTER = [
    ("input", "accept", "defconf: accept established,related,untracked"),
    ("input", "drop", "defconf: drop invalid"),
    ("input", "accept", "defconf: accept ICMP"),
    ("input", "accept", "defconf: accept to local loopback (for CAPsMAN)"),
    ("input", "drop", "defconf: drop all not coming from LAN"),
    ("forward", "accept", "defconf: accept in ipsec policy"),
    ("forward", "accept", "defconf: accept out ipsec policy"),
    ("forward", "fasttrack-connection", "defconf: fasttrack"),
    ("forward", "accept", "defconf: accept established,related, untracked"),
    ("forward", "drop", "defconf: drop invalid"),
    ("forward", "drop", "defconf: drop all from WAN not DSTNATed"),
]
IPV6_FILTER_INPUT = [
    "defconf: accept established,related,untracked", "defconf: drop invalid", "defconf: accept ICMPv6",
    "defconf: accept UDP traceroute", "defconf: accept DHCPv6-Client prefix delegation.", "defconf: accept IKE",
    "defconf: accept ipsec AH", "defconf: accept ipsec ESP", "defconf: accept all that matches ipsec policy",
    "defconf: drop everything else not coming from LAN",
]
IPV6_FILTER_FORWARD = [
    "defconf: accept established,related,untracked", "defconf: drop invalid",
    "defconf: drop packets with bad src ipv6", "defconf: drop packets with bad dst ipv6",
    "defconf: rfc4890 drop hop-limit=1", "defconf: accept ICMPv6", "defconf: accept HIP", "defconf: accept IKE",
    "defconf: accept ipsec AH", "defconf: accept ipsec ESP", "defconf: accept all that matches ipsec policy",
    "defconf: drop everything else not coming from LAN",
]
BAD_IPV6 = ["::/128", "::1/128", "fec0::/10", "::ffff:0.0.0.0/96", "::/96", "100::/64", "2001:db8::/32",
            "2001:10::/28", "3ffe::/16"]


def trap(key_words, call, *args, **kwargs):
    with pytest.raises(RouterError) as info:
        call(*args, **kwargs)
    assert info.value.message == key_words
    return info.value


def add(router, path, **args):
    return router.execute(path, "add", args)[1]["ret"]


def static(rows):
    return [row for row in rows if row.get("dynamic") != "true"]


# ------------------------------------------------------------------ defconf contents per release
@pytest.mark.parametrize("release", RELEASES)
def test_defconf_ipv4_side(release):
    router = Router(release=release, factory="defconf")
    assert router.factory == "defconf"
    bridge = router.rows("/interface/bridge")
    assert [(b["name"], b["comment"]) for b in bridge] == [("bridge", "defconf")]
    assert [(p["bridge"], p["interface"], p["comment"]) for p in router.rows("/interface/bridge/port")] == \
        [("bridge", "ether2", "defconf")]
    lists = router.rows("/interface/list")
    assert [(row["name"], row["builtin"]) for row in lists] == [
        ("all", "true"), ("none", "true"), ("dynamic", "true"), ("static", "true"), ("WAN", "false"),
        ("LAN", "false")]
    assert [(m["list"], m["interface"], m["comment"]) for m in router.rows("/interface/list/member")] == \
        [("LAN", "bridge", "defconf"), ("WAN", "ether1", "defconf")]
    assert [(a["address"], a["interface"], a["comment"]) for a in router.rows("/ip/address")] == \
        [("192.168.88.1/24", "bridge", "defconf")]
    assert [(c["interface"], c["comment"], c["disabled"]) for c in router.rows("/ip/dhcp-client")] == \
        [("ether1", "defconf", "false")]
    assert router.rows("/ip/dns")[0]["allow-remote-requests"] == "true"
    rules = static(router.rows("/ip/firewall/filter"))
    assert [(r["chain"], r["action"], r["comment"]) for r in rules] == IPV4_FILTER
    assert rules[4]["in-interface-list"] == "!LAN"
    assert rules[3]["dst-address"] == "127.0.0.1"
    assert (rules[10]["connection-state"], rules[10]["connection-nat-state"], rules[10]["in-interface-list"]) == \
        ("new", "!dstnat", "WAN")
    assert [(r["ipsec-policy"]) for r in rules[5:7]] == ["in,ipsec", "out,ipsec"]
    fasttrack = rules[7]
    assert fasttrack["connection-state"] == "established,related"
    # hw-offload=yes on 7.x defconf while the release has the argument (gone from the 7.21+ dumps)
    assert fasttrack.get("hw-offload") == ("true" if release == "7.16" else None)
    nat = router.rows("/ip/firewall/nat")
    assert [(n["chain"], n["action"], n["out-interface-list"], n["ipsec-policy"], n["comment"]) for n in nat] == \
        [("srcnat", "masquerade", "WAN", "out,none", "defconf: masquerade")]
    assert "out-interface" not in nat[0]


@pytest.mark.parametrize("release", RELEASES)
def test_defconf_ipv6_side(release):
    router = Router(release=release, factory="defconf")
    addresses = router.rows("/ipv6/firewall/address-list")
    rules = router.rows("/ipv6/firewall/filter")
    if release.startswith("6."):
        assert addresses == [] and rules == []  # 6.49: not modelled (factory.defconf_entries)
        return
    assert [a["address"] for a in addresses] == BAD_IPV6
    assert {a["list"] for a in addresses} == {"bad_ipv6"}
    assert addresses[5]["comment"] == "defconf: discard only "  # trailing space, as the export has it
    assert [r["comment"] for r in rules if r["chain"] == "input"] == IPV6_FILTER_INPUT
    forward = [r["comment"] for r in rules if r["chain"] == "forward"]
    if release == "7.22.3":
        assert forward == ["defconf: fasttrack6"] + IPV6_FILTER_FORWARD
    else:
        assert forward == IPV6_FILTER_FORWARD  # 7.16: unknown, assume defconf_fasttrack6=False
    traceroute = rules[3]
    assert (traceroute["protocol"], traceroute["dst-port"]) == ("udp", "33434-33534")
    hip = [r for r in rules if r["comment"] == "defconf: accept HIP"][0]
    assert hip["protocol"] == "139"


def test_defconf_fasttrack6_assumption():
    router = Router(release="7.16", factory="defconf", assume={"defconf_fasttrack6": True})
    assert [r["comment"] for r in router.rows("/ipv6/firewall/filter") if r["chain"] == "forward"][0] == \
        "defconf: fasttrack6"


@pytest.mark.parametrize("release", RELEASES)
def test_blank_has_only_interfaces(release):
    router = Router(release=release, factory="blank")
    names = [row["name"] for row in router.rows("/interface")]
    assert names == (["ether1", "ether2", "lo"] if release != "6.49.18" else ["ether1", "ether2"])
    for path in ("/interface/bridge", "/ip/address", "/ip/firewall/filter", "/ip/firewall/nat",
                 "/ip/firewall/mangle", "/interface/list/member", "/ip/dhcp-client", "/interface/bridge/port",
                 "/ip/firewall/address-list", "/ipv6/firewall/filter", "/ipv6/firewall/address-list"):
        assert router.rows(path) == [], path
    assert [row["name"] for row in router.rows("/interface/list")] == ["all", "none", "dynamic", "static"]
    assert router.rows("/ip/dns")[0]["allow-remote-requests"] == "false"


@pytest.mark.parametrize("release", RELEASES)
def test_minimal_is_the_historic_baseline(release):
    router = Router(release=release)
    assert router.factory == "minimal"
    ros7 = release != "6.49.18"
    assert [(r[".id"], r["name"]) for r in router.rows("/interface")] == \
        [("*1", "ether1"), ("*2", "ether2"), ("*3", "bridge")] + ([("*4", "lo")] if ros7 else [])
    assert [(r[".id"], r["address"], r["interface"], r["comment"]) for r in router.rows("/ip/address")] == \
        [("*1", "192.168.88.1/24", "bridge", "defconf")]
    assert [(r[".id"], r["out-interface"], r["comment"]) for r in router.rows("/ip/firewall/nat")] == \
        [("*1", "ether1", "defconf: masquerade")]
    assert router.rows("/ip/firewall/filter") == []


# ------------------------------------------------------------------ persistence
@pytest.mark.parametrize("release", RELEASES)
def test_factory_persists_and_reset_restores_it(tmp_path, release):
    state = str(tmp_path / "state.json")
    router = Router(release=release, factory="defconf", state_file=state)
    before = json.dumps({p: router.rows(p) for p in ("/ip/firewall/filter", "/ip/firewall/nat", "/interface/list",
                                                     "/ipv6/firewall/filter", "/ip/dns")}, sort_keys=True)
    again = Router(release=release, state_file=state)  # no factory given: the saved one
    assert again.factory == "defconf"
    after = json.dumps({p: again.rows(p) for p in ("/ip/firewall/filter", "/ip/firewall/nat", "/interface/list",
                                                   "/ipv6/firewall/filter", "/ip/dns")}, sort_keys=True)
    assert before == after
    rule = static(again.rows("/ip/firewall/filter"))[0][".id"]
    again.execute("/ip/firewall/filter", "remove", {".id": rule})
    again.execute("/ip/dns", "set", {"allow-remote-requests": "no"})
    again.reset()
    assert again.factory == "defconf"
    assert json.dumps({p: again.rows(p) for p in ("/ip/firewall/filter", "/ip/firewall/nat", "/interface/list",
                                                  "/ipv6/firewall/filter", "/ip/dns")}, sort_keys=True) == before
    other = Router(release=release, factory="blank", state_file=state)  # another factory: another router
    assert other.rows("/ip/firewall/filter") == []


def test_unknown_factory_refused():
    with pytest.raises(ValueError):
        Router(release="7.16", factory="soho")


# ------------------------------------------------------------------ behaviour of the menus
@pytest.mark.parametrize("release", RELEASES)
def test_fasttrack_counters_rule_is_dynamic_and_unchangeable(release):
    router = Router(release=release, factory="defconf")
    rows = router.rows("/ip/firewall/filter")
    dummy = rows[0]
    assert (dummy["comment"], dummy["chain"], dummy["action"], dummy["dynamic"]) == \
        ("special dummy rule to show fasttrack counters", "forward", "passthrough", "true")
    ident = dummy[".id"]
    path = "/ip/firewall/filter"
    for command, args in (("set", {".id": ident, "comment": "x"}), ("disable", {".id": ident}),
                          ("enable", {".id": ident}), ("remove", {".id": ident}),
                          ("comment", {".id": ident, "comment": "x"}),
                          ("unset", {".id": ident, "value-name": "comment"}),
                          ("move", {".id": ident, "destination": rows[3][".id"]}),
                          ("disable", {".id": ",".join(r[".id"] for r in rows)})):
        trap("failure: cannot change builtin", router.execute, path, command, args)
    trap("failure: cannot change builtin", router.execute, path, "add",
         {"chain": "forward", "place-before": ident})
    trap("failure: cannot change builtin", router.execute, path, "move",
         {".id": rows[3][".id"], "destination": ident})
    assert router.execute(path, "get", {"number": ident, "value-name": "comment"})[1]["ret"] == dummy["comment"]
    assert router.rows(path) == rows
    # default entries are ordinary: the fasttrack rule can go, and with it the counters rule
    fasttrack = [r for r in rows if r["action"] == "fasttrack-connection"][0][".id"]
    router.execute(path, "disable", {".id": fasttrack})
    assert router.rows(path)[0]["dynamic"] == "false"
    router.execute(path, "enable", {".id": fasttrack})
    assert router.rows(path)[0][".id"] == ident
    router.execute(path, "remove", {".id": fasttrack})
    assert all(r["dynamic"] == "false" for r in router.rows(path))


def test_fasttrack_counters_rule_assumptions():
    blank = Router(release="7.16", factory="blank")
    add(blank, "/ip/firewall/filter", chain="forward", action="fasttrack-connection", disabled="yes")
    assert len(blank.rows("/ip/firewall/filter")) == 1
    any_rule = Router(release="7.16", factory="blank", assume={"fasttrack_counter_rule": "any"})
    add(any_rule, "/ip/firewall/filter", chain="forward", action="fasttrack-connection", disabled="yes")
    assert any_rule.rows("/ip/firewall/filter")[0]["dynamic"] == "true"
    never = Router(release="7.16", factory="defconf", assume={"fasttrack_counter_rule": "never"})
    assert all(r["dynamic"] == "false" for r in never.rows("/ip/firewall/filter"))


@pytest.mark.parametrize("release", RELEASES)
def test_defconf_entries_are_ordinary(release):
    router = Router(release=release, factory="defconf")
    path = "/ip/firewall/filter"
    drop = [r for r in router.rows(path) if r["comment"] == "defconf: drop all not coming from LAN"][0][".id"]
    router.execute(path, "set", {".id": drop, "comment": "mine"})
    router.execute(path, "remove", {".id": drop})
    member = router.rows("/interface/list/member")[0][".id"]
    router.execute("/interface/list/member", "remove", {".id": member})
    wan = [r for r in router.rows("/interface/list") if r["name"] == "WAN"][0][".id"]
    router.execute("/interface/list", "set", {".id": wan, "name": "UPLINK"})
    # RouterOS refers to objects: a renamed list shows its new name in every rule and member
    assert [r["in-interface-list"] for r in router.rows(path) if "in-interface-list" in r] == ["UPLINK"]
    assert router.rows("/ip/firewall/nat")[0]["out-interface-list"] == "UPLINK"
    builtin = router.rows("/interface/list")[0][".id"]
    trap("failure: can not remove builtin entry", router.execute, "/interface/list", "remove", {".id": builtin})
    trap("failure: cannot change builtin", router.execute, "/interface/list", "set",
         {".id": builtin, "comment": "x"})


@pytest.mark.parametrize("release", RELEASES)
def test_interface_list_references_checked(release):
    router = Router(release=release, factory="blank")
    for path in ("/ip/firewall/filter", "/ip/firewall/nat", "/ip/firewall/mangle"):
        chain = {"/ip/firewall/nat": "srcnat", "/ip/firewall/mangle": "prerouting"}.get(path, "input")
        trap("input does not match any value of in-interface-list", router.execute, path, "add",
             {"chain": chain, "in-interface-list": "WAN"})
        trap("input does not match any value of out-interface-list", router.execute, path, "add",
             {"chain": chain, "out-interface-list": "!LAN"})
    trap("input does not match any value of list", router.execute, "/interface/list/member", "add",
         {"list": "WAN", "interface": "ether1"})
    add(router, "/interface/list", name="WAN")
    trap("input does not match any value of interface", router.execute, "/interface/list/member", "add",
         {"list": "WAN", "interface": "ether9"})
    add(router, "/interface/list/member", list="WAN", interface="ether1")
    trap("failure: already have such entry", router.execute, "/interface/list/member", "add",
         {"list": "WAN", "interface": "ether1"})
    add(router, "/ip/firewall/filter", chain="input", action="drop", **{"in-interface-list": "!WAN"})
    add(router, "/ip/firewall/filter", chain="input", action="drop", **{"in-interface-list": "all"})
    # address lists: any name, existing or not
    add(router, "/ip/firewall/filter", chain="forward", action="drop", **{"src-address-list": "nobody_made_me"})
    add(router, "/ip/firewall/address-list", list="vpn", address="192.0.2.1")
    trap("input does not match any value of in-interface", router.execute, "/ip/firewall/filter", "add",
         {"chain": "input", "in-interface": "ether9"})


@pytest.mark.parametrize("release", RELEASES)
def test_filter_order_place_before_and_user_chains(release):
    router = Router(release=release, factory="defconf")
    path = "/ip/firewall/filter"
    first_static = static(router.rows(path))[0][".id"]
    mine = add(router, path, chain="input", action="accept", protocol="tcp",
               **{"dst-port": "8728", "place-before": first_static})
    jump = add(router, path, chain="forward", action="jump", **{"jump-target": "vpn-in"})
    add(router, path, chain="vpn-in", action="return")
    comments = [r.get("comment") for r in router.rows(path)]
    assert comments[:3] == ["special dummy rule to show fasttrack counters", None,
                            "defconf: accept established,related,untracked"]
    assert [r[".id"] for r in router.rows(path)][1] == mine
    router.execute(path, "move", {".id": jump, "destination": mine})
    assert [r[".id"] for r in router.rows(path)][1:3] == [jump, mine]
    trap("input does not match any value of action", router.execute, path, "add",
         {"chain": "input", "action": "masquerade"})


@pytest.mark.parametrize("release,arg,ok", [
    ("6.49.18", "hw-offload", False), ("7.16", "hw-offload", True), ("7.22.3", "hw-offload", False),
    ("7.16", "hop-limit", False), ("7.16", "layer7-protocol", True), ("7.16", "no-such-thing", False),
])
def test_filter_arguments_follow_the_dump(release, arg, ok):
    router = Router(release=release, factory="blank")
    value = {"hw-offload": "yes", "hop-limit": "equal:1", "layer7-protocol": "x", "no-such-thing": "1"}[arg]
    args = {"chain": "forward", "action": "fasttrack-connection", arg: value}
    if ok:
        add(router, "/ip/firewall/filter", **args)
    else:
        trap("unknown parameter", router.execute, "/ip/firewall/filter", "add", args)


@pytest.mark.parametrize("release", ("7.16", "7.22.3"))
def test_ipv6_filter_arguments_follow_the_dump(release):
    router = Router(release=release, factory="blank")
    trap("unknown parameter", router.execute, "/ipv6/firewall/filter", "add", {"chain": "input", "ttl": "equal:1"})
    trap("unknown parameter", router.execute, "/ipv6/firewall/filter", "add",
         {"chain": "input", "hw-offload": "yes"})
    add(router, "/ipv6/firewall/filter", chain="forward", action="drop", protocol="icmpv6",
        **{"hop-limit": "equal:1"})
    add(router, "/ipv6/firewall/mangle", chain="prerouting", action="mark-connection",
        **{"new-connection-mark": "vpn"})


def test_dns_and_dhcp_client():
    router = Router(release="7.16", factory="blank")
    router.execute("/ip/dns", "set", {"allow-remote-requests": "yes", "servers": "192.0.2.53"})
    assert router.rows("/ip/dns")[0]["allow-remote-requests"] == "true"
    trap("unknown parameter", router.execute, "/ip/dns", "set", {"bogus": "1"})
    add(router, "/ip/dhcp-client", interface="ether1")
    trap("failure: already have such entry", router.execute, "/ip/dhcp-client", "add", {"interface": "ether1"})
    trap("input does not match any value of interface", router.execute, "/ip/dhcp-client", "add",
         {"interface": "ether7"})
    add(router, "/interface/bridge", name="br-lan")
    add(router, "/interface/bridge/port", bridge="br-lan", interface="ether2")
    trap("failure: device already added as bridge port", router.execute, "/interface/bridge/port", "add",
         {"bridge": "br-lan", "interface": "ether2"})


def test_sources_cited():
    assert factories.DEFAULT_FACTORY == "minimal"
    for key in ("export-7.20.5-defconf", "pastebin-RE5PPm6u", "pear2-issue-36", "export-6.49.2-lists"):
        assert key in factories.SOURCES
