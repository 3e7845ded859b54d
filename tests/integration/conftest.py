# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by every integration test.

``routeros``: an emulated router on 127.0.0.1, once per tested release (the emulator's TEST_RELEASES).
``run_playbook(text_or_path, extra_vars=..., check=False, diff=False, inventory=...)``: runs the
real ``ansible-playbook`` with the JSON callback and returns per-task results; ``playbook_runner(workdir)``
and the module-scoped ``run_playbook_module`` give
the same function to fixtures of a wider scope.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ovpn6_testkit.inventory import local_host
from routeros_emu.evidence import TEST_RELEASES
from routeros_emu.testing import EmulatedRouter

CHECKOUT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Seconds an ansible-playbook run may take before the test fails (tests/vm raises it for the lab VM).
PLAYBOOK_TIMEOUT = 300


@pytest.fixture(params=TEST_RELEASES)
def routeros(request):
    """An emulated router of each lab release, factory state, API and API-SSL on 127.0.0.1."""
    with EmulatedRouter(release=request.param, password="lab-secret") as router:
        yield router


class TaskResult(dict):
    """One task's outcome on one host: name, host, changed, failed, skipped, msg, diff, result."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class PlaybookResult(list):
    """The list of TaskResult in run order, plus rc, stats and the raw output."""

    def __init__(self, tasks, rc, stats, stdout, stderr):
        super().__init__(tasks)
        self.rc = rc
        self.stats = stats
        self.stdout = stdout
        self.stderr = stderr

    def task(self, name, host=None):
        for result in self:
            if result["name"] == name and (host is None or result["host"] == host):
                return result
        raise KeyError("no task named %r in %s" % (name, [r["name"] for r in self]))

    @property
    def changed(self):
        return [r for r in self if r["changed"]]

    @property
    def failed(self):
        return [r for r in self if r["failed"]]


def _default_inventory(workdir):
    inventory = {"all": {"hosts": {"localhost": local_host()}}}
    path = workdir / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory))
    return path


def _parse(stdout):
    start = stdout.find("{")
    data = json.loads(stdout[start:]) if start >= 0 else {"plays": [], "stats": {}}
    tasks = []
    for play in data.get("plays", []):
        for task in play.get("tasks", []):
            for host, result in task.get("hosts", {}).items():
                tasks.append(TaskResult(
                    name=task["task"]["name"], host=host, changed=bool(result.get("changed")),
                    failed=bool(result.get("failed") or result.get("unreachable")),
                    skipped=bool(result.get("skipped")), msg=result.get("msg"), diff=result.get("diff"),
                    result=result))
    return tasks, data.get("stats", {})


def playbook_runner(workdir):
    """The run function of the ``run_playbook`` fixture, writing its files in ``workdir`` (for fixtures
    of a wider scope than a test's tmp_path)."""
    tmp_path = Path(workdir)

    def run(text_or_path, extra_vars=None, check=False, diff=False, inventory=None, timeout=None, tags=None,
            skip_tags=None, limit=None):
        candidate = Path(str(text_or_path))
        if "\n" not in str(text_or_path) and candidate.exists():
            playbook = candidate
        else:
            playbook = tmp_path / "playbook.yml"
            playbook.write_text(str(text_or_path))
        if inventory is None:
            inventory_path = _default_inventory(tmp_path)
        elif isinstance(inventory, dict):
            inventory_path = tmp_path / "inventory.yml"
            inventory_path.write_text(yaml.safe_dump(inventory))
        else:
            inventory_path = Path(inventory)
        command = [str(BIN / "ansible-playbook"), "-i", str(inventory_path), str(playbook)]
        if extra_vars:
            vars_file = tmp_path / "extra_vars.json"
            vars_file.write_text(json.dumps(extra_vars))
            command += ["-e", "@%s" % vars_file]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if tags:
            command += ["--tags", ",".join(tags)]
        if skip_tags:
            command += ["--skip-tags", ",".join(skip_tags)]
        if limit:
            command += ["--limit", limit]
        env = dict(os.environ)
        env.update(ANSIBLE_CONFIG=str(CHECKOUT / "ansible.cfg"), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                   ANSIBLE_CALLBACK_RESULT_FORMAT="json", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"), ANSIBLE_RETRY_FILES_ENABLED="0",
                   PATH="%s:%s" % (BIN, env.get("PATH", "")))
        proc = subprocess.run(command, cwd=str(CHECKOUT), env=env, capture_output=True, text=True,
                              timeout=timeout or PLAYBOOK_TIMEOUT,
                              check=False, stdin=subprocess.DEVNULL)
        tasks, stats = _parse(proc.stdout)
        return PlaybookResult(tasks, proc.returncode, stats, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def run_playbook(tmp_path):
    """Run a playbook (YAML text, or a path) with the real ansible-playbook; see PlaybookResult."""
    return playbook_runner(tmp_path)


@pytest.fixture(scope="module")
def run_playbook_module(tmp_path_factory):
    """``run_playbook`` for module-scoped fixtures (a converged state several tests share)."""
    return playbook_runner(tmp_path_factory.mktemp("playbook"))
