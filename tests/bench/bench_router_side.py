# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Router-side benchmark: the mikrotik_ovpn_client role against N emulated routers, beside the same
desired state written as community.routeros.api_modify tasks and the floor (the role's reads, bare).

All routers run in this process (one emulator, one port per router); ansible-playbook runs as a
subprocess. For each N: each playbook variant converges N fresh routers from factory, then re-runs
(no-op); the floor then replays, on the role's routers, the read sentences each router received in the
role's no-op run, with librouteros from --forks threads, one connection per router. Prints wall time,
time per router, tasks, connections, logins and API sentences per router (the emulator's counters),
then one line per N side by side with the ratios. Figures only; no timed assertions.

    .venv/bin/python tests/bench/bench_router_side.py [--routers 1,10,50,500]
        [--variants role,baseline,api_modify,ansible,floor] [--baseline REV] [--release 7.16] [--forks 10]

The baseline variant runs the same role from `git archive REV` of this checkout (default: the revision
before the fleet-scale work), in its own collections path.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(CHECKOUT / ".build" / "collections"), str(CHECKOUT / "tests" / "lab"),
                str(CHECKOUT / "tests" / "helpers")]

import yaml  # noqa: E402

from bench_report import Measurement, format_row, header, parse_args, row_header, summary_lines  # noqa: E402
from ovpn6_testkit.inventory import local_host, ovpn6_inventory  # noqa: E402
from ovpn6_testkit.pki import TestCA  # noqa: E402
from routeros_emu.testing import start_fleet  # noqa: E402

HUB = "203.0.113.10"
# Room for 500 routers and more (RFC 2544's benchmarking range); a /24 holds 253.
VPN_NETWORK = "198.18.0.0/22"
# What the floor replays of the role's no-op: the sentences that only read.
READ_COMMANDS = frozenset(["print", "getall"])
ROLE_PLAY = [{"name": "Router side (role)", "hosts": "ovpn6_routers", "gather_facts": False,
              "roles": [{"role": "tunnelworks.ovpn6.mikrotik_ovpn_client"}]}]
# Ansible's own cost for as many tasks per router as the role runs (its argument check and its one task):
# two tasks that run in the worker and do nothing.
ANSIBLE_PLAY = [{"name": "Ansible alone", "hosts": "ovpn6_routers", "gather_facts": False,
                 "tasks": [{"name": "Nothing %d" % number, "ansible.builtin.assert": {"that": "true", "quiet": True}}
                           for number in (1, 2)]}]


def api_modify_play(release):
    """The role's desired state, written the way community.routeros users write it."""
    ros7 = not release.startswith("6.")
    conn = {"hostname": "{{ ansible_host }}", "port": "{{ ovpn6_routeros_port }}", "username": "admin",
            "password": "{{ ovpn6_routeros_password }}"}
    lan_rule = {"chain": "prerouting", "action": "mark-routing", "new-routing-mark": "ovpn6", "passthrough": True,
                "in-interface": "bridge", "comment": "lan-via-vpn"}

    def direct(comment, protocol, port, dst=None):
        rule = {"chain": "prerouting", "action": "mark-routing", "new-routing-mark": "main", "passthrough": True,
                "in-interface": "bridge", "protocol": protocol, "dst-port": port, "comment": comment}
        if dst:
            rule["dst-address"] = dst
        return rule

    mangle = [lan_rule, direct("ssh-to-hub-direct", "tcp", "22", HUB), direct("http-direct", "tcp", "80"),
              direct("dns-direct", "udp", "53"),
              {"chain": "output", "action": "mark-routing", "new-routing-mark": "ovpn6", "passthrough": True,
               "protocol": "ipv6-encap", "comment": "sit-via-vpn"}]
    route = {"dst-address": "0.0.0.0/0", "gateway": "ovpn6", "comment": "default-via-vpn"}
    route["routing-table" if ros7 else "routing-mark"] = "ovpn6"
    client = {"name": "ovpn6", "connect-to": HUB, "port": 1194, "mode": "ip", "user": "{{ inventory_hostname }}",
              "password": "{{ inventory_hostname }}", "certificate": "ovpn6-client",
              "cipher": "aes256-cbc" if ros7 else "aes256", "auth": "sha256" if ros7 else "sha1",
              "add-default-route": False, "comment": "ovpn6"}
    if ros7:
        client.update({"protocol": "tcp", "verify-server-certificate": True})
    nat = [{"chain": "srcnat", "action": "masquerade", "src-address": source, "out-interface": "ether1",
            "comment": "masquerade"} for source in (VPN_NETWORK, "{{ ovpn6_lan_ipv4_prefix }}")]

    def modify(name, path, data):
        return {"name": name, "community.routeros.api_modify": {
            "path": path, "data": data, "handle_absent_entries": "ignore", "handle_entries_content": "ignore"}}

    tasks = [{"name": "Certificates (no api_modify equivalent: the collection's module)",
              "tunnelworks.ovpn6.routeros_certificate": {
                  "name": "ovpn6-client", "ca_name": "ovpn6-ca", "certificate": "{{ bench_cert }}",
                  "private_key": "{{ bench_key }}", "ca_certificate": "{{ bench_ca }}"}},
             modify("OpenVPN client", "interface ovpn-client", [client])]
    if ros7:
        tasks.append(modify("Routing table", "routing table", [{"name": "ovpn6", "fib": "", "comment": "ovpn6"}]))
    tasks += [modify("Mangle", "ip firewall mangle", mangle), modify("Route", "ip route", [route]),
              modify("NAT", "ip firewall nat", nat)]
    return [{"name": "Router side (api_modify)", "hosts": "ovpn6_routers", "gather_facts": False,
             "module_defaults": {"group/community.routeros.api": conn, "group/tunnelworks.ovpn6.routeros": conn},
             "tasks": tasks}]


def make_pki():
    ca = TestCA.create("bench CA")
    client = ca.issue("bench router")
    return {"ca": ca.cert_pem, "cert": client.cert_pem, "key": client.key_pem()}


def inventory(routers):
    """Routers rtr-1 ... rtr-N (site ids from 1, a LAN each), the modules run here; the hub is inventory only."""
    hosts = {}
    for index, router in enumerate(routers):
        hosts["rtr-%d" % (index + 1)] = local_host(
            ansible_host=router.host, ovpn6_routeros_port=router.port, ovpn6_routeros_password=router.password,
            ovpn6_site_id=index + 1, ovpn6_lan_ipv4_prefix="10.%d.%d.0/24" % divmod(index, 256))
    return ovpn6_inventory(hosts, hub_vars={"ovpn6_hub_public_address": HUB},
                           all_vars={"ovpn6_vpn_ipv4_network": VPN_NETWORK})


def export_collection(revision, into):
    """The collection as it was at ``revision``, where ansible looks for tunnelworks.ovpn6; returns the
    collections path."""
    target = into / "ansible_collections" / "tunnelworks" / "ovpn6"
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(CHECKOUT), "archive", revision], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return into


