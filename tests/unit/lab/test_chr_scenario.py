# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parts of the chr scenario (molecule/chr) that need no CHR image: the QEMU command lines of the lab
VM's links and of the CHR (127.0.0.1 only, restricted user network), the scenario's inventory, the
in-VM wiring of the CHR's links, and the image checks."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

from ansible_collections.tunnelworks.ovpn6.plugins.filter.site_plan import site_plan
from labvm import vm as labvm
from ovpn6lab import __main__ as ovpn6lab
from ovpn6lab import chr_router, topology

CHECKOUT = pathlib.Path(__file__).resolve().parents[3]
SCRIPT = CHECKOUT / "molecule" / "chr" / "inventory" / "lab_with_chr.py"
LAB_VARS = yaml.safe_load((CHECKOUT / "inventory" / "lab" / "group_vars" / "all.yml").read_text())
ROUTERS = chr_router.chr_routers()
CHR = ROUTERS["chr"]


def _netdevs(command: list[str]) -> list[str]:
    return [command[i + 1] for i, word in enumerate(command) if word == "-netdev"]


def _options(netdev: str) -> tuple[str, list[tuple[str, str]]]:
    kind, *rest = netdev.split(",")
    return kind, [tuple(option.split("=", 1)) for option in rest]


def assert_only_loopback(command: list[str]) -> None:
    """Every network backend of a QEMU command reaches 127.0.0.1 and nothing else."""
    netdevs = _netdevs(command)
    assert netdevs, command
    for netdev in netdevs:
        kind, options = _options(netdev)
        assert kind in ("user", "socket"), netdev
        if kind == "user":
            assert ("restrict", "on") in options, netdev
            for key, value in options:
                if key == "hostfwd":
                    assert value.startswith("tcp:127.0.0.1:"), netdev
        for key, value in options:
            if key in ("udp", "localaddr", "listen", "connect", "mcast"):
                assert key in ("udp", "localaddr") and value.startswith("127.0.0.1:"), netdev
        if kind == "socket":
            assert {key for key, _value in options} >= {"udp", "localaddr"}, netdev


def _links() -> dict:
    ports = iter(range(40000, 40100))
    return {label: {"mac": mac, "vm_port": next(ports), "peer_port": next(ports)}
            for label, mac in chr_router.vm_links(ROUTERS).items()}


def _vm_command(links: dict) -> list[str]:
    image = labvm.Image(pathlib.Path("/cache/image"))
    return labvm.qemu_command("molecule-chr", "tcg", 1024, 1, pathlib.Path("/run/qemu.pid"), image,
                              pathlib.Path("/run/overlay.qcow2"), pathlib.Path("/run/serial.log"), 2222,
                              {"chr": {"guest_port": 8731, "host_port": 3333}}, links)


def test_the_vm_gets_one_nic_per_link_with_the_inventory_mac_and_loopback_only():
    links = _links()
    command = _vm_command(links)
    assert_only_loopback(command)
    assert "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.1:3333-:8731" in command
    # eth1, eth2 follow the links' order; each NIC carries the MAC the topology finds it by
    assert command[command.index("socket,id=n1,udp=127.0.0.1:40001,localaddr=127.0.0.1:40000") + 2] == \
        "virtio-net-pci,netdev=n1,mac=%s" % CHR["links"]["wan"]["vm_mac"]
    assert command[command.index("socket,id=n2,udp=127.0.0.1:40003,localaddr=127.0.0.1:40002") + 2] == \
        "virtio-net-pci,netdev=n2,mac=%s" % CHR["links"]["lan"]["vm_mac"]


def test_the_vm_without_links_is_the_lab_as_before():
    command = _vm_command({})
    assert _netdevs(command) == ["user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.1:3333-:8731"]


