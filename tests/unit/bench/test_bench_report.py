# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The router-side benchmark's arguments, rows, ratios and side-by-side lines (no emulator, no playbook)."""

from __future__ import annotations

import pytest

from bench_report import Measurement, format_row, header, parse_args, ratio, row_header, summary_lines


def test_defaults_are_every_variant_on_1_10_50_500_routers():
    args = parse_args([])
    assert (args.routers, args.variants, args.release, args.forks) == (
        [1, 10, 50, 500], ["role", "baseline", "api_modify", "ansible", "floor"], "7.16", 10)


@pytest.mark.parametrize("given, expected", [
    ("role,floor", ["role", "floor"]),
    ("floor, role", ["role", "floor"]),
    ("floor,ansible,role", ["role", "ansible", "floor"]),
    ("api_modify", ["api_modify"]),
    ("role,role", ["role"]),
])
def test_variants_are_kept_in_the_bench_order(given, expected):
    assert parse_args(["--variants", given, "--routers", "500"]).variants == expected


@pytest.mark.parametrize("argv, message", [
    (["--variants", "role,mitogen"], "--variants takes some of role,baseline,api_modify,ansible,floor"),
    (["--variants", ","], "--variants takes some of"),
    (["--variants", "floor"], "floor replays the reads of the role's no-op run"),
    (["--variants", "api_modify,floor"], "needs role too"),
    (["--routers", "1,ten"], "--routers wants numbers"),
    (["--routers", "0,5"], "at least 1"),
    (["--routers", ""], "at least 1"),
    (["--forks", "0"], "--forks wants at least 1"),
])
def test_bad_arguments_are_refused_naming_them(argv, message, capsys):
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_header_names_version_release_forks_cpus_and_date():
    assert header("0.1.0", "7.16", 10, 2, "2026-01-31 12:00 UTC") == (
        "router side: tunnelworks.ovpn6 0.1.0, RouterOS 7.16 (emulated), forks 10, 2 CPUs, 2026-01-31 12:00 UTC")


@pytest.mark.parametrize("numerator, denominator, expected", [
    (10.0, 0.25, "40.0x"),
    (1.0, 3.0, "0.3x"),
    (None, 1.0, "-"),
    (1.0, None, "-"),
    (1.0, 0.0, "-"),
])
def test_ratio(numerator, denominator, expected):
    assert ratio(numerator, denominator) == expected


def test_rows_are_per_router_and_line_up_with_the_header():
    role = Measurement("role", 50, "no-op", 40.0, 200, 0, 150, 150, 750, 0)
    floor = Measurement("floor", 50, "reads", 0.28, None, None, 50, 50, 650, 0)
    lines = [row_header(), format_row(role), format_row(floor)]
    assert len({len(line) for line in lines}) == 1
    assert format_row(role).split() == ["role", "50", "no-op", "40.00", "800.0", "4.0", "0.0", "3.0", "3.0", "15.0",
                                        "0"]
    assert format_row(floor).split() == ["floor", "50", "reads", "0.28", "5.6", "-", "-", "1.0", "1.0", "13.0", "0"]


def test_summary_puts_each_n_on_one_line_with_its_ratios():
    measurements = [
        Measurement("role", 50, "converge", 60.0, 200, 150, 150, 150, 2150, 0),
        Measurement("role", 50, "no-op", 40.0, 200, 0, 150, 150, 750, 0),
        Measurement("floor", 50, "reads", 0.25, None, None, 50, 50, 650, 0),
        Measurement("api_modify", 50, "converge", 90.0, 300, 300, 300, 300, 2200, 0),
        Measurement("api_modify", 50, "no-op", 80.0, 300, 0, 300, 300, 800, 0),
        Measurement("baseline", 50, "no-op", 400.0, 200, 0, 150, 150, 750, 0),
        Measurement("ansible", 50, "2 tasks", 2.0, 100, 0, 0, 0, 0, 0),
        Measurement("role", 500, "no-op", 500.0, 2000, 0, 1500, 1500, 7500, 0),
    ]
    head, fifty, five_hundred = summary_lines(measurements)
    assert head.split()[:3] == ["N", "role", "converge"]
    assert "role no-op/floor" in head and "role no-op/ansible" in head and "baseline no-op/role no-op" in head and "api_modify no-op/role no-op" in head
    assert fifty.split()[0] == "50"
    assert "40.00 s (800.0 ms/rtr)" in fifty and "0.25 s (5.0 ms/rtr)" in fifty
    assert "2.00 s (40.0 ms/rtr)" in fifty
    assert fifty.split()[-4:] == ["160.0x", "20.0x", "10.0x", "2.0x"]
    # 500 ran without api_modify and the floor: their cells and ratios say so.
    assert "500.00 s (1000.0 ms/rtr)" in five_hundred
    assert five_hundred.split()[-4:] == ["-", "-", "-", "-"]
    assert len({len(line) for line in (head, fifty)}) == 1
