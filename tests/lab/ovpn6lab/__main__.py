# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m ovpn6lab up|demo|stop|destroy|status (with tests/lab on PYTHONPATH, from the checkout root).

``up`` boots the lab VM (building its image once, cached) with one API forward per router of
inventory/lab, then runs tests/lab/lab_topology.yml to build the namespaces and start the
emulated routers. The instance name comes from OVPN6_LAB_VM (default ``lab``), as in inventory/lab.
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


def lab_vm() -> LabVM:
    return LabVM(os.environ.get("OVPN6_LAB_VM", "lab"), forwards=router_forwards())


def ansible_playbook_with(inventory: pathlib.Path, *args: str) -> None:
    env = dict(os.environ, ANSIBLE_CONFIG=str(CHECKOUT / "ansible.cfg"))
    command = [str(CHECKOUT / ".venv" / "bin" / "ansible-playbook"), "-i", str(inventory), *args]
    subprocess.run(command, check=True, cwd=CHECKOUT, env=env, stdin=subprocess.DEVNULL)


def ansible_playbook(*args: str) -> None:
    ansible_playbook_with(INVENTORY, *args)


def up() -> dict:
    vm = lab_vm()
    timings = {"boot_to_ssh": vm.start()}
    started = time.monotonic()
    ansible_playbook(str(CHECKOUT / "tests" / "lab" / "lab_topology.yml"))
    timings["topology"] = round(time.monotonic() - started, 1)
    return timings


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
    args = parser.parse_args(argv)
    vm = lab_vm()
    if args.command == "up":
        print(json.dumps(up()))
    elif args.command == "demo":
        return demo()
    elif args.command == "stop":
        vm.stop()
    elif args.command == "destroy":
        vm.destroy()
    else:
        print(json.dumps(vm.status(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
