# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Packet proofs for one lab site, run inside the lab VM (the hub) as root; prints one JSON object.

Each proof sends real traffic from the site's PC namespace and watches it where it must (and must
not) appear: hub-side interface counters, tcpdump captures on the hub's OpenVPN tun and uplink,
and the logs of the internet's web and DNS servers. tests/lab/lab_verify.yml asserts on the result.
"""

import argparse
import json
import os
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
    """tcpdump on an interface (of the hub, or in a namespace) while a probe runs.

    Packets go to a pcap file, read back when the capture stops: writing raw packets keeps up with
    a bulk transfer where printing each one would drop some.
    """

    def __init__(self, dev, bpf, netns=None):
        self.path = "/tmp/ovpn6-probe-%s.pcap" % uuid.uuid4().hex
        argv = ["tcpdump", "-i", dev, "-n", "-s", "128", "-B", "16384", "-U", "-w", self.path, bpf]
        if netns:
            argv = ["ip", "netns", "exec", netns] + argv
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on" once its filter is installed
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if "listening on" in line or not line:
                break

    def stop(self):
        """The captured packets, one tcpdump line each."""
        time.sleep(1)
        self.process.terminate()
        _out, err = self.process.communicate(timeout=20)
        self.dropped = sum(int(line.split()[0]) for line in err.splitlines() if "dropped by kernel" in line)
        lines = run("tcpdump", "-r", self.path, "-n", "-q", check=False).stdout.splitlines()
        os.unlink(self.path)
        return [line for line in lines if line.strip()]


def payload_from(lines, source):
    """Bytes of TCP payload in captured lines ("IP a.b.c.d.port > ...: tcp N") sent by ``source``."""
    total = 0
    for line in lines:
        words = line.split()
        if len(words) > 4 and words[-2] == "tcp" and words[2].rsplit(".", 1)[0] == source:
            total += int(words[-1])
    return total


def unmapped(address):
    """A dual-stack server logs IPv4 clients as ::ffff:a.b.c.d."""
    return address[len("::ffff:"):] if address.startswith("::ffff:") else address


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


# The client reports its own port, so a capture can tell this download's packets from late ones of an
# earlier connection to the same server (a retransmitted FIN of a flow that a test broke on purpose).
FETCH = ("import http.client,sys,urllib.parse\n"
         "u=urllib.parse.urlsplit(sys.argv[1])\n"
         "c=http.client.HTTPConnection(u.hostname,u.port or 80,timeout=60)\n"
         "c.connect()\n"
         "port=c.sock.getsockname()[1]\n"
         "c.request('GET',u.path or '/')\n"
         "r=c.getresponse()\n"
         "print(r.status,len(r.read()),port)\n")


def download(netns, url):
    """Fetch ``url`` from inside ``netns``: the HTTP status, the bytes received and the client's TCP port."""
    fetched = in_ns(netns, "python3", "-c", FETCH, url, check=False, timeout=120)
    words = fetched.stdout.split()
    if len(words) != 3:
        return {"status": fetched.stderr.strip()[-200:], "bytes": 0, "client_port": None}
    return {"status": words[0], "bytes": int(words[1]), "client_port": int(words[2])}


def of_connection(lines, client_port):
    """The captured lines ("IP a.b.c.d.port > e.f.g.h.port: tcp N") to or from ``client_port``.

    NAT on the router keeps a connection's source port unless two connections would collide, which a
    fresh ephemeral port never does here.
    """
    end = ".%d" % client_port
    # words 2 and 4 are the source and the destination ("a.b.c.d.port:")
    return [line for line in lines if any(word.rstrip(":").endswith(end) for word in line.split()[2:5:2])]


def long_flow(args, server, port):
    """One long TCP flow from the PC: where its packets pass (hub tun, router WAN) and how much payload.

    Packets to the same server from other connections are counted apart (``other_on_*``), not as this flow's.
    """
    tun = Capture(args.hub_tun, "tcp and host %s and port %d" % (server, port))
    wan = Capture(args.wan_dev, "tcp and host %s and port %d" % (server, port), netns=args.router_netns)
    fetched = download(args.pc_netns, "http://%s:%d/%s" % (server, port, args.flow_file))
    tun_all, wan_all = tun.stop(), wan.stop()
    own = fetched["client_port"]
    tun_lines, wan_lines = (tun_all, wan_all) if own is None else (of_connection(tun_all, own), of_connection(wan_all, own))
    return dict(fetched, on_tun=len(tun_lines), on_wan=len(wan_lines),
                other_on_tun=len(tun_all) - len(tun_lines), other_on_wan=len(wan_all) - len(wan_lines),
                payload_on_tun=payload_from(tun_lines, server), payload_on_wan=payload_from(wan_lines, server),
                capture_drops=tun.dropped + wan.dropped)


