"""Run one instance of the lab image under QEMU (KVM where it proves to work, else TCG: labvm.accel), on
its own qcow2 overlay.

Each instance has a run directory (cache root/run/<name>) holding its overlay, serial console log and
state. The VM's only link is QEMU's user network with restrict=on; the host reaches it through
forwards bound to 127.0.0.1 (SSH, and any extra guest ports asked for).
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

from labvm.accel import AccelError, choose
from labvm.image import Image, ImageSpec, build_image, cache_root

SSH_OPTIONS = (
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR",
    "-o", "IdentitiesOnly=yes",
    "-o", "BatchMode=yes",
)
KERNEL_ARGS = "root=/dev/vda rw console=ttyS0 net.ifnames=0 loglevel=4 systemd.show_status=auto"


class LabVMError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _free_udp_pair() -> tuple[int, int]:
    """Two distinct free UDP ports on 127.0.0.1 (both held until both are known)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as one, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as two:
        one.bind(("127.0.0.1", 0))
        two.bind(("127.0.0.1", 0))
        return one.getsockname()[1], two.getsockname()[1]


def _log(message: str) -> None:
    print(f"labvm: {message}", file=sys.stderr, flush=True)


def link_netdev(netdev_id: str, link: dict) -> str:
    """A QEMU netdev for one end of a link between two QEMU processes: UDP datagrams on 127.0.0.1 only.

    The VM binds link["vm_port"] and sends to link["peer_port"]; the peer (a CHR, ovpn6lab.chr) does
    the reverse. UDP, unlike a listen/connect pair, lets either side start or restart first.
    """
    return f"socket,id={netdev_id},udp=127.0.0.1:{link['peer_port']},localaddr=127.0.0.1:{link['vm_port']}"


def qemu_command(name: str, accel: str, memory_mb: int, cpus: int, pid_file: pathlib.Path, image: Image,
                 overlay: pathlib.Path, serial_log: pathlib.Path, ssh_port: int, forwards: dict, links: dict) -> list[str]:
    """The lab VM's QEMU command line: its user network (restricted, forwards on 127.0.0.1 only) as eth0,
    then one NIC per link (eth1, ...), each with the MAC that the lab's topology finds it by."""
    hostfwd = f"hostfwd=tcp:127.0.0.1:{ssh_port}-:22"
    for entry in forwards.values():
        hostfwd += f",hostfwd=tcp:127.0.0.1:{entry['host_port']}-:{entry['guest_port']}"
    command = [
        "qemu-system-x86_64", "-name", f"ovpn6-lab-{name}",
        "-machine", "pc", "-accel", accel, "-cpu", "max", "-m", str(memory_mb), "-smp", str(cpus),
        "-nodefaults", "-display", "none", "-daemonize", "-pidfile", str(pid_file),
        "-kernel", str(image.kernel), "-initrd", str(image.initrd), "-append", KERNEL_ARGS,
        "-drive", f"file={overlay},if=virtio,format=qcow2,cache=unsafe",
        "-netdev", f"user,id=n0,restrict=on,{hostfwd}",
        "-device", "virtio-net-pci,netdev=n0",
    ]
    for index, link in enumerate(links.values(), start=1):
        command += ["-netdev", link_netdev(f"n{index}", link), "-device", f"virtio-net-pci,netdev=n{index},mac={link['mac']}"]
    return command + ["-device", "virtio-rng-pci", "-serial", f"file:{serial_log}"]


