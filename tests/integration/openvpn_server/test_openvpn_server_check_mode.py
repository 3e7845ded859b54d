# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode on a first run: no PKI yet, so no key, request or certificate can be read or installed.
The role must still succeed, report what it would make and install, and make nothing at all,
on the controller (the PKI) as on the hub (here: directories of the test standing in for the hub's)."""

from __future__ import annotations

from pathlib import Path

from ovpn6_testkit.inventory import local_host, ovpn6_inventory

ROLE = Path(__file__).resolve().parents[3] / "roles" / "openvpn_server"

PLAY = """
- hosts: ovpn6_hubs
  gather_facts: false
  tasks:
    - name: Plan, PKI and server configuration of the role
      ansible.builtin.include_role:
        name: tunnelworks.ovpn6.openvpn_server
        tasks_from: "{{ __step }}"
        public: true
      loop: [plan, pki, server]
      loop_control:
        loop_var: __step
"""


def role_task(run, name):
    return run.task("tunnelworks.ovpn6.openvpn_server : " + name)


def test_check_mode_on_an_empty_pki_reports_changes_and_makes_nothing(tmp_path, run_playbook):
    pki, hub = tmp_path / "pki", tmp_path / "hub"
    pki.mkdir()
    hub.mkdir()
    extra = {
        # Where the role would write on a hub, here in the test's directory.
        "__openvpn_server_config_dir": str(hub / "server"), "__openvpn_server_files_dir": str(hub / "server/ovpn6"),
        "__openvpn_server_ccd_dir": str(hub / "server/ovpn6/ccd"),
        "__openvpn_server_check_command": str(hub / "libexec/openvpn-check-config"),
        "__openvpn_server_learn_address": str(hub / "libexec/openvpn-learn-address"),
        "__openvpn_server_unprivileged_user": "nobody", "__openvpn_server_unprivileged_group": "nogroup",
    }
    routers = {"rtr-a": local_host(ovpn6_site_id=1), "rtr-b": local_host(ovpn6_site_id=2)}
    run = run_playbook(PLAY, check=True, diff=True, extra_vars=extra,
                       inventory=ovpn6_inventory(routers, hub="hub1", hub_vars=local_host(ovpn6_pki_dir=str(pki))))
    assert run.rc == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert run.failed == []
    made = role_task(run, "Report the PKI files that check mode could not compute and a real run would make")
    assert made.changed
    for name in ("private/ca.key", "ca.crt", "crl.pem", "private/hub1.key", "issued/rtr-a.crt", "issued/rtr-b.crt"):
        assert name in made.msg, name
    installed = role_task(run, "Report the PKI files that check mode could not install and a real run would")
    assert installed.changed
    for name in ("ca.crt", "crl.pem", "server.crt", "server.key"):
        assert name in installed.msg, name
    assert role_task(run, "Write one client-config file per router and remove those of routers no longer served").changed
    assert role_task(run, "Write the configuration of each instance (checked by OpenVPN before it replaces the old one)").changed
    # Nothing made, on the controller or on the "hub".
    assert list(pki.iterdir()) == []
    assert list(hub.iterdir()) == []
