# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every playbook that runs the hub's whole role reads the routers' releases first (routeros_releases.yml).

The hub plans its data channel from the releases the routers report (filter ovpn_hub_profile). A playbook
that ran the role without them planned from the inventory or the safe choice, and the next site.yml, which
has them, changed the hub's server configuration and restarted OpenVPN: the lab saw it after a CA rotation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks"
HUB_ROLE = "tunnelworks.ovpn6.openvpn_server"
RELEASES = "routeros_releases.yml"


def _runs_whole_hub_role(play) -> bool:
    roles = [role if isinstance(role, str) else role.get("role", role.get("name")) for role in play.get("roles", [])]
    if HUB_ROLE in roles:
        return True

    def whole(tasks):
        for task in tasks or []:
            if whole(task.get("block")) or whole(task.get("rescue")) or whole(task.get("always")):
                return True
            for action in ("ansible.builtin.include_role", "ansible.builtin.import_role"):
                spec = task.get(action)
                if spec and spec.get("name") == HUB_ROLE and not spec.get("tasks_from"):
                    return True
        return False

    return any(whole(play.get(section)) for section in ("pre_tasks", "tasks", "post_tasks"))


def _first_hub_play_and_releases(path):
    """Indexes of the first play running the whole hub role and of the releases import (None if absent)."""
    plays = yaml.safe_load(path.read_text())
    hub = next((index for index, play in enumerate(plays) if _runs_whole_hub_role(play)), None)
    releases = next((index for index, play in enumerate(plays)
                     if play.get("ansible.builtin.import_playbook") == RELEASES), None)
    return hub, releases


HUB_PLAYBOOKS = [path for path in sorted(PLAYBOOKS.glob("*.yml")) if _first_hub_play_and_releases(path)[0] is not None]


@pytest.mark.parametrize("path", HUB_PLAYBOOKS, ids=lambda path: path.name)
def test_the_routers_releases_are_read_before_the_hub_role(path):
    hub, releases = _first_hub_play_and_releases(path)
    assert releases is not None and releases < hub, (
        "%s runs %s (play %d) without importing %s before it" % (path.name, HUB_ROLE, hub, RELEASES))


def test_the_check_sees_the_hub_role_in_both_forms():
    # what the parametrised test relies on: it finds the role however a playbook runs it
    assert {path.name for path in HUB_PLAYBOOKS} == {"site.yml", "rotate.yml"}
    assert not _runs_whole_hub_role({"tasks": [{"ansible.builtin.include_role": {"name": HUB_ROLE, "tasks_from": "pki"}}]})


def test_the_releases_play_reads_and_changes_nothing_on_its_own():
    (play,) = yaml.safe_load((PLAYBOOKS / RELEASES).read_text())
    assert play["hosts"] == "ovpn6_routers" and "always" in play["tags"]
    modules = {key for task in play["tasks"][0]["block"] for key in task if key.startswith(("tunnelworks.", "ansible."))}
    assert modules == {"tunnelworks.ovpn6.routeros_release", "ansible.builtin.set_fact"}