def test_the_chr_is_the_mirror_of_the_vm_links_and_has_no_other_network(tmp_path):
    links = _links()
    command = chr_router.qemu_command("chr", CHR, pathlib.Path("/images/chr-7.16.img"), tmp_path, links)
    assert_only_loopback(command)
    assert not [n for n in _netdevs(command) if n.startswith("user")]
    # ether1 sends to the port the VM's WAN NIC binds and binds the one it sends to; ether2 likewise
    assert _netdevs(command) == [
        "socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (links["chr-wan"]["vm_port"], links["chr-wan"]["peer_port"]),
        "socket,id=n1,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (links["chr-lan"]["vm_port"], links["chr-lan"]["peer_port"]),
    ]
    devices = [command[i + 1] for i, word in enumerate(command) if word == "-device"]
    assert devices == ["virtio-net-pci,netdev=n0,mac=%s" % CHR["links"]["wan"]["chr_mac"],
                       "virtio-net-pci,netdev=n1,mac=%s" % CHR["links"]["lan"]["chr_mac"]]
    # the image is never written; a raw .img is raw, a .qcow2 is qcow2
    assert "file=/images/chr-7.16.img,format=raw,if=virtio,snapshot=on" in command
    assert "format=qcow2" in " ".join(chr_router.qemu_command("chr", CHR, pathlib.Path("/i/c.qcow2"), tmp_path, links))
    assert command[command.index("-m") + 1] == "1024"
    assert command[command.index("-pidfile") + 1] == str(tmp_path / "chr-chr.pid")


def test_the_lab_vm_and_the_chr_use_the_same_link_labels():
    assert chr_router.vm_links(ROUTERS) == {"chr-wan": CHR["links"]["wan"]["vm_mac"], "chr-lan": CHR["links"]["lan"]["vm_mac"]}
    macs = [link[key] for link in CHR["links"].values() for key in ("vm_mac", "chr_mac")]
    assert len(set(macs)) == 4


def _inventory(image: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key != chr_router.IMAGE_ENV}
    if image is not None:
        env[chr_router.IMAGE_ENV] = image
    result = subprocess.run([sys.executable, str(SCRIPT), "--list"], capture_output=True, text=True, check=True, env=env)
    return json.loads(result.stdout)


def test_without_an_image_the_inventory_holds_no_host():
    for image in (None, "", "  "):
        data = _inventory(image)
        assert data["ovpn6_hubs"]["hosts"] == [] and data["ovpn6_routers"]["hosts"] == []


def test_with_an_image_the_inventory_is_the_lab_and_the_chr():
    data = _inventory("/images/chr.img")
    lab = yaml.safe_load((CHECKOUT / "inventory" / "lab" / "hosts.yml").read_text())["all"]["children"]
    assert data["ovpn6_hubs"]["hosts"] == sorted(lab["ovpn6_hubs"]["hosts"])
    assert data["ovpn6_routers"]["hosts"] == sorted(lab["ovpn6_routers"]["hosts"]) + ["chr"]


def test_every_router_of_the_scenario_has_its_lab_host_vars():
    # the lab's routers are links to inventory/lab's files: a router added to the lab needs its link here
    names = _inventory("/images/chr.img")["ovpn6_routers"]["hosts"]
    all_vars = chr_router.host_vars()
    assert sorted(all_vars) == sorted(names)
    for name in names:
        if name != "chr":
            assert (chr_router.CHR_INVENTORY / "host_vars" / f"{name}.yml").resolve() == \
                (chr_router.LAB_INVENTORY / "host_vars" / f"{name}.yml").resolve()


def test_the_chr_fits_the_lab_plan_beside_the_emulated_routers():
    all_vars = chr_router.host_vars()
    site_ids = [data["ovpn6_site_id"] for data in all_vars.values()]
    assert len(set(site_ids)) == len(site_ids)
    # the one plan of the collection accepts the four routers together (no duplicate id, no overlap)
    plan = site_plan(all_vars, sorted(all_vars), allocation=LAB_VARS["ovpn6_ipv6_allocation"],
                     vpn_network=LAB_VARS["ovpn6_vpn_ipv4_network"])
    assert plan["sites"]["chr"]["vpn_address"] == "198.51.100.5"
    assert CHR["pc"]["gateway6"] == str(next(iter(
        __import__("ipaddress").ip_network(plan["sites"]["chr"]["lan_prefix"]).hosts())))
    # its WAN is on the emulated routers' segment, with an address none of them has
    wans = [data["ovpn6_lab_router"]["wan"] for data in all_vars.values()]
    assert len(set(wans)) == len(wans)
    assert len({data["ovpn6_lab_router"]["guest_api_port"] for data in all_vars.values()}) == len(all_vars)


def test_with_the_chr_the_vm_forwards_its_api_port():
    assert ovpn6lab.router_forwards(chr_router.CHR_INVENTORY) == {**ovpn6lab.router_forwards(), "chr": 8731}


