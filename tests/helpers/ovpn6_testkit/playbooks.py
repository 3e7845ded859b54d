# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own playbooks as data, for tests that run some of their plays (never a copy of them)."""

from __future__ import annotations

from pathlib import Path

import yaml

IMPORT = "ansible.builtin.import_playbook"


def plays(path: Path) -> list[dict]:
    """The plays of playbook ``path``, each import_playbook replaced by the plays of the file it names
    (relative to ``path``, as Ansible resolves it), so the plays can be written elsewhere and still run."""
    expanded = []
    for play in yaml.safe_load(Path(path).read_text()):
        if IMPORT in play:
            expanded += plays(Path(path).parent / play[IMPORT])
        else:
            expanded.append(play)
    return expanded
