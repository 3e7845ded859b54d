# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hub benchmark: the hub's part of site.yml (the openvpn_server role and the hub end of sit_tunnel) on
a Podman container (default) or the lab VM, for a growing number of sites.

For each N (ascending, on one hub): converge the hub for N routers, then run again (the no-op whose
cost a user with a big fleet sees on every --check), and print the wall time and the tasks the hub
ran (ok or changed, per the JSON callback; skipped ones not counted). Last, the no-op's time per
added site between each pair of N. The routers are inventory only: nothing here talks to a router.
The PKI of the routers is made on the controller by community.crypto, as in a real run. Figures
only; no timed assertions.

--on container (default): the hub is a container of the hub-containers scenario's image (tests/lab/labct,
built once and cached), run as that scenario runs it: systemd as PID 1, /dev/net/tun, NET_ADMIN, an
internal network of its own, its engine settings (CONTAINERS_CONF=molecule/hub-containers/containers.conf),
made ready by the scenario's hub_ready.yml, reached with containers.podman.podman. The container shares
the host's kernel: where the kernel has no sit, only openvpn_server is measured and the header says why.
The container and its network are removed at the end; the image stays, as a cache.

--on vm: the hub is the lab VM. Under TCG a module run on it costs seconds, so the figures are an upper
bound of what a real hub costs.

    .venv/bin/python tests/bench/bench_hub.py [--sites 10,100,500] [--suite bookworm] [--on container|vm]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

CHECKOUT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(CHECKOUT / "tests" / "lab"), str(CHECKOUT / "tests" / "bench")]

from bench_router_side import VPN_NETWORK, run  # noqa: E402
from labct.image import RELEASES, HubImage, podman  # noqa: E402
from labvm.image import ImageSpec, build_image, suite_from  # noqa: E402
from labvm.vm import LabVM  # noqa: E402
from ovpn6_testkit.inventory import ovpn6_inventory  # noqa: E402

SCENARIO = CHECKOUT / "molecule" / "hub-containers"
HUB_PLAY = [
    {"name": "Hub", "hosts": "ovpn6_hubs", "roles": [{"role": "tunnelworks.ovpn6.openvpn_server"}]},
    {"name": "6in4 tunnels, hub end", "hosts": "ovpn6_hubs", "gather_facts": False,
     "roles": [{"role": "tunnelworks.ovpn6.sit_tunnel"}]},
]
HUB_VARS = {"ovpn6_hub_public_address": "203.0.113.10"}
ALL_VARS = {"ovpn6_ipv6_allocation": "2001:db8:100::/48", "ovpn6_vpn_ipv4_network": VPN_NETWORK}


@dataclasses.dataclass(frozen=True)
class Hub:
    """Where the hub runs: the header's words for it and for its start, its inventory (routers, all-vars)
    and, where the kernel has no sit, why (None where it has)."""
    where: str
    startup: str
    inventory: Callable[[dict, dict], dict]
    no_sit: str | None = None


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sites", default="10,100,500",
                        type=lambda text: sorted(int(part) for part in text.split(",") if part.strip()),
                        help="site counts, comma-separated (default 10,100,500)")
    parser.add_argument("--suite", default=os.environ.get("OVPN6_LAB_SUITE", "bookworm"), type=suite_from,
                        help="the hub's Debian release: bookworm or trixie, 12 or 13 (default bookworm)")
    parser.add_argument("--on", default="container", choices=["container", "vm"],
                        help="where the hub runs: a Podman container (default) or the lab VM")
    return parser.parse_args(argv)


def routers(count):
    """N routers as inventory only: a site id and an IPv4 LAN each."""
    return dict(("rtr-%d" % number, {"ansible_connection": "local", "ovpn6_site_id": number,
                                     "ovpn6_lan_ipv4_prefix": "10.%d.%d.0/24" % divmod(number, 256)})
                for number in range(1, count + 1))


def hub_plays(sit):
    """The plays to measure: both where the kernel has sit, else openvpn_server's alone."""
    return HUB_PLAY if sit else HUB_PLAY[:1]


def container_release(suite):
    """The labct image release (debian12, debian13) of a Debian suite."""
    return {value: key for key, value in RELEASES.items()}[suite]


def run_command(name, network, image):
    """podman run for the hub, as the hub-containers scenario starts its hubs (the ulimits come from
    its containers.conf)."""
    return ["run", "--detach", "--name", name, "--hostname", name, "--network", network, "--systemd", "always",
            "--device", "/dev/net/tun", "--cap-add", "NET_ADMIN", image, "/sbin/init"]