def test_the_chr_wan_joins_the_internet_bridge_and_its_lan_becomes_the_pc():
    in_root = {"52:54:00:12:34:56": "eth0", CHR["links"]["wan"]["vm_mac"]: "eth1", CHR["links"]["lan"]["vm_mac"]: "eth2"}
    commands = topology.chr_commands(CHR, "internet", in_root)
    assert commands[:7] == [
        ["ip", "link", "set", "dev", "eth1", "down"],
        ["ip", "link", "set", "dev", "eth1", "netns", "internet"],
        ["ip", "-n", "internet", "link", "set", "dev", "eth1", "name", "chr-wan"],
        ["ip", "link", "set", "dev", "eth2", "down"],
        ["ip", "link", "set", "dev", "eth2", "netns", "pc-chr"],
        ["ip", "-n", "pc-chr", "link", "set", "dev", "eth2", "name", "eth0"],
        ["ip", "-n", "internet", "link", "set", "chr-wan", "master", "wan", "up"],
    ]
    assert commands[7:] == topology.pc_commands(CHR["pc"])
    # the VM's own eth0 is never touched
    assert not [argv for argv in commands if "eth0" in argv and "-n" not in argv]


def test_the_chr_wiring_again_moves_nothing_twice():
    commands = topology.chr_commands(CHR, "internet", {"52:54:00:12:34:56": "eth0"})
    assert commands == [["ip", "-n", "internet", "link", "set", "chr-wan", "master", "wan", "up"]] + \
        topology.pc_commands(CHR["pc"])


def test_the_pc_gets_its_addresses_and_routes():
    assert topology.pc_commands(CHR["pc"]) == [
        ["ip", "-n", "pc-chr", "addr", "replace", "203.0.113.202/26", "dev", "eth0"],
        ["ip", "-n", "pc-chr", "addr", "replace", "2001:db8:100:4::10/64", "dev", "eth0", "nodad"],
        ["ip", "-n", "pc-chr", "link", "set", "eth0", "up"],
        ["ip", "-n", "pc-chr", "route", "replace", "default", "via", "203.0.113.193"],
        ["ip", "-n", "pc-chr", "-6", "route", "replace", "default", "via", "2001:db8:100:4::1"],
    ]


def test_the_topology_makes_no_namespace_for_a_chr_but_one_for_its_pc():
    plan = {"internet": {"netns": "internet"}, "hubnet": {"netns": "hubnet"},
            "routers": [{"netns": "rtr-a", "pc": {"netns": "pc-a"}}, CHR]}
    assert topology.router_namespaces(plan) == ["internet", "hubnet", "rtr-a", "pc-a", "pc-chr"]


def test_the_image_is_checked_before_anything_boots(tmp_path):
    with pytest.raises(chr_router.CHRError, match="OVPN6_CHR_IMAGE='/nowhere/chr.img': no such file"):
        chr_router.check_image("/nowhere/chr.img")
    zipped = tmp_path / "chr-7.16.img.zip"
    zipped.write_bytes(b"PK")
    with pytest.raises(chr_router.CHRError, match="unzip it"):
        chr_router.check_image(str(zipped))
    image = tmp_path / "chr-7.16.img"
    image.write_bytes(b"\0")
    assert chr_router.check_image(str(image)) == image


def test_up_with_chr_refuses_a_missing_image_before_booting(monkeypatch):
    monkeypatch.delenv(chr_router.IMAGE_ENV, raising=False)

    def boot(*_args, **_kwargs):
        raise AssertionError("nothing may boot without an image")

    monkeypatch.setattr(labvm.LabVM, "start", boot)
    with pytest.raises(SystemExit) as exit_info:
        ovpn6lab.main(["up", "--with-chr"])
    assert exit_info.value.code == 2


def test_a_pid_file_naming_another_process_is_not_ours(tmp_path):
    chr_router.pid_file(tmp_path, "chr").write_text("%d\n" % os.getpid())
    assert chr_router.pid(tmp_path, "chr") is None
    chr_router.stop(tmp_path, ["chr"])  # must not signal this test's own process


def test_the_scenario_reads_the_lab_group_vars_file_by_file():
    # file links (ansible-test sanity refuses a link to a directory): a file added to the lab needs its link here
    lab = sorted(path.name for path in (chr_router.LAB_INVENTORY / "group_vars").glob("*.yml"))
    linked = sorted(path.name for path in (chr_router.CHR_INVENTORY / "group_vars").glob("*.yml"))
    assert linked == lab
    for name in lab:
        link = chr_router.CHR_INVENTORY / "group_vars" / name
        assert link.is_symlink() and link.resolve() == (chr_router.LAB_INVENTORY / "group_vars" / name).resolve()
