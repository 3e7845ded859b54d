# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FastTrack in the realised data plane, proven with packets between network namespaces on this host.

Topology (every address lives inside a namespace this test makes; nothing outside is touched)::

    lan (192.168.88.2) -- bridge [router] ether1 -- wan -- srv (10.0.9.1)
                                  [router] ovpn6 --- hub -- srv

``ovpn6`` is a veth standing in for the OpenVPN tunnel (the host kernel has no sit, and none is needed
here). The router namespace is realised by ``NetnsRealiser.apply`` from API rows: a defconf-like IPv4
firewall (FastTrack for established/related), the defconf masquerade out of the WAN list, and a
policy block that marks LAN connections to 10.0.9.0/24 and routes them by that mark into table ovpn6.

- Without a bypass, the connection is FastTracked once established: its later packets skip mangle,
  get no routing mark, follow the main table and leave by ether1 (the leak of issue 10).
- With ``accept connection-mark=ovpn6-conn`` before the fasttrack rule in forward, the connection is
  never FastTracked and every packet of the flow leaves by ovpn6.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid

import pytest
from routeros_emu.realiser import NetnsRealiser

NFT = shutil.which("nft") or "/usr/sbin/nft"
PAYLOAD = 2 * 1024 * 1024
PORT = 8080

SERVER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.9.1", %d))
s.listen(4)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    total = 0
    while True:
        data = c.recv(65536)
        if not data:
            break
        total += len(data)
    c.sendall(b"got %%d" %% total)
    c.close()
""" % PORT

CLIENT = r"""
import socket, sys
c = socket.create_connection(("10.0.9.1", %d), timeout=20)
chunk = b"x" * 16384
sent = 0
while sent < %d:
    c.sendall(chunk)
    sent += len(chunk)
c.shutdown(socket.SHUT_WR)
print(c.recv(100).decode(), flush=True)
""" % (PORT, PAYLOAD)


def _ip(*args, check=True):
    result = subprocess.run(["ip"] + list(args), capture_output=True, check=False, text=True)
    if check and result.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(args), result.stderr.strip()))
    return result


def _in(ns, *argv, stdin=None, check=True):
    result = subprocess.run(["ip", "netns", "exec", ns] + list(argv), input=stdin, capture_output=True, check=False, text=True)
    if check and result.returncode != 0:
        raise RuntimeError("%s: %s: %s" % (ns, " ".join(argv), result.stderr.strip()))
    return result


class FakeRouter:
    """The little of the emulator's Router that NetnsRealiser.apply reads: rows by menu path."""

    def __init__(self, release, rows):
        self.release = release
        self.lock = threading.RLock()
        self.menus = rows
        self.tables = {"/certificate": [], "/file": [], "/interface/ovpn-client": rows["/interface/ovpn-client"]}

    def rows(self, path):
        return [dict(row) for row in self.menus.get(path, [])]

    def menu_exists(self, path):
        return path in self.menus


def _ids(rows):
    return [dict(row, **{".id": "*%X" % number}) for number, row in enumerate(rows, start=1)]


