"""Which accelerator the lab VM runs under: KVM where it works, TCG otherwise.

On some hosts /dev/kvm exists but a guest under KVM never runs (it hangs before its first console line),
so the device alone proves nothing. With OVPN6_LAB_ACCEL=auto (the default) the lab boots the image's
kernel alone under KVM, with no disk, and waits a few seconds (OVPN6_LAB_KVM_PROBE_SECONDS, default 5) for
its first console line ("Linux version ..."): seen, KVM is used; not seen, the probe is killed and the lab
falls back to TCG. The verdict is kept for the host's boot (cache root/kvm-probe.json), so a hanging KVM
costs its few seconds once, not at every VM start. OVPN6_LAB_ACCEL=kvm or tcg forces one without a probe.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping

ACCEL_ENV = "OVPN6_LAB_ACCEL"
PROBE_SECONDS_ENV = "OVPN6_LAB_KVM_PROBE_SECONDS"
CHOICES = ("auto", "kvm", "tcg")
DEFAULT_PROBE_SECONDS = 5.0
# The kernel's first line on the console, printed before anything else it does.
FIRST_LINE = b"Linux version "


class AccelError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Choice:
    accel: str
    reason: str


def requested(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    value = env.get(ACCEL_ENV, "").strip().lower() or "auto"
    if value not in CHOICES:
        raise AccelError(f"{ACCEL_ENV}={env.get(ACCEL_ENV)!r} is not one of {', '.join(CHOICES)}")
    return value


def probe_seconds(env: Mapping[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    raw = env.get(PROBE_SECONDS_ENV, "").strip()
    if not raw:
        return DEFAULT_PROBE_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 120:
        raise AccelError(f"{PROBE_SECONDS_ENV}={raw!r} is not a number of seconds between 0 and 120")
    return seconds


def kvm_device(path: str = "/dev/kvm") -> tuple[bool, str]:
    if not os.path.exists(path):
        return False, f"{path} does not exist"
    if not os.access(path, os.R_OK | os.W_OK):
        return False, f"{path} is not readable and writable by this user"
    return True, f"{path} is usable"


def decide(wanted: str, device: tuple[bool, str], probe: Callable[[], tuple[bool, str]]) -> Choice:
    """The decision alone: probe is called only when auto has a KVM device to try."""
    if wanted == "tcg":
        return Choice("tcg", f"{ACCEL_ENV}=tcg")
    if wanted == "kvm":
        return Choice("kvm", f"{ACCEL_ENV}=kvm (no probe)")
    usable, why = device
    if not usable:
        return Choice("tcg", f"no KVM: {why}")
    works, detail = probe()
    if works:
        return Choice("kvm", f"KVM probe: {detail}")
    return Choice("tcg", f"KVM probe failed, falling back to TCG: {detail}")


def probe_kvm(kernel: pathlib.Path, seconds: float) -> tuple[bool, str]:
    """Boot kernel alone under KVM and wait up to seconds for its first console line."""
    with tempfile.TemporaryDirectory(prefix="ovpn6-kvm-probe.") as directory:
        console = pathlib.Path(directory) / "console.log"
        command = [
            "qemu-system-x86_64", "-name", "ovpn6-kvm-probe", "-machine", "pc", "-accel", "kvm", "-cpu", "host",
            "-m", "128", "-nodefaults", "-display", "none", "-no-reboot",
            "-kernel", str(kernel), "-append", "console=ttyS0 earlyprintk=ttyS0 ignore_loglevel panic=-1",
            "-serial", f"file:{console}",
        ]
        started = time.monotonic()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            while time.monotonic() - started < seconds:
                if console.exists() and FIRST_LINE in console.read_bytes():
                    return True, f"first console line after {time.monotonic() - started:.1f} s"
                if process.poll() is not None:
                    error = process.stderr.read().decode(errors="replace").strip()
                    return False, f"qemu exited {process.returncode} before any console line: {error[-300:]}"
                time.sleep(0.1)
            return False, f"no console line within {seconds:g} s"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            process.stderr.close()


def _host_boot_id() -> str:
    try:
        return pathlib.Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return "unknown"


def choose(kernel: pathlib.Path, cache_file: pathlib.Path, env: Mapping[str, str] | None = None,
           device: tuple[bool, str] | None = None,
           probe: Callable[[pathlib.Path, float], tuple[bool, str]] = probe_kvm) -> Choice:
    """The accelerator for a VM: forced by the environment, else the probe's verdict for this host boot."""
    env = os.environ if env is None else env
    wanted = requested(env)
    seconds = probe_seconds(env)
    boot_id = _host_boot_id()
    if wanted == "auto":
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        if cached.get("boot_id") == boot_id and cached.get("accel") in ("kvm", "tcg"):
            return Choice(cached["accel"], f"{cached['reason']} (probed earlier in this host boot)")
    choice = decide(wanted, device or kvm_device(), lambda: probe(kernel, seconds))
    if wanted == "auto":
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps({"boot_id": boot_id, "accel": choice.accel, "reason": choice.reason}) + "\n",
                              encoding="utf-8")
    return choice
