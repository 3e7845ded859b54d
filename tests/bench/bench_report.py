# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The router-side benchmark's pure pieces: its arguments, its measurements, its table and ratios.

No emulator, no ansible-playbook here, so tests/unit can check them quickly.
"""

from __future__ import annotations

import argparse
import collections

# baseline: the mikrotik_ovpn_client role as it was before the fleet-scale work (git revision --baseline),
# run from an export of that revision against the same routers, so both roles are measured in one run.
# ansible: two tasks per router that do nothing (ansible.builtin.assert), what Ansible itself costs for the
# role's task count; floor: the role's reads without Ansible.
VARIANTS = ("role", "baseline", "api_modify", "ansible", "floor")
BASELINE_REVISION = "e4b7f7f"
DEFAULT_ROUTERS = "1,10,50,500"

# One run of one variant against N routers; the counts are totals over the N routers.
Measurement = collections.namedtuple(
    "Measurement", "variant count run wall tasks changed connections logins sentences failed")


def _router_counts(text):
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("--routers wants numbers separated by commas, got %r" % text)
    if not counts or any(count < 1 for count in counts):
        raise argparse.ArgumentTypeError("--routers wants one or more counts of at least 1, got %r" % text)
    return counts


def _variants(text):
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in VARIANTS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError("--variants takes some of %s, got %r" % (",".join(VARIANTS), text))
    return [name for name in VARIANTS if name in chosen]


def parse_args(argv=None, description=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--routers", type=_router_counts, default=_router_counts(DEFAULT_ROUTERS),
                        help="router counts, one measurement each (default %s)" % DEFAULT_ROUTERS)
    parser.add_argument("--variants", type=_variants, default=list(VARIANTS),
                        help="which of %s to run (default all); floor replays the role's no-op reads, so it "
                             "needs role" % ",".join(VARIANTS))
    parser.add_argument("--release", default="7.16", help="RouterOS release the emulator plays (default 7.16)")
    parser.add_argument("--baseline", default=BASELINE_REVISION,
                        help="git revision whose mikrotik_ovpn_client role the baseline variant runs (default %s)"
                             % BASELINE_REVISION)
    parser.add_argument("--forks", type=int, default=10,
                        help="ansible forks, and the floor's threads (default 10)")
    args = parser.parse_args(argv)
    if "floor" in args.variants and "role" not in args.variants:
        parser.error("--variants: floor replays the reads of the role's no-op run, so it needs role too")
    if args.forks < 1:
        parser.error("--forks wants at least 1")
    return args


def header(collection_version, release, forks, cpus, date):
    return ("router side: tunnelworks.ovpn6 %s, RouterOS %s (emulated), forks %d, %s CPUs, %s"
            % (collection_version, release, forks, cpus, date))


COLUMNS = (("variant", "%-10s", "%-10s"), ("N", "%4s", "%4d"), ("run", "%-8s", "%-8s"), ("wall s", "%8s", "%8.2f"),
           ("ms/rtr", "%8s", "%8.1f"), ("tasks/rtr", "%9s", "%9s"), ("changed/rtr", "%11s", "%11s"),
           ("conns/rtr", "%9s", "%9.1f"), ("logins/rtr", "%10s", "%10.1f"), ("sentences/rtr", "%13s", "%13.1f"),
           ("failed", "%6s", "%6d"))


def row_header():
    return " ".join(head % name for name, head, _cell in COLUMNS)


def _per_router(value, count, spec="%.1f"):
    return "-" if value is None else spec % (value / count)


def format_row(measurement):
    m = measurement
    values = (m.variant, m.count, m.run, m.wall, 1000.0 * m.wall / m.count, _per_router(m.tasks, m.count),
              _per_router(m.changed, m.count), m.connections / m.count, m.logins / m.count, m.sentences / m.count,
              m.failed)
    return " ".join(cell % value for (_name, _head, cell), value in zip(COLUMNS, values))


def ratio(numerator, denominator):
    """``a / b`` as ``12.3x``; ``-`` when either side was not measured or the divisor is zero."""
    if numerator is None or denominator is None or denominator <= 0:
        return "-"
    return "%.1fx" % (numerator / denominator)


SUMMARY = (("role", "converge"), ("role", "no-op"), ("baseline", "no-op"), ("api_modify", "converge"),
           ("api_modify", "no-op"), ("ansible", "2 tasks"), ("floor", "reads"))
RATIOS = ("role no-op/floor", "role no-op/ansible", "baseline no-op/role no-op", "api_modify no-op/role no-op")


def summary_lines(measurements):
    """One line per N: each variant's wall time and ms per router side by side, then the ratios."""
    walls = {(m.variant, m.run, m.count): m.wall for m in measurements}
    titles = [variant if variant in ("floor", "ansible") else "%s %s" % (variant, run) for variant, run in SUMMARY]
    lines = ["  ".join(["%5s" % "N"] + ["%-24s" % title for title in titles] + list(RATIOS))]
    for count in sorted({m.count for m in measurements}):
        cells = ["%5d" % count]
        for variant, run in SUMMARY:
            wall = walls.get((variant, run, count))
            cells.append("%-24s" % ("-" if wall is None else "%.2f s (%.1f ms/rtr)" % (wall, 1000.0 * wall / count)))
        role_noop = walls.get(("role", "no-op", count))
        figures = (ratio(role_noop, walls.get(("floor", "reads", count))),
                   ratio(role_noop, walls.get(("ansible", "2 tasks", count))),
                   ratio(walls.get(("baseline", "no-op", count)), role_noop),
                   ratio(walls.get(("api_modify", "no-op", count)), role_noop))
        cells += ["%*s" % (len(title), figure) for title, figure in zip(RATIOS, figures)]
        lines.append("  ".join(cells))
    return lines
