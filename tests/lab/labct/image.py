"""Build (once) the Podman images of the hub-containers scenario from Debian packages.

An image is `localhost/ovpn6-hub:<release>-<hash>`, the hash taken over everything that shapes it (suite,
packages, customisation, builder version). It is built only when that tag is missing: mmdebstrap writes a
tar stream of the root file system and `podman import` turns it into an image whose command is systemd.
The short tag `localhost/ovpn6-hub:<release>` is moved to the current build, so the scenario names a
stable tag. These images are kept on purpose after `molecule destroy` (the cache);
`python -m labct prune` removes every build but the current ones.

A user whose CI has a registry names a ready image instead: OVPN6_HUB_IMAGE_DEBIAN12 and
OVPN6_HUB_IMAGE_DEBIAN13 (the scenario pulls those and builds nothing). Such an image needs systemd as
/sbin/init, python3, openvpn, nftables and iproute2 (the package list below).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time

from labvm.image import host_mirrors

BUILDER_VERSION = 1
REPOSITORY = "localhost/ovpn6-hub"
# Debian release number -> suite. Only Debian's archive is reachable here.
RELEASES = {"debian12": "bookworm", "debian13": "trixie"}

# What the hub roles need (openvpn_server, sit_tunnel's hub side) and what the checks use; the role would
# install the same with apt, but the containers have no way out to a mirror.
PACKAGES = (
    "systemd",
    "systemd-sysv",
    "dbus",
    "python3",
    "python3-apt",
    "openvpn",
    "openssl",
    "iproute2",
    "nftables",
    "iputils-ping",
    "procps",
)
# Packages one release needs beyond the list (none so far: both ship systemd-networkd inside systemd).
EXTRA_PACKAGES: dict[str, tuple[str, ...]] = {}

# Units that have nothing to do in a container without a network beyond its bridge.
MASKED_UNITS = (
    "apt-daily.timer",
    "apt-daily-upgrade.timer",
    "dpkg-db-backup.timer",
    "e2scrub_all.timer",
    "fstrim.timer",
    "systemd-networkd-wait-online.service",
)

# The image's settings (JSON form: a shell form would make sh PID 1 and systemd refuse to boot).
IMAGE_CHANGES = ('CMD ["/sbin/init"]', "STOPSIGNAL SIGRTMIN+3")

ENV_OVERRIDE = "OVPN6_HUB_IMAGE_{release}"


def _log(message: str) -> None:
    print(f"labct: {message}", file=sys.stderr, flush=True)


def podman(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], check=check, text=True, capture_output=True, **kwargs)


@dataclasses.dataclass(frozen=True)
class HubImage:
    release: str

    def __post_init__(self):
        if self.release not in RELEASES:
            raise ValueError(f"release {self.release!r} is not one of {', '.join(sorted(RELEASES))}")

    @property
    def suite(self) -> str:
        return RELEASES[self.release]

    @property
    def packages(self) -> tuple[str, ...]:
        return PACKAGES + EXTRA_PACKAGES.get(self.suite, ())

    def recipe(self) -> dict:
        return {"builder_version": BUILDER_VERSION, "suite": self.suite, "packages": sorted(self.packages),
                "masked": sorted(MASKED_UNITS), "hooks": self._hooks(), "changes": list(IMAGE_CHANGES)}

    def key(self) -> str:
        digest = hashlib.sha256(json.dumps(self.recipe(), sort_keys=True).encode()).hexdigest()
        return digest[:16]

    @property
    def tag(self) -> str:
        return f"{REPOSITORY}:{self.release}-{self.key()}"

    @property
    def alias(self) -> str:
        return f"{REPOSITORY}:{self.release}"

    @property
    def override(self) -> str | None:
        return os.environ.get(ENV_OVERRIDE.format(release=self.release.upper())) or None

    def _hooks(self) -> list[str]:
        masks = " ".join(MASKED_UNITS)
        return [
            f'systemctl --root="$1" mask {masks}',
            # the container has no mirror to reach: apt has no sources to try
            'rm -f "$1"/etc/apt/sources.list "$1"/etc/apt/sources.list.d/*',
            'echo "# the hub container has no network beyond its bridge" > "$1"/etc/apt/sources.list',
        ]

    def exists(self) -> bool:
        return podman("image", "exists", self.tag, check=False).returncode == 0

    def ensure(self) -> str:
        """The image to run: the user's override, else the cached build (built first when missing)."""
        if self.override:
            _log(f"{self.release}: using {self.override} (from {ENV_OVERRIDE.format(release=self.release.upper())})")
            return self.override
        if not self.exists():
            self.build()
        podman("tag", self.tag, self.alias)
        return self.alias

    def build(self) -> None:
        debian, security = host_mirrors()
        mirrors = [f"deb {debian} {self.suite} main", f"deb {debian} {self.suite}-updates main"]
        if security:
            mirrors.append(f"deb {security} {self.suite}-security main")
        command = [
            "mmdebstrap", "--variant=apt", "--mode=root", "--format=tar", "--quiet",
            "--include=" + ",".join(self.packages),
            "--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-exclude=/usr/share/man/*",
            "--dpkgopt=path-exclude=/usr/share/locale/*",
            *[f"--customize-hook={hook}" for hook in self._hooks()],
            self.suite, "-", *mirrors,
        ]
        importer = [
            "podman", "import", "--quiet",
            *[argument for change in IMAGE_CHANGES for argument in ("--change", change)],
            "--change", f"LABEL ovpn6.recipe={self.key()}",
            "-", self.tag,
        ]
        _log(f"building {self.tag}: mmdebstrap {self.suite} ({len(self.packages)} packages) | podman import")
        started = time.monotonic()
        with subprocess.Popen(command, stdout=subprocess.PIPE) as debootstrap:
            imported = subprocess.run(importer, stdin=debootstrap.stdout, capture_output=True, text=True,
                                      check=False)
            debootstrap.stdout.close()
            debootstrap.wait()
        if debootstrap.returncode != 0 or imported.returncode != 0:
            podman("rmi", "--force", self.tag, check=False)
            raise RuntimeError(f"building {self.tag} failed: {shlex.join(command)} exited {debootstrap.returncode}, "
                               f"podman import exited {imported.returncode}: {imported.stderr.strip()}")
        _log(f"built {self.tag} in {time.monotonic() - started:.0f} s")

    def prune(self) -> list[str]:
        """Remove the builds of this release other than the current one; return their tags."""
        listed = podman("images", "--format", "{{.Repository}}:{{.Tag}}", REPOSITORY).stdout.split()
        stale = [tag for tag in listed if tag.startswith(f"{REPOSITORY}:{self.release}-") and tag != self.tag]
        for tag in stale:
            podman("rmi", tag, check=False)
        return stale
