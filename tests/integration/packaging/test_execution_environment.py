# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as a user gets it: what ``ansible-galaxy collection build`` puts in the artifact,
and what an execution environment built from it with ``ansible-builder`` gets installed.

``ansible-builder create`` runs offline on docs/execution-environment.yml, with the collection taken
from a file built here instead of Galaxy (which is out of reach). Podman is not used: the build's
galaxy and builder stages are replayed from the generated context (its requirements.yml installed
with ``ansible-galaxy``, then its own ``introspect.py``), which is where the image's Python and
system requirements come from."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

CHECKOUT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
EXAMPLE = CHECKOUT / "docs" / "execution-environment.yml"
NAME = "tunnelworks.ovpn6"
# Development pins a user's execution environment must never get.
DEV_ONLY = ("molecule", "pytest", "ansible-lint", "hypothesis", "ansible-builder")
# Must ship: what the collection runs with, what ansible-builder reads, and the user's documentation.
SHIPPED = (
    "meta/execution-environment.yml", "meta/ee-requirements.txt", "meta/ee-bindep.txt", "meta/runtime.yml",
    "plugins/modules/routeros_ovpn_client.py", "plugins/action/routeros_ovpn_client.py",
    "plugins/filter/site_plan.py", "roles/openvpn_server/tasks/main.yml", "playbooks/site.yml",
    "playbooks/verify.yml", "inventory/example/hosts.yml", "docs/execution-environment.yml",
    "README.md", "COPYING", "changelogs/changelog.yaml",
)
# Must not ship: only a checkout needs them (the first would also be read as runtime needs).
LEFT_OUT = ("tests/", "molecule/", ".ci/", "inventory/lab/", "requirements-dev.txt", "requirements.txt",
            "Makefile", "ansible.cfg", "pytest.ini", ".ansible-lint", ".venv/", ".build/")


def _run(args, cwd, env=None):
    proc = subprocess.run([str(a) for a in args], cwd=str(cwd), env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)
    assert proc.returncode == 0, "%s failed (rc %s):\n%s\n%s" % (args[0], proc.returncode, proc.stdout, proc.stderr)
    return proc


def _env(tmp_path):
    """ansible-galaxy sees only the collections under tmp_path, never the user's or the checkout's."""
    env = dict(os.environ)
    env.pop("ANSIBLE_CONFIG", None)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
               ANSIBLE_HOME=str(tmp_path / "ansible-home"), PATH="%s:%s" % (BIN, env.get("PATH", "")))
    return env


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    """The collection built from the checkout by ``ansible-galaxy collection build``."""
    out = tmp_path_factory.mktemp("artifact")
    env = _env(out)
    _run([BIN / "ansible-galaxy", "collection", "build", "--output-path", out, CHECKOUT], out, env)
    (tarball,) = out.glob("tunnelworks-ovpn6-*.tar.gz")
    return tarball


def test_build_ships_the_collection_and_leaves_the_checkout_out(artifact):
    with tarfile.open(artifact) as tar:
        names = [m.name + ("/" if m.isdir() else "") for m in tar.getmembers()]
    missing = [path for path in SHIPPED if path not in names]
    assert not missing, "the built collection lacks %s" % missing
    shipped_anyway = sorted(n for n in names for left in LEFT_OUT if n == left or n.startswith(left))
    assert not shipped_anyway, "the built collection ships checkout-only files: %s" % shipped_anyway
    caches = sorted(n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/.pytest_cache" in n
                    or n.startswith(".pytest_cache") or n.endswith(".plugin-cache.yaml"))
    assert not caches, "the built collection ships caches: %s" % caches


def test_ansible_builder_create_gives_runtime_requirements_only(artifact, tmp_path):
    # The documented definition, with the collection from the file built above instead of Galaxy.
    definition = yaml.safe_load(EXAMPLE.read_text())
    assert definition["version"] == 3
    assert definition["dependencies"]["galaxy"]["collections"][0]["name"] == NAME
    definition["dependencies"]["galaxy"] = {"collections": [{"name": "collections/" + artifact.name, "type": "file"}]}
    definition["additional_build_files"] = [{"src": str(artifact), "dest": "collections"}]
    (tmp_path / "execution-environment.yml").write_text(yaml.safe_dump(definition, sort_keys=False))
    env = _env(tmp_path)

    _run([BIN / "ansible-builder", "create", "--file", "execution-environment.yml", "--context", "context",
          "--output-filename", "Containerfile"], tmp_path, env)
    build = tmp_path / "context" / "_build"
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect.py introspect" in containerfile
    assert (build / "collections" / artifact.name).is_file()

    # The galaxy stage: install what the context's requirements.yml names (the dependencies would
    # come from Galaxy: --no-deps), then the builder stage's introspection over it.
    _run([BIN / "ansible-galaxy", "collection", "install", "--offline", "--no-deps", "-r", "requirements.yml",
          "-p", tmp_path / "collections"], build, env)
    assert (tmp_path / "collections" / "ansible_collections" / "tunnelworks" / "ovpn6" / "MANIFEST.json").is_file()
    _run([sys.executable, build / "scripts" / "introspect.py", "introspect", tmp_path / "collections",
          "--write-pip", tmp_path / "pip.txt", "--write-bindep", tmp_path / "bindep.txt"], build, env)
    pip = [line.split("#")[0].strip() for line in (tmp_path / "pip.txt").read_text().splitlines()]
    bindep = [line.split("#")[0].strip() for line in (tmp_path / "bindep.txt").read_text().splitlines()]

    assert "librouteros>=3.0.0" in pip, pip
    assert "cryptography>=3.3" in pip, pip
    assert "openssh-clients [platform:rpm]" in bindep, bindep
    assert not [req for req in pip if "==" in req], "runtime requirements are lower bounds, not pins: %s" % pip
    texts = [path.read_text(errors="replace").lower() for path in (tmp_path / "context").rglob("*")
             if path.is_file() and not path.name.endswith(".tar.gz") and "scripts" not in path.parts]
    texts += [line.lower() for line in pip]
    leaked = sorted({name for name in DEV_ONLY for text in texts if name in text})
    assert not leaked, "the execution environment would get development pins: %s" % leaked
