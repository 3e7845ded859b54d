# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refusals the role makes before it changes anything, on a host at hand: this controller has no systemd."""

from __future__ import annotations

import os

from ovpn6_testkit.inventory import local_host, ovpn6_inventory

PLAY = """
- hosts: ovpn6_hubs
  roles:
    - role: tunnelworks.ovpn6.openvpn_server
"""


def test_hub_without_systemd_is_refused_and_nothing_is_made(tmp_path, run_playbook):
    assert not os.path.isdir("/run/systemd/system"), "this test needs a host without systemd (the controller)"
    pki = tmp_path / "pki"
    inventory = ovpn6_inventory({"rtr-a": local_host(ovpn6_site_id=1)}, hub="hub1",
                                hub_vars=local_host(ovpn6_pki_dir=str(pki)))
    run = run_playbook(PLAY, inventory=inventory)
    assert run.rc != 0
    assert any("not systemd" in str(task.msg) and "Nothing was changed" in str(task.msg) for task in run.failed), (
        run.stdout[-4000:])
    assert run.changed == []
    assert not pki.exists()
    assert not os.path.exists("/etc/openvpn/server/ovpn6-tcp.conf")


def test_old_pki_directory_name_is_refused_before_anything_is_made(tmp_path, run_playbook):
    old_dir = tmp_path / "old-pki"
    inventory = ovpn6_inventory({"rtr-a": local_host(ovpn6_site_id=1)}, hub="hub1", hub_vars=local_host(
        ovpn6_pki_dir=str(tmp_path / "pki"), openvpn_server_pki_dir=str(old_dir)))
    run = run_playbook(PLAY, inventory=inventory)
    assert run.rc != 0
    assert any("openvpn_server_pki_dir is set (%s)" % old_dir in str(task.msg) and "ovpn6_pki_dir" in str(task.msg)
               for task in run.failed), run.stdout[-4000:]
    assert run.changed == []
    assert not (tmp_path / "pki").exists() and not old_dir.exists()
