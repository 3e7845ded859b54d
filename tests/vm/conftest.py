"""Fixtures for tests that need the lab VM (marked `vm`, run by `make lab-test`, not by plain pytest).

`lab_vm` builds the image (cached under /var/cache/ovpn6-lab, so only the first run pays), boots one
instance for the whole session on a fresh overlay, and destroys it at the end. Tests that need a
pristine hub call `lab_vm.restart_fresh()`; `lab_vm.inventory(...)` gives an Ansible inventory with
the VM as host `hub` in ovpn6_hubs.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import time

import pytest
from labvm.image import ImageSpec, build_image
from labvm.vm import LabVM

# One playbook runner for every suite: the integration suite's run_playbook fixture, loaded from its conftest.
_spec = importlib.util.spec_from_file_location(
    "ovpn6_integration_conftest", pathlib.Path(__file__).resolve().parents[1] / "integration" / "conftest.py")
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)
run_playbook = _integration.run_playbook
# A hub playbook under TCG on a busy 2-core machine has run past the emulator suite's 300 s.
_integration.PLAYBOOK_TIMEOUT = 1200

TIMINGS: dict[str, float] = {}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/vm/" in str(item.path):
            item.add_marker(pytest.mark.vm)


@pytest.fixture(scope="session")
def lab_vm():
    spec = ImageSpec()  # Debian 12, or the release OVPN6_LAB_SUITE names (13 or trixie)
    started = time.monotonic()
    image = build_image(spec)
    TIMINGS["image build (0 when cached)"] = image.info["build_seconds"] if time.monotonic() - started > 5 else 0.0
    vm = LabVM(name=f"pytest-{os.getpid()}", spec=spec)
    vm.reset()
    TIMINGS["boot to SSH"] = vm.start()
    try:
        yield vm
    finally:
        vm.destroy()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("lab VM timings")
        for label, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{label}: {seconds} s")
