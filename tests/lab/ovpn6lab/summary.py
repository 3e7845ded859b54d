# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ten-second summary of a lab run, from the proofs.json that tests/lab/lab_verify.yml writes."""

from __future__ import annotations

import json


def summary(proofs_path, seconds=None, idempotent=None) -> str:
    data = json.loads(open(proofs_path).read())
    plan, lines = data["plan"], []
    took = " in %dm%02ds" % divmod(int(seconds), 60) if seconds is not None else ""
    lines.append("ovpn6 lab%s: hub + %d emulated RouterOS routers, real OpenVPN, SIT and netfilter" % (
        took, len(plan["sites"])))
    lines.append("Tunnels up:")
    for name, site in sorted(plan["sites"].items()):
        monitor = data["tunnels"].get(name) or {}
        lines.append("  %-6s RouterOS %-8s OpenVPN %s (%s), 6in4 %s <-> %s, LAN %s" % (
            name, data["releases"].get(name, "?"), monitor.get("status", "?"), monitor.get("local-address", "-"),
            site["router_transfer_address"], site["hub_transfer_address"], site["lan_prefix"]))
    for name, raw in sorted(data["proofs"].items()):
        proof = json.loads(raw)
        sit = plan["sites"][name]["sit_interface"]
        grown = proof["ipv6_counters"]["after"]["sit"]["rx_packets"] - proof["ipv6_counters"]["before"]["sit"]["rx_packets"]
        lines.append("Proven with packets from %s's LAN PC:" % name)
        lines.append("  IPv6 to the host behind the hub: %d/%d replies; %d 6in4 packets inside OpenVPN on the hub's %s,"
                     " SIT %s rx +%d" % (proof["ipv6_ping"]["received"], proof["ipv6_ping"]["sent"],
                                         proof["ipv6_6in4_on_tun"], proof["hub_tun"], sit, grown))
        lines.append("  IPv4 to the host behind the hub: %d/%d replies, %d packets through the VPN with the PC's own address"
                     % (proof["ipv4_ping"]["received"], proof["ipv4_ping"]["sent"], proof["ipv4_on_tun"]))
        lines.append("  HTTP, DNS and SSH to the hub go straight out of the WAN: servers saw %s, %d packets in the VPN" % (
            ", ".join(sorted(set(proof["http"]["server_saw"] + proof["dns"]["server_saw"] + proof["ssh"]["uplink_sources"]))),
            proof["http"]["on_tun"] + proof["dns"]["on_tun"] + proof["ssh"]["on_tun"]))
        vpn, direct = proof["long_flow_vpn"], proof["long_flow_direct"]
        lines.append("  A %d-byte download from the host behind the hub: %d payload bytes through the VPN, %d packets on"
                     " the WAN; from the internet: %d on the WAN, %d packets in the VPN" % (
                         vpn["bytes"], vpn["payload_on_tun"], vpn["on_wan"], direct["payload_on_wan"], direct["on_tun"]))
        lines.append("  The host behind the hub opened connections to the PC over IPv4 and IPv6 (%s, %s), seen as %s;"
                     " the router's API answers on its VPN address (%s)" % (
                         proof["inbound"]["ipv4"]["status"], proof["inbound"]["ipv6"]["status"],
                         ", ".join(proof["inbound"]["pc_saw"]), proof["api"]["on_vpn_address"]))
    if idempotent is not None:
        lines.append("Second site.yml run: %s" % ("no change on any host" if idempotent else "CHANGED something"))
    return "\n".join(lines)
