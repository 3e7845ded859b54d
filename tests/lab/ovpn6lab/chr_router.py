# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real RouterOS CHR as one more router of the lab (Molecule scenario chr), host side.

The CHR is a QEMU process of its own beside the lab VM. Its two NICs are linked to two NICs of the VM
by UDP datagrams on 127.0.0.1 (labvm.vm.link_netdev): ether1 (WAN) to the VM's ``chr-wan``, which the
lab's topology puts on the internet's bridge beside the emulated routers' WANs; ether2 (LAN) to the
VM's NIC that becomes the PC's eth0. The CHR has no other network: its API is reached through the VM
(the VM's forward on 127.0.0.1, then a proxy in the VM to the CHR's WAN address).

Its inventory is molecule/chr/inventory: this module's ``inventory()`` lists the lab's hosts and the
CHR when OVPN6_CHR_IMAGE names an image, and no host at all when not, so every play of the scenario
finds nothing to do, and says why.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import time

import yaml

IMAGE_ENV = "OVPN6_CHR_IMAGE"
CHECKOUT = pathlib.Path(__file__).resolve().parents[3]
LAB_INVENTORY = CHECKOUT / "inventory" / "lab"
CHR_INVENTORY = CHECKOUT / "molecule" / "chr" / "inventory"
# MikroTik, "Cloud Hosted Router, CHR" (help.mikrotik.com/docs/display/ROS/Cloud+Hosted+Router%2C+CHR):
# RouterOS v7 needs RAM = 512 + 8 x CPUs x (interfaces - 1) MiB and the page recommends at least 1024 MiB;
# under Qemu/KVM its usable NICs are Virtio, E1000, vmxnet3 and its disks IDE, Sata, Virtio.
MEMORY_MB = 1024
# The order of the NICs is the order of RouterOS's etherN names.
LINK_ORDER = ("wan", "lan")


class CHRError(RuntimeError):
    pass


def image_from(env: dict | None = None) -> str:
    """The CHR image OVPN6_CHR_IMAGE names ('' when none)."""
    return (os.environ if env is None else env).get(IMAGE_ENV, "").strip()


def check_image(path: str) -> pathlib.Path:
    """The image as a path, or CHRError saying what is wrong with it."""
    image = pathlib.Path(path)
    if not image.is_file():
        raise CHRError(f"{IMAGE_ENV}={path!r}: no such file")
    if image.suffix == ".zip":
        raise CHRError(f"{IMAGE_ENV}={path!r} is the zip MikroTik ships: unzip it and name the .img inside")
    return image


def host_vars(inventory: pathlib.Path = CHR_INVENTORY) -> dict[str, dict]:
    """Host name -> its host_vars file (the lab's routers are links to inventory/lab's)."""
    return {path.stem: yaml.safe_load(path.read_text()) or {} for path in sorted((inventory / "host_vars").glob("*.yml"))}


def chr_routers(inventory: pathlib.Path = CHR_INVENTORY) -> dict[str, dict]:
    """The CHRs of the inventory: name -> ovpn6_lab_router."""
    return {name: data["ovpn6_lab_router"] for name, data in host_vars(inventory).items()
            if data.get("ovpn6_lab_router", {}).get("kind") == "chr"}


def inventory(env: dict | None = None, lab: pathlib.Path = LAB_INVENTORY, chr_inventory: pathlib.Path = CHR_INVENTORY) -> dict:
    """The scenario's inventory (Ansible script-inventory JSON): the lab's hub and routers and the CHRs
    when an image is given; the two groups empty when not."""
    groups = {"ovpn6_hubs": {"hosts": []}, "ovpn6_routers": {"hosts": []}}
    if image_from(env):
        lab_groups = yaml.safe_load((lab / "hosts.yml").read_text())["all"]["children"]
        for group, hosts in groups.items():
            hosts["hosts"] = sorted(lab_groups[group]["hosts"])
        groups["ovpn6_routers"]["hosts"] += sorted(chr_routers(chr_inventory))
    return {**groups, "all": {"children": ["ungrouped", *groups]}, "_meta": {"hostvars": {}}}


def vm_links(routers: dict[str, dict]) -> dict[str, str]:
    """The lab VM's extra NICs for these CHRs: label (<router>-wan, <router>-lan) -> the VM end's MAC."""
    return {f"{name}-{role}": router["links"][role]["vm_mac"] for name, router in routers.items() for role in LINK_ORDER}


def qemu_command(name: str, router: dict, image: pathlib.Path, run_dir: pathlib.Path, vm_links_state: dict,
                 accel: str = "tcg") -> list[str]:
    """The CHR's QEMU command line: the image as a snapshot (the image file is never written), its NICs
    linked to the lab VM's (vm_links_state: the VM's state["links"]), no other network."""
    # the CHR sends to the VM's port and binds its own: the mirror image of labvm.vm.link_netdev
    command = [
        "qemu-system-x86_64", "-name", f"ovpn6-chr-{name}",
        "-machine", "pc", "-accel", accel, "-m", str(MEMORY_MB),
        "-nodefaults", "-display", "none", "-daemonize", "-pidfile", str(pid_file(run_dir, name)),
        "-drive", f"file={image},format={'qcow2' if image.suffix == '.qcow2' else 'raw'},if=virtio,snapshot=on",
    ]
    for index, role in enumerate(LINK_ORDER):
        link = vm_links_state[f"{name}-{role}"]
        command += ["-netdev", f"socket,id=n{index},udp=127.0.0.1:{link['vm_port']},localaddr=127.0.0.1:{link['peer_port']}",
                    "-device", f"virtio-net-pci,netdev=n{index},mac={router['links'][role]['chr_mac']}"]
    return command + ["-serial", f"file:{run_dir / f'chr-{name}.serial.log'}"]


def pid_file(run_dir: pathlib.Path, name: str) -> pathlib.Path:
    return run_dir / f"chr-{name}.pid"


def pid(run_dir: pathlib.Path, name: str) -> int | None:
    """The CHR's QEMU pid, only while that process is still the one we started (its command names it)."""
    try:
        number = int(pid_file(run_dir, name).read_text().strip())
        cmdline = pathlib.Path(f"/proc/{number}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return number if f"ovpn6-chr-{name}".encode() in cmdline and str(run_dir).encode() in cmdline else None


def start(vm, image: pathlib.Path, routers: dict[str, dict]) -> None:
    """Boot each CHR linked to the running lab VM ``vm`` (a labvm.vm.LabVM started with vm_links(routers))."""
    state = vm.state()
    for name, router in routers.items():
        if pid(vm.run_dir, name) is not None:
            continue
        command = qemu_command(name, router, image, vm.run_dir, state["links"], state.get("accel", "tcg"))
        (vm.run_dir / f"chr-{name}.json").write_text(json.dumps({"image": str(image), "command": command}, indent=2) + "\n")
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL)
        print(f"ovpn6lab: CHR {name!r} booting from {image} (console: {vm.run_dir / f'chr-{name}.serial.log'})", flush=True)


def stop(run_dir: pathlib.Path, names) -> None:
    """Stop the CHRs we started (by their pid files only)."""
    for name in names:
        number = pid(run_dir, name)
        if number is None:
            continue
        os.kill(number, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and pid(run_dir, name) is not None:
            time.sleep(0.2)
        if pid(run_dir, name) is not None:
            os.kill(number, signal.SIGKILL)
