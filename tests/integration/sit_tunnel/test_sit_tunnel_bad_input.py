# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sit_tunnel refuses bad input with a clear message and writes nothing (hub end run on the controller)."""

from __future__ import annotations

import pytest

from ovpn6_testkit.inventory import local_host, ovpn6_inventory

PLAY = """
- name: Hub end of the 6in4 tunnels
  hosts: all:!ovpn6_routers
  gather_facts: false
  roles:
    - role: tunnelworks.ovpn6.sit_tunnel
"""


def _inventory(networkd_dir, hub_group="ovpn6_hubs", routers=None, **hub_vars):
    """hub-local on this host, writing its networkd files into ``networkd_dir``; rtr-a and rtr-b unless ``routers``."""
    routers = {"rtr-a": {"ovpn6_site_id": 1}, "rtr-b": {"ovpn6_site_id": 2}} if routers is None else routers
    return ovpn6_inventory({name: local_host(**values) for name, values in routers.items()}, hub="hub-local",
                           hub_vars=local_host(sit_tunnel_networkd_dir=str(networkd_dir), **hub_vars),
                           hub_group=hub_group)


def _controller_service_manager(run_playbook):
    run = run_playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Service manager
      ansible.builtin.setup:
        gather_subset: ["!all", "!min", service_mgr]
""")
    return run.task("Service manager").result["ansible_facts"]["ansible_service_mgr"]


def test_host_without_systemd_is_refused(tmp_path, run_playbook):
    manager = _controller_service_manager(run_playbook)
    # the premise of this case: the controller of this lab does not boot with systemd
    assert manager != "systemd", "the controller runs systemd; this case needs a host without it"
    run = run_playbook(PLAY, inventory=_inventory(tmp_path / "network"))
    assert run.rc != 0
    (failure,) = run.failed
    assert "needs systemd" in failure.msg and f"'{manager}'" in failure.msg and "hub-local" in failure.msg
    assert not (tmp_path / "network").exists()


@pytest.mark.parametrize("case, inventory_args, message", [
    ("router LAN outside the allocation",
     {"routers": {"rtr-a": {"ovpn6_site_id": 1}, "rtr-b": {"ovpn6_site_id": 2, "ovpn6_lan_prefix": "2001:db8:999::/64"}}},
     "lies outside the allocation"),
    ("router without site id", {"routers": {"rtr-a": {"ovpn6_site_id": 1}, "rtr-b": {}}}, "'rtr-b' has no ovpn6_site_id"),
    ("duplicate site id", {"routers": {"rtr-a": {"ovpn6_site_id": 1}, "rtr-b": {"ovpn6_site_id": 1}}}, "1"),
    ("host in no ovpn6 group", {"hub_group": "elsewhere"}, "is in neither ovpn6_hubs nor ovpn6_routers"),
    ("bad state", {"sit_tunnel_state": "gone"}, "sit_tunnel_state"),
])
def test_bad_input_changes_nothing(tmp_path, run_playbook, case, inventory_args, message):
    run = run_playbook(PLAY, inventory=_inventory(tmp_path / "network", **inventory_args))
    assert run.rc != 0, case
    assert any(message in str(t.msg) for t in run.failed), (case, [t.msg for t in run.failed])
    assert not (tmp_path / "network").exists()