def router_rows(bypass):
    forward = [
        {"chain": "forward", "action": "accept", "ipsec-policy": "in,ipsec", "comment": "defconf: accept in ipsec"},
        {"chain": "forward", "action": "accept", "ipsec-policy": "out,ipsec", "comment": "defconf: accept out ipsec"},
        {"chain": "forward", "action": "fasttrack-connection", "connection-state": "established,related",
         "hw-offload": "true", "comment": "defconf: fasttrack"},
        {"chain": "forward", "action": "accept", "connection-state": "established,related,untracked",
         "comment": "defconf: accept established,related, untracked"},
        {"chain": "forward", "action": "drop", "connection-state": "invalid", "comment": "defconf: drop invalid"},
        {"chain": "forward", "action": "drop", "connection-state": "new", "connection-nat-state": "!dstnat",
         "in-interface-list": "WAN", "comment": "defconf: drop all from WAN not DSTNATed"},
    ]
    if bypass:
        # the entry the collection owns: marked connections are accepted before FastTrack can take them
        forward.insert(2, {"chain": "forward", "action": "accept", "connection-mark": "ovpn6-conn",
                           "comment": "ovpn6: keep policy-routed connections off FastTrack"})
    filters = [
        {"chain": "input", "action": "accept", "connection-state": "established,related,untracked",
         "comment": "defconf: accept established,related,untracked"},
        {"chain": "input", "action": "drop", "connection-state": "invalid", "comment": "defconf: drop invalid"},
        {"chain": "input", "action": "accept", "protocol": "icmp", "comment": "defconf: accept ICMP"},
        {"chain": "input", "action": "drop", "in-interface-list": "!LAN",
         "comment": "defconf: drop all not coming from LAN"},
    ] + forward
    return {
        "/interface/ethernet": _ids([{"name": "ether1", "default-name": "ether1"}]),
        "/interface/bridge": [{".id": "*10", "name": "bridge", "comment": "defconf"}],
        # disabled: the realiser starts no openvpn; the veth "ovpn6" plays the tunnel
        "/interface/ovpn-client": [{".id": "*20", "name": "ovpn6", "disabled": "true"}],
        "/interface/6to4": [],
        "/interface/list": _ids([{"name": "WAN"}, {"name": "LAN"}]),
        "/interface/list/member": _ids([{"list": "LAN", "interface": "bridge"},
                                        {"list": "WAN", "interface": "ether1"}]),
        "/ip/address": _ids([{"address": "10.0.1.2/24", "interface": "ether1"},
                             {"address": "192.168.88.1/24", "interface": "bridge", "comment": "defconf"},
                             # the address the hub would push; static here, as the veth is no tun
                             {"address": "10.0.2.2/24", "interface": "ovpn6"}]),
        "/ipv6/address": [],
        "/ip/route": _ids([{"dst-address": "0.0.0.0/0", "gateway": "10.0.1.1"},
                           {"dst-address": "0.0.0.0/0", "gateway": "10.0.2.1", "routing-table": "ovpn6"}]),
        "/ipv6/route": [],
        "/routing/table": _ids([{"name": "main", "fib": "", "dynamic": "true"}, {"name": "ovpn6", "fib": ""}]),
        "/ip/firewall/mangle": _ids([
            {"chain": "prerouting", "action": "mark-connection", "new-connection-mark": "ovpn6-conn",
             "connection-mark": "no-mark", "in-interface": "bridge", "dst-address": "10.0.9.0/24",
             "passthrough": "true"},
            {"chain": "prerouting", "action": "mark-routing", "new-routing-mark": "ovpn6",
             "connection-mark": "ovpn6-conn", "in-interface": "bridge", "passthrough": "false"},
        ]),
        "/ip/firewall/nat": _ids([{"chain": "srcnat", "action": "masquerade", "out-interface-list": "WAN",
                                   "ipsec-policy": "out,none", "comment": "defconf: masquerade"}]),
        "/ip/firewall/filter": _ids(filters),
        "/ipv6/firewall/filter": [],
    }


