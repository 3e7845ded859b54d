"""python -m labvm build|start|stop|reset|status|ssh|inventory (with tests/lab on PYTHONPATH)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import yaml

from labvm.image import DEFAULT_SUITE, SUITE_ENV, ImageSpec, build_image
from labvm.vm import LabVM


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labvm", description="The ovpn6 lab's Debian VM.")
    parser.add_argument("--name", default="default", help="instance name (its own overlay and ports)")
    parser.add_argument("--suite", default=None,
                        help=f"Debian release: bookworm (12) or trixie (13); default {SUITE_ENV} or {DEFAULT_SUITE}")
    parser.add_argument("--memory", type=int, default=1024, help="guest memory in MiB")
    parser.add_argument("--cpus", type=int, default=1)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the image (cached by its inputs)")
    build.add_argument("--force", action="store_true", help="rebuild even when cached")
    commands.add_parser("start", help="boot the instance and wait for SSH")
    commands.add_parser("stop", help="shut the instance down (keeps its overlay)")
    commands.add_parser("reset", help="stop and drop the overlay: the next start is a fresh image")
    commands.add_parser("status", help="print the instance's state as JSON")
    ssh = commands.add_parser("ssh", help="run a command in the VM (or an interactive shell)")
    ssh.add_argument("remote", nargs=argparse.REMAINDER)
    commands.add_parser("inventory", help="print an Ansible inventory (YAML) with the VM as host `hub`")
    args = parser.parse_args(argv)

    try:
        spec = ImageSpec(suite=args.suite) if args.suite else ImageSpec()
    except ValueError as exc:
        parser.error(str(exc))
    vm = LabVM(args.name, spec, memory_mb=args.memory, cpus=args.cpus)
    if args.command == "build":
        started = time.monotonic()
        image = build_image(vm.spec, force=args.force)
        print(f"image {image.directory} (build took {image.info['build_seconds']} s; "
              f"this call {time.monotonic() - started:.1f} s)")
    elif args.command == "start":
        seconds = vm.start()
        print(f"VM {vm.name} running: ssh port {vm.ssh_port}, boot to SSH {seconds} s")
    elif args.command == "stop":
        vm.stop()
        print(f"VM {vm.name} stopped")
    elif args.command == "reset":
        vm.reset()
        print(f"VM {vm.name} reset: the next start boots a fresh overlay")
    elif args.command == "status":
        print(json.dumps(vm.status(), indent=2))
    elif args.command == "ssh":
        remote = args.remote[1:] if args.remote[:1] == ["--"] else args.remote
        os.execvp("ssh", [*vm.ssh_command(), *remote])
    elif args.command == "inventory":
        print(yaml.safe_dump(vm.inventory(), sort_keys=False), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
