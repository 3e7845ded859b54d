"""Build the lab's Debian image: mmdebstrap root file system -> ext4 disk, kernel, initrd, SSH key.

Images are cached under the cache root (OVPN6_LAB_CACHE, default /var/cache/ovpn6-lab), in a directory
named after a hash of everything that shapes them (suite, package list, builder version, disk size), so
only the first build pays. Bump BUILDER_VERSION whenever the customisation below changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import glob
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

BUILDER_VERSION = 2

# What the hub needs for the roles under test, plus the tools the tests use to look at it.
PACKAGES = (
    "systemd",
    "systemd-sysv",
    "udev",
    "dbus",
    "linux-image-amd64",
    "initramfs-tools",
    "kmod",
    "openssh-server",
    "python3",
    "python3-apt",
    "sudo",
    "openvpn",
    "openssl",
    "iproute2",
    "nftables",
    "iptables",
    "iputils-ping",
    "tcpdump",
    "procps",
    # the end-to-end lab: the emulated router's certificate store, the "internet" DNS server
    "python3-cryptography",
    "dnsmasq",
)

DEFAULT_SUITE = "bookworm"
# The Debian releases the lab image is built from; OVPN6_LAB_SUITE picks one (a suite name, or 12 / 13).
SUITES = {"bookworm": "12", "trixie": "13"}
SUITE_ENV = "OVPN6_LAB_SUITE"
DISK_SIZE = "3G"
HOSTNAME = "ovpn6-hub"


def cache_root() -> pathlib.Path:
    return pathlib.Path(os.environ.get("OVPN6_LAB_CACHE", "/var/cache/ovpn6-lab"))


def _log(message: str) -> None:
    print(f"labvm: {message}", file=sys.stderr, flush=True)


def suite_from(value: str) -> str:
    """The suite a user's word names: bookworm or trixie, 12 or 13, debian12 or debian13."""
    word = str(value).strip().lower()
    for suite, number in SUITES.items():
        if word in (suite, number, f"debian{number}", f"debian-{number}"):
            return suite
    choices = ", ".join(f"{suite} ({number})" for suite, number in SUITES.items())
    raise ValueError(f"Debian release {value!r} is not one the lab image is built from: {choices}")


def default_suite() -> str:
    """OVPN6_LAB_SUITE when set, else Debian 12 (bookworm)."""
    return suite_from(os.environ.get(SUITE_ENV) or DEFAULT_SUITE)


@dataclasses.dataclass(frozen=True)
class ImageSpec:
    suite: str = dataclasses.field(default_factory=default_suite)
    packages: tuple[str, ...] = PACKAGES
    disk_size: str = DISK_SIZE

    def __post_init__(self):
        object.__setattr__(self, "suite", suite_from(self.suite))

    def key(self) -> str:
        inputs = {
            "builder_version": BUILDER_VERSION,
            "suite": self.suite,
            "packages": sorted(self.packages),
            "disk_size": self.disk_size,
        }
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
        return f"{self.suite}-{digest[:16]}"

    @property
    def directory(self) -> pathlib.Path:
        return cache_root() / "images" / self.key()


@dataclasses.dataclass(frozen=True)
class Image:
    directory: pathlib.Path

    @property
    def disk(self) -> pathlib.Path:
        return self.directory / "disk.img"

    @property
    def kernel(self) -> pathlib.Path:
        return self.directory / "vmlinuz"

    @property
    def initrd(self) -> pathlib.Path:
        return self.directory / "initrd.img"

    @property
    def ssh_key(self) -> pathlib.Path:
        return self.directory / "id_ed25519"

    @property
    def info(self) -> dict:
        return json.loads((self.directory / "image.json").read_text())


def host_mirrors() -> tuple[str, str | None]:
    """The Debian and Debian-security URIs this machine's apt uses (the only registry reachable here)."""
    debian, security = None, None
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in pathlib.Path(path).read_text().split("\n\n"):
            fields = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line:
                    continue
                name, _colon, value = line.partition(":")
                fields[name.strip().lower()] = value.split()
            for uri in fields.get("uris", []):
                suites = fields.get("suites", [])
                if any(s.endswith("-security") for s in suites):
                    security = security or uri
                elif suites:
                    debian = debian or uri
    one_line = [pathlib.Path("/etc/apt/sources.list")] + [
        pathlib.Path(p) for p in sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
    ]
    for path in one_line:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            match = re.match(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line)
            if not match or "debian" not in match.group(1):
                continue
            if match.group(2).endswith("-security"):
                security = security or match.group(1)
            else:
                debian = debian or match.group(1)
    if debian is None:
        raise RuntimeError("no Debian mirror found in /etc/apt/sources.list*; cannot build the lab image")
    return debian, security


