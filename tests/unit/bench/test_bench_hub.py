# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hub benchmark's arguments, routers, plays, container command and header (no container, no VM)."""

from __future__ import annotations

import datetime

import pytest

from bench_hub import Hub, container_release, header, hub_plays, parse_args, routers, run_command


def test_defaults_are_a_container_hub_on_bookworm_for_10_100_500_sites(monkeypatch):
    monkeypatch.delenv("OVPN6_LAB_SUITE", raising=False)
    args = parse_args([])
    assert (args.sites, args.suite, args.on) == ([10, 100, 500], "bookworm", "container")


@pytest.mark.parametrize("argv, expected", [
    (["--on", "vm"], ("vm", "bookworm", [10, 100, 500])),
    (["--on", "container", "--suite", "13", "--sites", "5,2"], ("container", "trixie", [2, 5])),
    (["--suite", "debian12", "--sites", "7,"], ("container", "bookworm", [7])),
])
def test_place_suite_and_sites_are_read(monkeypatch, argv, expected):
    monkeypatch.delenv("OVPN6_LAB_SUITE", raising=False)
    args = parse_args(argv)
    assert (args.on, args.suite, args.sites) == expected


def test_suite_defaults_to_the_lab_suite_of_the_environment(monkeypatch):
    monkeypatch.setenv("OVPN6_LAB_SUITE", "13")
    assert parse_args([]).suite == "trixie"


@pytest.mark.parametrize("argv, message", [
    (["--on", "docker"], "invalid choice: 'docker'"),
    (["--suite", "sid"], "--suite"),
])
def test_unknown_place_or_suite_is_refused(capsys, argv, message):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err


def test_routers_are_inventory_only_with_a_site_id_and_a_lan_each():
    hosts = routers(300)
    assert len(hosts) == 300
    assert hosts["rtr-1"] == {"ansible_connection": "local", "ovpn6_site_id": 1,
                              "ovpn6_lan_ipv4_prefix": "10.0.1.0/24"}
    assert hosts["rtr-256"]["ovpn6_lan_ipv4_prefix"] == "10.1.0.0/24"


@pytest.mark.parametrize("sit, roles", [
    (True, ["tunnelworks.ovpn6.openvpn_server", "tunnelworks.ovpn6.sit_tunnel"]),
    (False, ["tunnelworks.ovpn6.openvpn_server"]),
])
def test_sit_tunnel_is_measured_only_where_the_kernel_has_sit(sit, roles):
    assert [play["roles"][0]["role"] for play in hub_plays(sit)] == roles


@pytest.mark.parametrize("suite, release", [("bookworm", "debian12"), ("trixie", "debian13")])
def test_a_suite_names_its_labct_image(suite, release):
    assert container_release(suite) == release


def test_the_container_runs_systemd_with_tun_and_net_admin_on_its_network():
    command = run_command("hub-1", "net-1", "localhost/ovpn6-hub:debian12")
    assert command[:2] == ["run", "--detach"]
    pairs = set(zip(command, command[1:]))
    assert {("--name", "hub-1"), ("--network", "net-1"), ("--systemd", "always"), ("--device", "/dev/net/tun"),
            ("--cap-add", "NET_ADMIN")} <= pairs
    assert command[-2:] == ["localhost/ovpn6-hub:debian12", "/sbin/init"]


def test_header_names_version_release_place_cpus_and_date():
    hub = Hub(where="on a Podman container (img)", startup="ready 6 s", inventory=dict)
    lines = header("1.2.3", "bookworm", hub, 2, datetime.date(2026, 12, 3))
    assert lines[0] == ("# hub benchmark: 1.2.3, Debian bookworm on a Podman container (img), 2 CPUs, 2026-12-03;"
                        " ready 6 s")
    assert len(lines) == 2
    assert lines[1].split() == ["sites", "converge", "s", "tasks", "no-op", "s", "tasks", "changed"]


def test_header_says_once_why_sit_tunnel_was_not_measured():
    hub = Hub(where="on a Podman container (img)", startup="ready 6 s", inventory=dict,
              no_sit="Error: Unknown device type.")
    lines = header("1.2.3", "bookworm", hub, 2, datetime.date(2026, 12, 3))
    notes = [line for line in lines if "sit_tunnel" in line]
    assert notes == ["# sit_tunnel (hub end) not measured, openvpn_server only: the kernel has no sit"
                     " (Error: Unknown device type.)"]
    assert len(lines) == 3