def run(workdir, play, inventory_data, extra_vars, forks, collections=None):
    (workdir / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    (workdir / "inventory.yml").write_text(yaml.safe_dump(inventory_data))
    (workdir / "vars.json").write_text(json.dumps(extra_vars))
    env = dict(os.environ, ANSIBLE_CONFIG=str(CHECKOUT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_FORKS=str(forks), ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"), ANSIBLE_NOCOLOR="1")
    if collections is not None:
        env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(workdir / "inventory.yml"),
               str(workdir / "play.yml"), "-e", "@%s" % (workdir / "vars.json")]
    started = time.monotonic()
    # check=False: a failed task makes ansible-playbook exit non-zero; the failures are counted from its JSON below.
    proc = subprocess.run(command, cwd=str(CHECKOUT), env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    data = json.loads(proc.stdout[proc.stdout.find("{"):])
    ran = changed = failed = 0
    for play_result in data["plays"]:
        for task in play_result["tasks"]:
            for result in task["hosts"].values():
                if result.get("skipped"):
                    continue
                ran += 1
                changed += bool(result.get("changed"))
                failed += bool(result.get("failed"))
                if result.get("failed"):
                    print("   failed: %s: %s" % (task["task"]["name"], str(result.get("msg")).splitlines()[0][:300]),
                          file=sys.stderr)
    return wall, ran, changed, failed


def floor(routers, recorded, threads):
    """The role's no-op reads with librouteros straight from ``threads`` threads: per router one connection,
    one login and every read sentence that router received in the role's no-op run, in the same order."""

    def reads(index):
        api = routers[index].connect(timeout=30)
        try:
            for words in recorded[index]:
                if words[0].rsplit("/", 1)[-1] in READ_COMMANDS:
                    list(api.rawCmd(*words))
        finally:
            api.close()

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(reads, index) for index in range(len(routers))]
        concurrent.futures.wait(futures)
    wall = time.monotonic() - started
    errors = [future.exception() for future in futures if future.exception() is not None]
    for error in errors[:3]:
        print("   failed: floor: %s" % error, file=sys.stderr)
    return wall, None, None, len(errors)


def totals(routers):
    stats = [router.stats() for router in routers]
    return {key: sum(item[key] for item in stats) for key in ("connections", "logins", "sentences")}


def measure(variant, label, routers, action):
    """Run ``action`` (returns wall, tasks, changed, failed) and count what the routers received meanwhile."""
    before = totals(routers)
    wall, ran, changed, failed = action()
    after = totals(routers)
    return Measurement(variant, len(routers), label, wall, ran, changed, after["connections"] - before["connections"],
                       after["logins"] - before["logins"], after["sentences"] - before["sentences"], failed)


def bench(count, variants, args, pki, report, baseline):
    """Every variant asked for against ``count`` routers; the floor runs on the role's converged routers."""
    for variant in [name for name in variants if name != "floor"]:
        routers = start_fleet(count, release=args.release, password="bench-secret")
        try:
            hosts = inventory(routers)
            collections = baseline if variant == "baseline" else None
            labels = ("converge", "no-op")
            if variant in ("role", "baseline"):
                play = ROLE_PLAY
                extra = {"mikrotik_ovpn_client_certificate": pki["cert"], "mikrotik_ovpn_client_private_key": pki["key"],
                         "mikrotik_ovpn_client_ca_certificate": pki["ca"]}
            elif variant == "ansible":
                play, extra, labels = ANSIBLE_PLAY, {}, ("2 tasks",)
            else:
                play = api_modify_play(args.release)
                extra = {"bench_cert": pki["cert"], "bench_key": pki["key"], "bench_ca": pki["ca"]}
            recorded = None
            for label in labels:
                with tempfile.TemporaryDirectory(prefix="ovpn6-bench-") as workdir, \
                        contextlib.ExitStack() as stack:
                    if variant == "role" and label == "no-op":
                        recorded = [stack.enter_context(router.recording()) for router in routers]
                    report(measure(variant, label, routers,
                                   lambda: run(Path(workdir), play, hosts, extra, args.forks, collections)))
            if variant == "role" and "floor" in variants:
                report(measure("floor", "reads", routers, lambda: floor(routers, recorded, args.forks)))
        finally:
            for router in routers:
                router.close()


def main():
    args = parse_args(description=__doc__.split("\n\n", maxsplit=1)[0])
    pki = make_pki()
    version = yaml.safe_load((CHECKOUT / "galaxy.yml").read_text())["version"]
    print(header(version, args.release, args.forks, os.cpu_count(),
                 datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")))
    print("variants %s; baseline: the role at git revision %s; the floor: the role's no-op reads with librouteros "
          "from %d threads, one connection per router" % (",".join(args.variants), args.baseline, args.forks))
    print(row_header())
    measurements = []

    def report(measurement):
        measurements.append(measurement)
        print(format_row(measurement), flush=True)

    with tempfile.TemporaryDirectory(prefix="ovpn6-bench-baseline-") as exported:
        baseline = export_collection(args.baseline, Path(exported)) if "baseline" in args.variants else None
        for count in args.routers:
            bench(count, args.variants, args, pki, report, baseline)
    print()
    print("side by side (wall time, and per router)")
    for line in summary_lines(measurements):
        print(line)


if __name__ == "__main__":
    main()