def inbound(args):
    """Connections opened from the host behind the hub to a server on the PC, IPv4 and IPv6.

    The PC's server logs the address each request came from: it must be the host's own (no NAT).
    """
    server = subprocess.Popen(["ip", "netns", "exec", args.pc_netns, "python3", "-u", "-m", "http.server",
                               str(args.inbound_port), "--bind", "::", "--directory", "/var/lib/ovpn6-lab/www"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _attempt in range(50):
            listening = in_ns(args.pc_netns, "ss", "-ltnH", "sport = :%d" % args.inbound_port).stdout.strip()
            if listening:
                break
            time.sleep(0.2)
        result = {}
        for family, address in (("ipv4", args.pc_address), ("ipv6", "[%s]" % args.pc_address6)):
            fetched = download(args.behind_hub_netns, "http://%s:%d/" % (address, args.inbound_port))
            result[family] = {"status": fetched["status"]}
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=20)
    sources = [unmapped(line.split()[0]) for line in err.splitlines() if '"GET /' in line]
    result["pc_saw"] = sorted(set(sources))
    return result


def api_login(host, port, username, password, timeout=10):
    """Log in to a RouterOS API (the 6.43+ login): '!done' when it answers and admits us."""

    def word(text):
        data = text.encode()
        size = len(data)
        if size < 0x80:
            head = bytes([size])
        elif size < 0x4000:
            head = (size | 0x8000).to_bytes(2, "big")
        else:
            head = (size | 0xC00000).to_bytes(3, "big")
        return head + data

    def read_word(stream):
        first = stream.read(1)
        if not first:
            raise OSError("connection closed")
        size = first[0]
        if size & 0xC0 == 0x80:
            size = ((size & 0x3F) << 8) | stream.read(1)[0]
        elif size & 0xE0 == 0xC0:
            size = ((size & 0x1F) << 16) | int.from_bytes(stream.read(2), "big")
        return stream.read(size).decode(errors="replace")

    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sentence = word("/login") + word("=name=" + username) + word("=password=" + password) + b"\0"
            sock.sendall(sentence)
            stream = sock.makefile("rb")
            reply = read_word(stream)
            return reply
    except OSError as exc:
        return "%s: %s" % (type(exc).__name__, exc)


# Whether a TCP connection from another namespace is accepted (a drop times out).
API_CONNECT_FROM_NS = ("import socket\ntry:\n    socket.create_connection((%r, %d), timeout=5).close()\n    print('open')\n"
                       "except OSError as exc:\n    print(type(exc).__name__)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pc-netns")
    parser.add_argument("--hub-vpn-address", help="finds the hub's OpenVPN tun that holds it")
    parser.add_argument("--hub-tun", help="the hub's OpenVPN tun (instead of --hub-vpn-address)")
    parser.add_argument("--sit")
    parser.add_argument("--uplink")
    parser.add_argument("--router-vpn-address")
    parser.add_argument("--pc-address")
    parser.add_argument("--behind-hub-ipv6")
    parser.add_argument("--behind-hub-ipv4")
    parser.add_argument("--web", help="address of the internet's web and DNS server")
    parser.add_argument("--hub-public")
    parser.add_argument("--router-netns", help="where the router's WAN is captured")
    parser.add_argument("--wan-dev", default="ether1",
                        help="the router's WAN in --router-netns (a CHR's: its port on the internet's bridge)")
    parser.add_argument("--internet-netns", default="internet")
    parser.add_argument("--router-wan-address")
    parser.add_argument("--pc-address6")
    parser.add_argument("--behind-hub-netns")
    parser.add_argument("--inbound-port", type=int, default=8080)
    parser.add_argument("--behind-hub-web-port", type=int, default=8000,
                        help="the web server behind the hub (not 80: plain HTTP goes straight out by the seed's rules)")
    parser.add_argument("--flow-file", default="flow.bin", help="the file both web servers serve for long flows")
    parser.add_argument("--api-port", type=int, default=8728)
    parser.add_argument("--api-user", default="admin")
    parser.add_argument("--only", choices=["long_flow_vpn"], help="run this proof alone")
    parser.add_argument("--web-log", default="/var/log/ovpn6-lab/web-internet.log")
    parser.add_argument("--dns-log", default="/var/log/ovpn6-lab/dns.log")
    args = parser.parse_args()
    needed = ["pc_netns", "router_netns", "behind_hub_ipv4"]
    if not args.only:
        needed += ["hub_vpn_address", "sit", "uplink", "router_vpn_address", "pc_address", "behind_hub_ipv6", "web",
                   "hub_public", "router_wan_address", "pc_address6", "behind_hub_netns"]
    missing = ["--" + name.replace("_", "-") for name in needed if getattr(args, name) is None]
    if missing or not (args.hub_tun or args.hub_vpn_address):
        parser.error("missing: %s" % ", ".join(missing or ["--hub-tun or --hub-vpn-address"]))
    args.hub_tun = args.hub_tun or hub_tun(args.hub_vpn_address)
    result = {"hub_tun": args.hub_tun}
    flow_size = os.path.getsize("/var/lib/ovpn6-lab/www/" + args.flow_file)

    # A long TCP flow (an HTTP download) from the PC to the host behind the hub: every byte through the
    # hub's tun, not one packet on the router's WAN (a FastTracked connection would leave by the WAN).
    result["long_flow_vpn"] = dict(long_flow(args, args.behind_hub_ipv4, args.behind_hub_web_port), size=flow_size)
    if args.only:
        print(json.dumps(result))
        return
    # The same size from the internet's web server: the direct path, on the WAN only.
    result["long_flow_direct"] = dict(long_flow(args, args.web, 80), size=flow_size)
    result["inbound"] = inbound(args)

    # The router's API: answering on its VPN address from the hub, while its WAN address stays as its
    # own firewall has it (closed by a default configuration, open on a router without one).
    password = os.environ.get("OVPN6_PROBE_API_PASSWORD", "")
    result["api"] = {"on_vpn_address": api_login(args.router_vpn_address, args.api_port, args.api_user, password),
                     "on_wan_from_internet": in_ns(args.internet_netns, "python3", "-c", API_CONNECT_FROM_NS % (
                         args.router_wan_address, args.api_port), check=False).stdout.strip()}

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
                      "server_saw": [unmapped(line.split()[0]) for line in lines], "on_tun": len(tun_capture.stop())}

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
