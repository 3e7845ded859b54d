# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hub benchmark: the hub's part of site.yml (the openvpn_server role and the hub end of sit_tunnel) on
the lab VM, for a growing number of sites.

For each N (ascending, on one VM): converge the hub for N routers, then run again (the no-op whose
cost a user with a big fleet sees on every --check), and print the wall time and the tasks the hub
ran (ok or changed, per the JSON callback; skipped ones not counted). Last, the no-op's time per
added site between each pair of N. The routers are inventory only: nothing here talks to a router.
The PKI of the routers is made on the controller by community.crypto, as in a real run. Figures
only; no timed assertions. Under TCG a module run on the hub costs seconds, so the figures are an
upper bound of what a real hub costs.

    .venv/bin/python tests/bench/bench_hub.py [--sites 10,100,500] [--suite bookworm]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(CHECKOUT / "tests" / "lab"), str(CHECKOUT / "tests" / "bench")]

from bench_router_side import VPN_NETWORK, run  # noqa: E402
from labvm.image import ImageSpec, build_image  # noqa: E402
from labvm.vm import LabVM  # noqa: E402

HUB_PLAY = [
    {"name": "Hub", "hosts": "ovpn6_hubs", "roles": [{"role": "tunnelworks.ovpn6.openvpn_server"}]},
    {"name": "6in4 tunnels, hub end", "hosts": "ovpn6_hubs", "gather_facts": False,
     "roles": [{"role": "tunnelworks.ovpn6.sit_tunnel"}]},
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sites", default="10,100,500",
                        type=lambda text: sorted(int(part) for part in text.split(",") if part.strip()),
                        help="site counts, comma-separated (default 10,100,500)")
    parser.add_argument("--suite", default=os.environ.get("OVPN6_LAB_SUITE", "bookworm"),
                        help="the hub's Debian release (default bookworm)")
    return parser.parse_args(argv)


def routers(count):
    """N routers as inventory only: a site id and an IPv4 LAN each."""
    return dict(("rtr-%d" % number, {"ansible_connection": "local", "ovpn6_site_id": number,
                                     "ovpn6_lan_ipv4_prefix": "10.%d.%d.0/24" % divmod(number, 256)})
                for number in range(1, count + 1))


def main():
    args = parse_args()
    spec = ImageSpec(suite=args.suite)
    build_image(spec)
    vm = LabVM(name="bench-hub", spec=spec)
    vm.reset()
    boot = vm.start()
    print("# hub benchmark: %s, Debian %s on the lab VM (%s), %d CPUs, %s; boot %.0f s" % (
        (CHECKOUT / "galaxy.yml").read_text().split("version:", 1)[1].split()[0], args.suite,
        os.environ.get("OVPN6_LAB_ACCEL", "tcg"), os.cpu_count(), datetime.date.today().isoformat(), boot))
    print("%6s  %12s %6s  %12s %6s %8s" % ("sites", "converge s", "tasks", "no-op s", "tasks", "changed"))
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="ovpn6-bench-hub-") as scratch:
            for count in args.sites:
                workdir = Path(scratch) / str(count)
                workdir.mkdir()
                (workdir / "tmp").mkdir()
                inventory = vm.inventory(routers=routers(count), hub_vars={"ovpn6_hub_public_address": "203.0.113.10"},
                                         all_vars={"ovpn6_ipv6_allocation": "2001:db8:100::/48",
                                                   "ovpn6_vpn_ipv4_network": VPN_NETWORK,
                                                   "ovpn6_pki_dir": str(Path(scratch) / "pki")})
                converge = run(workdir, HUB_PLAY, inventory, {}, 5)
                noop = run(workdir, HUB_PLAY, inventory, {}, 5)
                rows.append((count, converge, noop))
                print("%6d  %12.1f %6d  %12.1f %6d %8d%s" % (
                    count, converge[0], converge[1], noop[0], noop[1], noop[2],
                    "  FAILED: %d tasks" % (converge[3] + noop[3]) if converge[3] or noop[3] else ""), flush=True)
    finally:
        vm.destroy()
    for (small, _small_converge, small_noop), (large, _large_converge, large_noop) in zip(rows, rows[1:]):
        print("no-op from %d to %d sites: %+.1f ms per added site, tasks %d -> %d" % (
            small, large, 1000.0 * (large_noop[0] - small_noop[0]) / (large - small), small_noop[1], large_noop[1]))


if __name__ == "__main__":
    main()
