# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Packet proofs for one lab site, run inside the lab VM (the hub) as root; prints one JSON object.

Each proof sends real traffic from the site's PC namespace and watches it where it must (and must
not) appear: hub-side interface counters, tcpdump captures on the hub's OpenVPN tun and uplink,
and the logs of the internet's web and DNS servers. tests/lab/lab_verify.yml asserts on the result.
"""

import argparse
import json
import socket
import subprocess
import time
import uuid


def run(*argv, check=True, timeout=60):
    return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=timeout)


def in_ns(netns, *argv, check=True, timeout=60):
    return run("ip", "netns", "exec", netns, *argv, check=check, timeout=timeout)


def counters(dev):
    data = json.loads(run("ip", "-s", "-j", "link", "show", "dev", dev).stdout)[0]["stats64"]
    return {"rx_packets": data["rx"]["packets"], "tx_packets": data["tx"]["packets"]}


class Capture:
    """tcpdump on a hub interface while a probe runs: how many packets matched the filter."""

    def __init__(self, dev, bpf):
        self.process = subprocess.Popen(["tcpdump", "-i", dev, "-n", "-l", "-q", bpf], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on" once its filter is installed
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if "listening on" in line or not line:
                break

    def stop(self):
        time.sleep(1)
        self.process.terminate()
        out, _err = self.process.communicate(timeout=20)
        return [line for line in out.splitlines() if line.strip()]


def hub_tun(address):
    for link in json.loads(run("ip", "-j", "-4", "addr", "show").stdout):
        if any(a.get("local") == address for a in link.get("addr_info", [])):
            return link["ifname"]
    raise SystemExit("no interface of the hub holds %s: is the OpenVPN server up?" % address)


def ping(netns, address, family, count):
    result = in_ns(netns, "ping", "-%d" % family, "-c", str(count), "-W", "3", "-i", "0.3", address, check=False)
    received = 0
    for line in result.stdout.splitlines():
        if "received" in line:
            received = int(line.split(",")[1].split()[0])
    return {"sent": count, "received": received}


def log_lines_since(path, offset):
    with open(path, errors="replace") as handle:
        handle.seek(offset)
        return handle.read().splitlines()


def log_size(path):
    try:
        with open(path, "rb") as handle:
            return handle.seek(0, 2)
    except OSError:
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pc-netns", required=True)
    parser.add_argument("--hub-vpn-address", required=True, help="finds the hub's OpenVPN tun that holds it")
    parser.add_argument("--sit", required=True)
    parser.add_argument("--uplink", required=True)
    parser.add_argument("--router-vpn-address", required=True)
    parser.add_argument("--pc-address", required=True)
    parser.add_argument("--behind-hub-ipv6", required=True)
    parser.add_argument("--behind-hub-ipv4", required=True)
    parser.add_argument("--web", required=True, help="address of the internet's web and DNS server")
    parser.add_argument("--hub-public", required=True)
    parser.add_argument("--web-log", default="/var/log/ovpn6-lab/web.log")
    parser.add_argument("--dns-log", default="/var/log/ovpn6-lab/dns.log")
    args = parser.parse_args()
    result = {"hub_tun": hub_tun(args.hub_vpn_address)}
    args.hub_tun = result["hub_tun"]

    # IPv6 from the PC to the host behind the hub: 6in4 (IP protocol 41) from the router's VPN
    # address must appear decrypted on the hub's OpenVPN tun, and the SIT counters must move.
    before = {"sit": counters(args.sit), "tun": counters(args.hub_tun)}
    capture = Capture(args.hub_tun, "ip proto 41 and src host %s" % args.router_vpn_address)
    result["ipv6_ping"] = ping(args.pc_netns, args.behind_hub_ipv6, 6, 5)
    result["ipv6_6in4_on_tun"] = len(capture.stop())
    after = {"sit": counters(args.sit), "tun": counters(args.hub_tun)}
    result["ipv6_counters"] = {"before": before, "after": after}

    # IPv4 from the PC to the host behind the hub: through the VPN, with the PC's own address.
    capture = Capture(args.hub_tun, "icmp and src host %s" % args.pc_address)
    result["ipv4_ping"] = ping(args.pc_netns, args.behind_hub_ipv4, 4, 3)
    result["ipv4_on_tun"] = len(capture.stop())

    # HTTP to the internet's web server: straight out of the WAN, masqueraded.
    tun_capture = Capture(args.hub_tun, "tcp port 80")
    offset = log_size(args.web_log)
    marker = uuid.uuid4().hex
    fetch = in_ns(args.pc_netns, "python3", "-c",
                  "import urllib.request;print(urllib.request.urlopen('http://%s/?%s', timeout=10).status)"
                  % (args.web, marker), check=False)
    time.sleep(0.5)
    lines = [line for line in log_lines_since(args.web_log, offset) if marker in line]
    result["http"] = {"status": fetch.stdout.strip() or fetch.stderr.strip()[-200:],
                      "server_saw": [line.split()[0] for line in lines], "on_tun": len(tun_capture.stop())}

    # DNS to the internet's DNS server: straight out of the WAN, masqueraded.
    tun_capture = Capture(args.hub_tun, "udp port 53")
    offset = log_size(args.dns_log)
    name = "probe-%s.lab.test" % uuid.uuid4().hex[:12]
    answer = in_ns(args.pc_netns, "getent", "ahostsv4", name, check=False)
    time.sleep(0.5)
    lines = [line for line in log_lines_since(args.dns_log, offset) if name in line and " from " in line]
    result["dns"] = {"answer": (answer.stdout.split() or [""])[0],
                     "server_saw": sorted({line.rsplit(" from ", 1)[1].split()[0] for line in lines}),
                     "on_tun": len(tun_capture.stop())}

    # SSH to the hub's public address: directly over the WAN, not through the VPN.
    uplink_capture = Capture(args.uplink, "tcp dst port 22 and tcp[tcpflags] & tcp-syn != 0")
    tun_capture = Capture(args.hub_tun, "tcp port 22")
    banner = in_ns(args.pc_netns, "python3", "-c",
                   "import socket;s=socket.create_connection(('%s',22),timeout=10);print(s.recv(64).decode().strip())"
                   % args.hub_public, check=False)
    syns = uplink_capture.stop()
    result["ssh"] = {"banner": banner.stdout.strip() or banner.stderr.strip()[-200:],
                     "uplink_sources": sorted({line.split()[2].rsplit(".", 1)[0] for line in syns if len(line.split()) > 2}),
                     "on_tun": len(tun_capture.stop())}
    print(json.dumps(result))


if __name__ == "__main__":
    socket.setdefaulttimeout(30)
    main()
