# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml's first play against emulated routers: one read of each router's release, in check mode,
with no change; the hub's data-channel plan then follows what the routers really run, and a router
that cannot be read is named in a warning while the plan is still made."""

from __future__ import annotations

import socket
from pathlib import Path

import yaml

from ovpn6_testkit.inventory import emulated_router, local_host, ovpn6_inventory
from ovpn6_testkit.playbooks import plays as playbook_plays
from routeros_emu.testing import EmulatedRouter

SITE = Path(__file__).resolve().parents[3] / "playbooks" / "site.yml"

# The hub's side of the plan, as the openvpn_server role computes it, without touching any host.
HUB_PLAY = {
    "name": "Hub plan",
    "hosts": "ovpn6_hubs",
    "gather_facts": False,
    "tasks": [{
        "name": "Hub profile",
        "ansible.builtin.debug": {"var": "hostvars | tunnelworks.ovpn6.ovpn_hub_profile(groups['ovpn6_routers'])"},
    }],
}
READ = "Read the router's release"
RESCUE = "Keep why the router could not be read"


def _playbook():
    """site.yml's own first play, the release read (not a copy of it), then the hub's plan."""
    plays = playbook_plays(SITE)
    assert plays[0]["hosts"] == "ovpn6_routers" and plays[0]["gather_facts"] is False
    return yaml.safe_dump([plays[0], HUB_PLAY], sort_keys=False)


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _profile(result):
    task = result.task("Hub profile", "hub")
    return task.result["hostvars | tunnelworks.ovpn6.ovpn_hub_profile(groups['ovpn6_routers'])"]


def test_all_gcm_fleet_is_read_in_check_mode_without_change(run_playbook):
    with EmulatedRouter(release="7.22.3", password="pw-a") as one, \
            EmulatedRouter(release="7.22.3", password="pw-b") as two:
        before = (one.router.snapshot(), two.router.snapshot())
        result = run_playbook(_playbook(), check=True, inventory=ovpn6_inventory({
            "rtr-a": emulated_router(one, ovpn6_site_id=1), "rtr-b": emulated_router(two, ovpn6_site_id=2)},
            hub_vars=local_host()))
        assert result.rc == 0, [(task.name, task.msg) for task in result.failed] or result.stderr[-3000:]
        for name in ("rtr-a", "rtr-b"):
            read = result.task(READ, name)
            assert not read.changed and not read.failed
            assert read.result["release"] == "7.22.3"
        assert (one.router.snapshot(), two.router.snapshot()) == before
        assert not [task for task in result if task.name == RESCUE and not task.skipped]
        profile = _profile(result)
        # Nothing declared in the inventory, yet both routers are planned on the GCM their release has,
        # and the hub falls back to it for a router that names no cipher.
        assert {name: channel["release_source"] for name, channel in profile["routers"].items()} == {
            "rtr-a": "router", "rtr-b": "router"}
        assert {channel["routeros_cipher"] for channel in profile["routers"].values()} == {"aes256-gcm"}
        assert profile["data_ciphers"] == ["AES-256-GCM"]
        assert profile["data_ciphers_fallback"] == "AES-256-GCM"
        assert not result.task("Hub profile", "hub").result.get("warnings")


def test_unreachable_router_is_named_and_the_plan_still_computes(run_playbook):
    with EmulatedRouter(release="7.22.3", password="pw-a") as one:
        before = one.router.snapshot()
        result = run_playbook(_playbook(), check=True, inventory=ovpn6_inventory({
            # The inventory is stale: it says 6.49.18, the router runs 7.22.3.
            "rtr-a": emulated_router(one, ovpn6_site_id=1, ovpn6_routeros_version="6.49.18"),
            "rtr-gone": local_host(ansible_host="127.0.0.1", ovpn6_routeros_port=_closed_port(),
                                   ovpn6_routeros_username="admin", ovpn6_routeros_password="pw", ovpn6_site_id=2)},
            hub_vars=local_host()))
        # The unreadable router is rescued: the run goes on to the hub.
        assert result.rc == 0, [(task.name, task.msg) for task in result.failed] or result.stderr[-3000:]
        assert result.task(READ, "rtr-gone").failed
        assert "unreachable" in result.task(READ, "rtr-gone").msg
        assert not result.task(RESCUE, "rtr-gone").failed
        assert result.task(READ, "rtr-a").result["release"] == "7.22.3"
        assert one.router.snapshot() == before
        profile = _profile(result)
        assert (profile["routers"]["rtr-a"]["release"], profile["routers"]["rtr-a"]["release_source"]) == (
            "7.22.3", "router")
        assert profile["routers"]["rtr-gone"]["release_source"] == "assumed"
        # The safe choice for the unknown router holds the whole hub on AES-256-CBC, which it accepts from all.
        assert profile["data_ciphers_fallback"] == "AES-256-CBC"
        assert {channel["openvpn_cipher"] for channel in profile["routers"].values()} == {"AES-256-CBC"}
        # Warnings of the filter are attached to the task that templated it (and printed on the console).
        warnings = result.task("Hub profile", "hub").result.get("warnings", [])
        assert [text for text in warnings if text.startswith(
            "ovpn_hub_profile: router rtr-gone could not be read (router 127.0.0.1:")], warnings
        assert [text for text in warnings if "rtr-a runs RouterOS 7.22.3 but the inventory declares "
                "ovpn6_routeros_version 6.49.18" in text], warnings
