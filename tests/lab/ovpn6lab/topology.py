# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's network inside the VM: namespaces for the internet, each router, its PC and a host behind the hub.

Runs inside the lab VM (stdlib only), from ovpn6-lab-topology.service: ``topology.py up|down FILE``.
FILE (JSON, written by tests/lab/lab_topology.yml from inventory/lab) describes the addresses;
tests/lab/README.md has the plan. ``up`` only creates what is missing, so it can run again safely.
The VM's own namespace is the hub; its uplink is a veth into ``internet``.

A router of kind ``chr`` (a real CHR, ovpn6lab/chr_router.py) is no namespace here: it is a QEMU process
of its own whose ether1 and ether2 are linked to two NICs of this VM. ``chr_commands`` moves the VM's
end of its WAN link onto the internet's bridge and the end of its LAN link into its PC's namespace,
finding each NIC by its MAC (the names eth1, eth2 follow PCI order, the MACs are the inventory's).
"""

import json
import subprocess
import sys


def sh(*argv, check=True):
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise SystemExit("%s: %s" % (" ".join(argv), result.stderr.strip()))
    return result


def namespaces():
    return {line.split()[0] for line in sh("ip", "netns", "list").stdout.splitlines() if line.strip()}


def has_link(netns, name):
    argv = ["ip"] + (["-n", netns] if netns else []) + ["link", "show", "dev", name]
    return sh(*argv, check=False).returncode == 0


def ns_sysctl(netns, *settings):
    for setting in settings:
        sh("ip", "netns", "exec", netns, "sysctl", "-q", "-w", setting)


def veth(a_ns, a_name, b_ns, b_name):
    """A veth pair a_name (in a_ns, None: the hub) <-> b_name (in b_ns), both up."""
    if has_link(a_ns, a_name):
        return
    argv = ["ip", "link", "add", a_name]
    if a_ns:
        argv += ["netns", a_ns]
    sh(*argv, "type", "veth", "peer", "name", b_name, "netns", b_ns)


def ip(netns, *argv, check=True):
    return sh("ip", *((["-n", netns] if netns else []) + list(argv)), check=check)


def address(netns, dev, cidr):
    ip(netns, "addr", "replace", cidr, "dev", dev, *(["nodad"] if ":" in cidr else []))


def pc_commands(pc):
    """The PC behind a router, once its eth0 is in its namespace: addresses, link up, default routes."""
    netns = pc["netns"]
    commands = [["ip", "-n", netns, "addr", "replace", cidr, "dev", "eth0"] + (["nodad"] if ":" in cidr else [])
                for cidr in pc["addresses"]]
    return commands + [["ip", "-n", netns, "link", "set", "eth0", "up"],
                       ["ip", "-n", netns, "route", "replace", "default", "via", pc["gateway4"]],
                       ["ip", "-n", netns, "-6", "route", "replace", "default", "via", pc["gateway6"]]]


def nics_by_mac():
    """MAC -> name of the NICs in the VM's own namespace (the ones not yet moved)."""
    found = {}
    for link in json.loads(sh("ip", "-j", "link", "show").stdout):
        if link.get("address"):
            found[link["address"].lower()] = link["ifname"]
    return found


def chr_commands(router, internet_netns, in_root):
    """Commands that wire a CHR's two links into the lab (in_root: nics_by_mac()).

    WAN: the VM's NIC goes into the internet namespace, named links.wan.vm_ifname, on the bridge
    ``wan`` where the emulated routers' ether1 peers are. LAN: the VM's NIC goes into the PC's
    namespace as its eth0. A NIC no longer in the VM's own namespace was moved by an earlier run.
    """
    commands = []
    for role, netns in (("wan", internet_netns), ("lan", router["pc"]["netns"])):
        link = router["links"][role]
        current = in_root.get(link["vm_mac"].lower())
        if current is not None:
            # moved first, renamed there: the PC's eth0 would clash with the VM's own eth0
            commands += [["ip", "link", "set", "dev", current, "down"],
                         ["ip", "link", "set", "dev", current, "netns", netns],
                         ["ip", "-n", netns, "link", "set", "dev", current, "name", link["vm_ifname"]]]
    wan = router["links"]["wan"]["vm_ifname"]
    commands.append(["ip", "-n", internet_netns, "link", "set", wan, "master", "wan", "up"])
    return commands + pc_commands(router["pc"])


def router_namespaces(plan):
    """Every namespace the plan names (a CHR has none of its own; its PC has one)."""
    return [plan["internet"]["netns"], plan["hubnet"]["netns"]] + \
        [r["netns"] for r in plan["routers"] if r.get("netns")] + [r["pc"]["netns"] for r in plan["routers"] if r.get("pc")]


def up(plan):
    have = namespaces()
    inet = plan["internet"]
    for netns in router_namespaces(plan):
        if netns not in have:
            sh("ip", "netns", "add", netns)
        ip(netns, "link", "set", "lo", "up")
    # internet: a bridge for the routers' WAN side, a veth to the hub's uplink
    ns_sysctl(inet["netns"], "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")
    if not has_link(inet["netns"], "wan"):
        ip(inet["netns"], "link", "add", "wan", "type", "bridge")
    address(inet["netns"], "wan", inet["router_side"])
    ip(inet["netns"], "link", "set", "wan", "up")
    hub = plan["hub"]
    veth(None, hub["uplink_interface"], inet["netns"], "hub")
    address(None, hub["uplink_interface"], hub["uplink"])
    ip(None, "link", "set", hub["uplink_interface"], "up")
    address(inet["netns"], "hub", inet["hub_side"])
    ip(inet["netns"], "link", "set", "hub", "up")
    # the hub reaches the routers' WAN segment through the internet; its default route stays QEMU's
    ip(None, "route", "replace", inet["router_segment"], "via", inet["hub_side"].split("/")[0])
    # behind the hub: an IPv4 and IPv6 host on the hub's LAN
    behind = plan["hubnet"]
    veth(None, hub["lan_interface"], behind["netns"], "eth0")
    for cidr in hub["lan"]:
        address(None, hub["lan_interface"], cidr)
    ip(None, "link", "set", hub["lan_interface"], "up")
    for cidr in behind["addresses"]:
        address(behind["netns"], "eth0", cidr)
    ip(behind["netns"], "link", "set", "eth0", "up")
    ip(behind["netns"], "route", "replace", "default", "via", behind["gateway4"])
    ip(behind["netns"], "-6", "route", "replace", "default", "via", behind["gateway6"])
    for index, router in enumerate(plan["routers"]):
        if router.get("kind") == "chr":
            for argv in chr_commands(router, inet["netns"], nics_by_mac()):
                sh(*argv)
            continue
        netns = router["netns"]
        # WAN: ether1 in the router, its peer on the internet's bridge
        peer = "wan%d" % index
        veth(netns, "ether1", inet["netns"], peer)
        ip(inet["netns"], "link", "set", peer, "master", "wan", "up")
        # LAN: ether2 on the router's bridge, the PC at the other end
        if not has_link(netns, "bridge"):
            ip(netns, "link", "add", "bridge", "type", "bridge")
        pc = router.get("pc")
        if pc:
            veth(netns, "ether2", pc["netns"], "eth0")
            for argv in pc_commands(pc):
                sh(*argv)
        elif not has_link(netns, "ether2"):
            ip(netns, "link", "add", "ether2", "type", "dummy")
        ip(netns, "link", "set", "ether2", "master", "bridge")
        for dev in ("ether1", "ether2", "bridge"):
            ip(netns, "link", "set", dev, "up")


def down(plan):
    have = namespaces()
    # a CHR's NICs go back to the VM's own namespace with their namespace (found by MAC again on up)
    for netns in router_namespaces(plan):
        if netns in have:
            sh("ip", "netns", "del", netns)
    for dev in (plan["hub"]["uplink_interface"], plan["hub"]["lan_interface"]):
        ip(None, "link", "del", dev, check=False)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("up", "down"):
        raise SystemExit("usage: topology.py up|down FILE")
    with open(argv[2]) as handle:
        plan = json.load(handle)
    (up if argv[1] == "up" else down)(plan)


if __name__ == "__main__":
    main(sys.argv)