class LabVM:
    """One lab VM instance. `start()` builds the image if needed (cached) and boots it."""

    def __init__(self, name: str = "default", spec: ImageSpec | None = None, memory_mb: int = 1024,
                 cpus: int = 1, forwards: dict[str, int] | None = None, links: dict[str, str] | None = None):
        self.name = name
        self.spec = spec or ImageSpec()
        self.memory_mb = memory_mb
        self.cpus = cpus
        # extra guest TCP ports to reach from the host, by label: {"openvpn": 1194}
        self.forwards = dict(forwards or {})
        # extra NICs linked to another QEMU process on 127.0.0.1, by label, with the guest NIC's MAC:
        # {"chr-wan": "52:54:00:6c:00:01"} (labvm.vm.link_netdev)
        self.links = dict(links or {})
        self.run_dir = cache_root() / "run" / name

    # -- files of this instance
    @property
    def overlay(self) -> pathlib.Path:
        return self.run_dir / "overlay.qcow2"

    @property
    def serial_log(self) -> pathlib.Path:
        return self.run_dir / "serial.log"

    @property
    def _state_file(self) -> pathlib.Path:
        return self.run_dir / "state.json"

    @property
    def _pid_file(self) -> pathlib.Path:
        return self.run_dir / "qemu.pid"

    def state(self) -> dict:
        if self._state_file.exists():
            return json.loads(self._state_file.read_text())
        return {}

    @property
    def image(self) -> Image:
        return Image(self.spec.directory)

    @property
    def ssh_port(self) -> int:
        port = self.state().get("ssh_port")
        if port is None:
            raise LabVMError(f"lab VM {self.name!r} is not running")
        return port

    def forward_port(self, label: str) -> int:
        """Host port on 127.0.0.1 forwarded to the guest port registered under label."""
        return self.state()["forwards"][label]["host_port"]

    # -- lifecycle
    def pid(self) -> int | None:
        try:
            pid = int(self._pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        # a recycled pid belongs to someone else: only ours names our overlay
        return pid if str(self.overlay).encode() in cmdline else None

    def running(self) -> bool:
        return self.pid() is not None

    def start(self, timeout: float = 300) -> float:
        """Boot (building the image first if needed); return the seconds from QEMU start to working SSH."""
        if self.running():
            return 0.0
        image = build_image(self.spec)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if self.overlay.exists() and self._overlay_backing() != str(image.disk):
            # the overlay belongs to an older image (its SSH key is not the current one): start afresh
            self.reset()
        if not self.overlay.exists():
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", str(image.disk),
                            str(self.overlay)], check=True)
        try:
            accel = choose(image.kernel, cache_root() / "kvm-probe.json")
        except AccelError as exc:
            raise LabVMError(str(exc)) from exc
        _log(f"VM {self.name!r}: accelerator {accel.accel} ({accel.reason})")
        ssh_port = _free_port()
        forwards = {label: {"guest_port": guest, "host_port": _free_port()} for label, guest in self.forwards.items()}
        links = {label: dict(zip(("vm_port", "peer_port"), _free_udp_pair()), mac=mac) for label, mac in self.links.items()}
        command = qemu_command(self.name, accel.accel, self.memory_mb, self.cpus, self._pid_file, image,
                               self.overlay, self.serial_log, ssh_port, forwards, links)
        self._state_file.write_text(json.dumps({
            "ssh_port": ssh_port, "forwards": forwards, "links": links, "image": self.spec.key(),
            "key": str(image.ssh_key), "command": command, "accel": accel.accel, "accel_reason": accel.reason,
        }, indent=2) + "\n")
        started = time.monotonic()
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL)
        self.wait_for_ssh(timeout)
        seconds = round(time.monotonic() - started, 1)
        _log(f"VM {self.name!r} up: SSH on 127.0.0.1:{ssh_port} after {seconds} s")
        return seconds

    def _overlay_backing(self) -> str | None:
        info = subprocess.run(["qemu-img", "info", "-U", "--output=json", str(self.overlay)],
                              capture_output=True, text=True, check=False)
        return json.loads(info.stdout).get("backing-filename") if info.returncode == 0 else None

    def stop(self, graceful: bool = True, timeout: float = 60) -> None:
        pid = self.pid()
        if pid is None:
            return
        if graceful:
            # a clean shutdown keeps the overlay's file system consistent for the next start
            self.ssh("systemctl poweroff --no-block", check=False, timeout=15)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.pid() is not None:
                time.sleep(0.5)
        if self.pid() is not None:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and self.pid() is not None:
                time.sleep(0.2)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)

    def reset(self) -> None:
        """Throw away the instance's changes: stop it and drop its overlay."""
        self.stop(graceful=False)
        for path in (self.overlay, self._state_file, self.serial_log):
            path.unlink(missing_ok=True)

    def restart_fresh(self, timeout: float = 300) -> float:
        """Start over from the pristine image (new overlay); return the boot-to-SSH seconds."""
        self.reset()
        return self.start(timeout)

    def destroy(self) -> None:
        self.stop(graceful=False)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def status(self) -> dict:
        state = self.state()
        return {
            "name": self.name,
            "running": self.running(),
            "pid": self.pid(),
            "ssh_port": state.get("ssh_port") if self.running() else None,
            "forwards": state.get("forwards", {}) if self.running() else {},
            "links": state.get("links", {}) if self.running() else {},
            "image": self.spec.key(),
            "accel": state.get("accel") if self.running() else None,
            "image_built": (self.image.directory / "image.json").exists(),
            "run_dir": str(self.run_dir),
        }

    # -- access
    def ssh_command(self) -> list[str]:
        return ["ssh", *SSH_OPTIONS, "-i", str(self.image.ssh_key), "-p", str(self.ssh_port), "root@127.0.0.1"]

    def ssh(self, command: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        try:
            # stdin of its own: ssh makes its stdin non-blocking and, killed by a timeout (a rebooting VM),
            # leaves it so, which a shared stdin would pass on to ansible-playbook ("requires blocking IO").
            result = subprocess.run([*self.ssh_command(), command], capture_output=True, text=True, timeout=timeout,
                                    check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            if check:
                raise LabVMError(f"lab VM {self.name!r}: {command!r} timed out after {timeout} s") from exc
            return subprocess.CompletedProcess(exc.cmd, 255, "", "timeout")
        if check and result.returncode != 0:
            raise LabVMError(f"lab VM {self.name!r}: {command!r} exited {result.returncode}: {result.stderr.strip()}")
        return result

    def wait_for_ssh(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise LabVMError(f"lab VM {self.name!r} exited while booting; console:\n{self.console_tail()}")
            if self.ssh("true", check=False, timeout=20).returncode == 0:
                return
            time.sleep(1)
        raise LabVMError(f"lab VM {self.name!r}: no SSH after {timeout} s; console:\n{self.console_tail()}")

    def boot_id(self) -> str:
        return self.ssh("cat /proc/sys/kernel/random/boot_id").stdout.strip()

    def reboot(self, timeout: float = 300) -> float:
        """Reboot the guest and wait until SSH answers from the new boot; return the seconds it took."""
        before = self.boot_id()
        started = time.monotonic()
        self.ssh("systemctl reboot --no-block", check=False, timeout=15)
        deadline = started + timeout
        while time.monotonic() < deadline:
            time.sleep(2)
            if self.ssh("true", check=False, timeout=20).returncode == 0 and self.boot_id() != before:
                return round(time.monotonic() - started, 1)
        raise LabVMError(f"lab VM {self.name!r}: not back {timeout} s after reboot; console:\n{self.console_tail()}")

    def console_tail(self, lines: int = 40) -> str:
        if not self.serial_log.exists():
            return "(no console log)"
        return "\n".join(self.serial_log.read_text(errors="replace").splitlines()[-lines:])

    # -- Ansible
    def host_vars(self) -> dict:
        return {
            "ansible_host": "127.0.0.1",
            "ansible_port": self.ssh_port,
            "ansible_user": "root",
            "ansible_ssh_private_key_file": str(self.image.ssh_key),
            "ansible_ssh_common_args": " ".join(SSH_OPTIONS),
            "ansible_python_interpreter": "/usr/bin/python3",
            # every module run costs seconds under TCG: pipelining saves the file transfers
            "ansible_pipelining": True,
        }

    def inventory(self, hub_name: str = "hub", hub_vars: dict | None = None, routers: dict | None = None,
                  all_vars: dict | None = None) -> dict:
        """An Ansible inventory (YAML structure) with this VM as the one host of ovpn6_hubs."""
        return {
            "all": {
                "vars": dict(all_vars or {}),
                "children": {
                    "ovpn6_hubs": {"hosts": {hub_name: {**self.host_vars(), **(hub_vars or {})}}},
                    "ovpn6_routers": {"hosts": dict(routers or {})},
                },
            }
        }