def _mirror_lines(suite: str) -> list[str]:
    debian, security = host_mirrors()
    lines = [f"deb {debian} {suite} main", f"deb {debian} {suite}-updates main"]
    if security:
        lines.append(f"deb {security} {suite}-security main")
    return lines


def _write(path: pathlib.Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def _customise(root: pathlib.Path, public_key: str) -> None:
    """Turn the bare root file system into a headless lab host: console, network, SSH for root."""
    _write(root / "etc/hostname", f"{HOSTNAME}\n")
    _write(root / "etc/hosts", f"127.0.0.1 localhost\n127.0.1.1 {HOSTNAME}\n::1 localhost ip6-localhost\n")
    _write(root / "etc/fstab", "/dev/vda / ext4 rw,errors=remount-ro 0 1\n")
    # net.ifnames=0 on the kernel command line makes the NIC eth0; QEMU's user network answers DHCP.
    # With restrict=on its DHCP names no router, but a hub has a default route (roles read the uplink from
    # it): point it at QEMU's gateway, which drops everything bound outside anyway.
    _write(
        root / "etc/systemd/network/10-lab-uplink.network",
        "[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\nGateway=10.0.2.2\nIPv6AcceptRA=no\n"
        "LinkLocalAddressing=ipv6\n",
    )
    _write(root / "root/.ssh/authorized_keys", public_key, 0o600)
    (root / "root/.ssh").chmod(0o700)
    _write(root / "etc/ssh/sshd_config.d/10-lab.conf", "PermitRootLogin prohibit-password\nUseDNS no\n")
    # The VM has no network beyond its host: nothing should wait for it or try to reach a mirror.
    for unit in ("systemd-networkd.service", "ssh.service", "systemd-networkd.socket"):
        subprocess.run(["systemctl", f"--root={root}", "enable", unit], check=True, capture_output=True)
    masked = (
        "systemd-networkd-wait-online.service",
        "apt-daily.timer",
        "apt-daily-upgrade.timer",
        "man-db.timer",
        "e2scrub_all.timer",
        "fstrim.timer",
    )
    for unit in masked:
        subprocess.run(["systemctl", f"--root={root}", "mask", unit], check=True, capture_output=True)
    _write(root / "etc/apt/sources.list", "# the lab VM has no network: nothing to fetch\n")
    for path in (root / "etc/apt/sources.list.d").glob("*"):
        path.unlink()


@contextlib.contextmanager
def _locked(path: pathlib.Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_image(spec: ImageSpec | None = None, force: bool = False) -> Image:
    """Return the cached image for spec, building it first when it is missing (or force is set)."""
    spec = spec or ImageSpec()
    image = Image(spec.directory)
    with _locked(spec.directory.with_suffix(".lock")):
        if (image.directory / "image.json").exists() and not force:
            return image
        for tool in ("mmdebstrap", "mkfs.ext4", "ssh-keygen"):
            if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
                raise RuntimeError(f"{tool} is not installed (make deps installs it)")
        started = time.monotonic()
        staging = pathlib.Path(tempfile.mkdtemp(prefix=f"{spec.key()}.", dir=spec.directory.parent))
        try:
            _build_into(spec, staging)
            seconds = round(time.monotonic() - started, 1)
            info = {"key": spec.key(), "suite": spec.suite, "packages": list(spec.packages),
                    "builder_version": BUILDER_VERSION, "build_seconds": seconds,
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            (staging / "image.json").write_text(json.dumps(info, indent=2) + "\n")
            if image.directory.exists():
                shutil.rmtree(image.directory)
            staging.rename(image.directory)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        _log(f"built image {spec.key()} in {seconds} s")
        return image


def _build_into(spec: ImageSpec, staging: pathlib.Path) -> None:
    rootfs = staging / "rootfs"
    key = staging / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ovpn6-lab", "-f", str(key)], check=True)
    command = [
        "mmdebstrap", "--variant=apt", "--mode=root", "--format=directory",
        "--include=" + ",".join(spec.packages),
        "--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        spec.suite, str(rootfs), *_mirror_lines(spec.suite),
    ]
    _log(f"mmdebstrap {spec.suite} ({len(spec.packages)} packages) into {rootfs}")
    subprocess.run(command, check=True)
    _customise(rootfs, (staging / "id_ed25519.pub").read_text())
    kernels = sorted((rootfs / "boot").glob("vmlinuz-*"))
    initrds = sorted((rootfs / "boot").glob("initrd.img-*"))
    if not kernels or not initrds:
        raise RuntimeError(f"no kernel or initrd in {rootfs}/boot after mmdebstrap")
    shutil.copyfile(kernels[-1], staging / "vmlinuz")
    shutil.copyfile(initrds[-1], staging / "initrd.img")
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "ovpn6-root", "-d", str(rootfs),
                    str(staging / "disk.img"), spec.disk_size], check=True)
    shutil.rmtree(rootfs)
    (staging / "disk.img").chmod(0o444)