def header(version, suite, hub, cpus, today):
    """The lines above the rows: what ran where, what was left out and why, the column names."""
    lines = ["# hub benchmark: %s, Debian %s %s, %d CPUs, %s; %s" % (
        version, suite, hub.where, cpus, today.isoformat(), hub.startup)]
    if hub.no_sit is not None:
        lines.append("# sit_tunnel (hub end) not measured, openvpn_server only: the kernel has no sit (%s)"
                     % hub.no_sit)
    lines.append("%6s  %12s %6s  %12s %6s %8s" % ("sites", "converge s", "tasks", "no-op s", "tasks", "changed"))
    return lines


@contextlib.contextmanager
def on_container(suite, scratch):
    # every podman command, ours and the connection plugin's, with the scenario's engine settings
    os.environ["CONTAINERS_CONF"] = str(SCENARIO / "containers.conf")
    image = HubImage(container_release(suite)).ensure()
    # the pid keeps two benchmarks, or a benchmark beside the scenario, apart
    name = "ovpn6-bench-hub-%d" % os.getpid()
    started = time.monotonic()
    podman("network", "create", "--internal", name)
    try:
        podman(*run_command(name, name, image))
        hub_vars = {"ansible_connection": "containers.podman.podman", "ansible_python_interpreter": "/usr/bin/python3",
                    # the internal network has no default route to take the uplink from
                    "openvpn_server_uplink_interface": "eth0", **HUB_VARS}

        def inventory(routers_, all_vars):
            return ovpn6_inventory(routers_, hub=name, hub_vars=hub_vars, all_vars=all_vars)

        workdir = scratch / "ready"
        (workdir / "tmp").mkdir(parents=True)
        ready = run(workdir, [{"ansible.builtin.import_playbook": str(SCENARIO / "hub_ready.yml")}],
                    inventory({}, ALL_VARS), {"hub_ready_state_dir": str(workdir)}, 5)
        if ready[3]:
            raise RuntimeError("%s did not get ready: %d tasks failed" % (name, ready[3]))
        kernel = json.loads((workdir / "kernel.json").read_text())
        yield Hub(where="on a Podman container (%s)" % image, startup="ready %.0f s" % (time.monotonic() - started),
                  inventory=inventory, no_sit=None if kernel["sit"] else kernel["reason"] or "no reason given")
    finally:
        for command in (["rm", "--force", "--ignore", "--time", "0", name], ["network", "rm", name]):
            removed = podman(*command, check=False)
            if removed.returncode:
                print("# left behind, remove by hand: podman %s (%s)" % (" ".join(command), removed.stderr.strip()),
                      file=sys.stderr)


@contextlib.contextmanager
def on_vm(suite, _scratch):
    spec = ImageSpec(suite=suite)
    build_image(spec)
    vm = LabVM(name="bench-hub", spec=spec)
    vm.reset()
    try:
        boot = vm.start()

        def inventory(routers_, all_vars):
            return vm.inventory(routers=routers_, hub_vars=HUB_VARS, all_vars=all_vars)

        yield Hub(where="on the lab VM (%s)" % os.environ.get("OVPN6_LAB_ACCEL", "tcg"), startup="boot %.0f s" % boot,
                  inventory=inventory)
    finally:
        vm.destroy()


def main(argv=None):
    args = parse_args(argv)
    place = on_container if args.on == "container" else on_vm
    rows = []
    with tempfile.TemporaryDirectory(prefix="ovpn6-bench-hub-") as scratch, place(args.suite, Path(scratch)) as hub:
        version = (CHECKOUT / "galaxy.yml").read_text().split("version:", 1)[1].split()[0]
        print("\n".join(header(version, args.suite, hub, os.cpu_count(), datetime.date.today())), flush=True)
        plays = hub_plays(hub.no_sit is None)
        for count in args.sites:
            workdir = Path(scratch) / str(count)
            (workdir / "tmp").mkdir(parents=True)
            inventory = hub.inventory(routers(count), {**ALL_VARS, "ovpn6_pki_dir": str(Path(scratch) / "pki")})
            converge = run(workdir, plays, inventory, {}, 5)
            noop = run(workdir, plays, inventory, {}, 5)
            rows.append((count, converge, noop))
            print("%6d  %12.1f %6d  %12.1f %6d %8d%s" % (
                count, converge[0], converge[1], noop[0], noop[1], noop[2],
                "  FAILED: %d tasks" % (converge[3] + noop[3]) if converge[3] or noop[3] else ""), flush=True)
    for (small, _small_converge, small_noop), (large, _large_converge, large_noop) in zip(rows, rows[1:]):
        print("no-op from %d to %d sites: %+.1f ms per added site, tasks %d -> %d" % (
            small, large, 1000.0 * (large_noop[0] - small_noop[0]) / (large - small), small_noop[1], large_noop[1]))


if __name__ == "__main__":
    main()