@pytest.fixture
def lab(tmp_path):
    if os.geteuid() != 0 or not shutil.which("ip") or not os.path.exists(NFT):
        pytest.skip("needs root, iproute2 and nft (%s)" % NFT)
    prefix = "rz%s" % uuid.uuid4().hex[:6]
    names = {role: "%s-%s" % (prefix, role) for role in ("lan", "rtr", "wan", "hub", "srv")}
    probe = _ip("netns", "add", names["lan"], check=False)
    if probe.returncode != 0:
        pytest.skip("this host cannot create network namespaces (ip netns add: %s)" % probe.stderr.strip())
    made = [names["lan"]]
    processes = []
    try:
        for role in ("rtr", "wan", "hub", "srv"):
            _ip("netns", "add", names[role])
            made.append(names[role])
        for ns in made:
            _in(ns, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
            _ip("-n", ns, "link", "set", "lo", "up")
        lan, rtr, wan, hub, srv = (names[r] for r in ("lan", "rtr", "wan", "hub", "srv"))
        for left, left_ns, right, right_ns in (("bridge", rtr, "lan0", lan), ("ether1", rtr, "w-rtr", wan),
                                               ("ovpn6", rtr, "h-rtr", hub), ("w-srv", wan, "s-wan", srv),
                                               ("h-srv", hub, "s-hub", srv)):
            _ip("link", "add", left, "netns", left_ns, "type", "veth", "peer", "name", right, "netns", right_ns)
        for ns, dev, address in ((lan, "lan0", "192.168.88.2/24"), (rtr, "ovpn6", "10.0.2.2/24"),
                                 (wan, "w-rtr", "10.0.1.1/24"), (wan, "w-srv", "10.0.3.1/30"),
                                 (hub, "h-rtr", "10.0.2.1/24"), (hub, "h-srv", "10.0.4.1/30"),
                                 (srv, "s-wan", "10.0.3.2/30"), (srv, "s-hub", "10.0.4.2/30"),
                                 (srv, "lo", "10.0.9.1/32")):
            _ip("-n", ns, "addr", "add", address, "dev", dev)
            _ip("-n", ns, "link", "set", dev, "up")
        for ns in (wan, hub):
            _in(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        for ns, route in ((lan, "default via 192.168.88.1"), (wan, "10.0.9.0/24 via 10.0.3.2"),
                          (hub, "10.0.9.0/24 via 10.0.4.2"), (hub, "192.168.88.0/24 via 10.0.2.2"),
                          (srv, "10.0.1.0/24 via 10.0.3.1"), (srv, "192.168.88.0/24 via 10.0.4.1")):
            _ip("-n", ns, "route", "add", *route.split())
        # count the flow's packets where they leave the router (a table of the test's own)
        _in(rtr, NFT, "-f", "-", stdin="""table inet rlzprobe {
            chain post { type filter hook postrouting priority 300; policy accept;
                oifname "ether1" tcp dport %d counter comment "wan"
                oifname "ovpn6" tcp dport %d counter comment "tunnel"
            }
        }\n""" % (PORT, PORT))
        server = subprocess.Popen(["ip", "netns", "exec", srv, sys.executable, "-c", SERVER],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(server)
        assert server.stdout.readline().strip() == "ready", server.stderr.read()
        realiser = NetnsRealiser(rtr, str(tmp_path / "realised"), log=open(os.devnull, "w"))
        yield {"names": names, "realiser": realiser}
    finally:
        for process in processes:
            process.kill()
            with contextlib.suppress(Exception):
                process.wait(timeout=5)
        for ns in made:
            _ip("netns", "del", ns, check=False)


def _counters(rtr):
    data = json.loads(_in(rtr, NFT, "-j", "list", "table", "inet", "rlzprobe").stdout)
    counts = {}
    for item in data["nftables"]:
        rule = item.get("rule")
        if rule:
            counter = next(e["counter"] for e in rule["expr"] if "counter" in e)
            counts[rule["comment"]] = counter["packets"]
            counts[rule["comment"] + " bytes"] = counter["bytes"]
    return counts


def _flow(lab, bypass):
    """Realise the router for ``bypass`` and send one 2 MB upload from the LAN; packets per exit."""
    names, realiser = lab["names"], lab["realiser"]
    realiser.router = FakeRouter("7.16", router_rows(bypass))
    failures = realiser.apply()
    assert failures == [], failures
    assert realiser._last_problems == [], realiser._last_problems
    before = _counters(names["rtr"])  # (nft "reset counters" leaves a rule's own counter alone)
    result = _in(names["lan"], sys.executable, "-c", CLIENT, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "got %d" % PAYLOAD
    after = _counters(names["rtr"])
    return {key: after[key] - before[key] for key in after}


def test_fasttrack_leaks_a_policy_routed_flow_and_the_bypass_keeps_it_on_the_tunnel(lab):
    leaked = _flow(lab, bypass=False)
    # The first packets were routed by the connection's mark (tunnel); once FastTracked, the rest skip
    # mangle, carry no routing mark and follow the main table out of the WAN. (veth hands over GSO
    # super-packets, so the packet counts are small: the bytes say how much of the flow went where.)
    assert leaked["tunnel"] >= 1, leaked
    assert leaked["wan bytes"] > 0.9 * PAYLOAD, leaked
    assert leaked["tunnel bytes"] < 0.01 * PAYLOAD, leaked

    kept = _flow(lab, bypass=True)
    assert kept["wan"] == 0, kept
    assert kept["tunnel bytes"] > PAYLOAD, kept
