# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m ovpn6lab up|demo|stop|destroy|status (with tests/lab on PYTHONPATH, from the checkout root).

``up`` boots the lab VM (building its image once, cached) with one API forward per router of
inventory/lab, then runs tests/lab/lab_topology.yml to build the namespaces and start the
emulated routers. The instance name comes from OVPN6_LAB_VM (default ``lab``), as in inventory/lab.
``up --with-chr`` does the same for molecule/chr/inventory: the VM gets the links to the CHR that
OVPN6_CHR_IMAGE names (ovpn6lab/chr_router.py), the CHR boots, then the topology wires it in.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import yaml
from labvm.vm import LabVM
from ovpn6lab import chr_router

CHECKOUT = pathlib.Path(__file__).resolve().parents[3]
INVENTORY = CHECKOUT / "inventory" / "lab"


def router_forwards(inventory: pathlib.Path = INVENTORY) -> dict[str, int]:
    """Router name -> guest API port, from the lab inventory's host_vars (one source of truth)."""
    forwards = {}
    for path in sorted((inventory / "host_vars").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        if "ovpn6_lab_router" in data:
            forwards[path.stem] = int(data["ovpn6_lab_router"]["guest_api_port"])
    return forwards


def lab_vm(with_chr: bool = False) -> LabVM:
    name = os.environ.get("OVPN6_LAB_VM", "lab")
    if not with_chr:
        return LabVM(name, forwards=router_forwards())
    return LabVM(name, forwards=router_forwards(chr_router.CHR_INVENTORY),
                 links=chr_router.vm_links(chr_router.chr_routers()))


def ansible_playbook_with(inventory: pathlib.Path, *args: str, capture: bool = False,
                          timeout: float | None = None) -> subprocess.CompletedProcess:
    """ansible-playbook on the lab with ``inventory``. Raises if it fails, unless ``capture``: then its
    output (without colour) is returned for the caller to judge."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(CHECKOUT / "ansible.cfg"))
    if capture:
        env["ANSIBLE_NOCOLOR"] = "1"
    command = [str(CHECKOUT / ".venv" / "bin" / "ansible-playbook"), "-i", str(inventory), *args]
    return subprocess.run(command, check=not capture, cwd=CHECKOUT, env=env, stdin=subprocess.DEVNULL,
                          capture_output=capture, text=True, timeout=timeout)


def ansible_playbook(*args: str) -> None:
    ansible_playbook_with(INVENTORY, *args)


def up(with_chr: bool = False) -> dict:
    image = None
    if with_chr:
        # refused before anything boots
        image = chr_router.check_image(chr_router.image_from())
    vm = lab_vm(with_chr)
    timings = {"boot_to_ssh": vm.start()}
    if with_chr:
        if set(vm.state().get("links", {})) != set(vm.links):
            raise SystemExit(f"ovpn6lab: VM {vm.name!r} runs without the links to the CHR: stop it first "
                             "(python -m ovpn6lab stop)")
        chr_router.start(vm, image, chr_router.chr_routers())
    started = time.monotonic()
    # the CHR boots while the topology is built; lab_topology.yml waits for its API
    ansible_playbook_with(chr_router.CHR_INVENTORY if with_chr else INVENTORY,
                          str(CHECKOUT / "tests" / "lab" / "lab_topology.yml"))
    timings["topology"] = round(time.monotonic() - started, 1)
    return timings


def stop_chrs(vm: LabVM) -> None:
    chr_router.stop(vm.run_dir, chr_router.chr_routers())


def demo() -> int:
    """make demo: boot the lab, converge it with site.yml, prove it with packets, summarise, stop the VM."""
    from ovpn6lab.summary import summary

    started = time.monotonic()
    vm = lab_vm()
    try:
        up()
        ansible_playbook(str(CHECKOUT / "playbooks" / "site.yml"))
        ansible_playbook(str(CHECKOUT / "tests" / "lab" / "lab_verify.yml"))
        print("\n" + summary(vm.run_dir / "proofs.json", seconds=time.monotonic() - started), flush=True)
    finally:
        vm.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ovpn6lab", description="The ovpn6 end-to-end lab.")
    parser.add_argument("command", choices=("up", "demo", "stop", "destroy", "status"))
    parser.add_argument("--with-chr", action="store_true",
                        help=f"up: add the CHR of molecule/chr/inventory, booted from {chr_router.IMAGE_ENV}")
    args = parser.parse_args(argv)
    vm = lab_vm()
    if args.command == "up":
        try:
            print(json.dumps(up(args.with_chr)))
        except chr_router.CHRError as exc:
            parser.exit(2, f"ovpn6lab: {exc}\n")
    elif args.command == "demo":
        return demo()
    elif args.command == "stop":
        stop_chrs(vm)
        vm.stop()
    elif args.command == "destroy":
        stop_chrs(vm)
        vm.destroy()
    else:
        print(json.dumps(vm.status(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
