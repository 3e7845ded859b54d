# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inventory/example runs as copied: a copy of it, changed only where a user changes it (the routers'
addresses, API port and password, the API-SSL CA file), runs site.yml --check against two emulated
routers over API-SSL with certificate checking, the modules running under the controller's Python
(ansible_python_interpreter: "{{ ansible_playbook_python }}"), and changes nothing.

The hub's own play needs a systemd host with OpenVPN, which this host is not: it is limited out
(--limit ovpn6_routers) and its PKI is made by the role's own PKI tasks first, with the copy's settings,
as the hub play does; the hub side of site.yml is the lab's (tests/vm)."""

from __future__ import annotations

import configparser
import shutil
from pathlib import Path

import yaml

from routeros_emu.testing import EmulatedRouter, make_tls_certificate

CHECKOUT = Path(__file__).resolve().parents[3]
SITE = CHECKOUT / "playbooks" / "site.yml"
PKI_PLAY = """
- hosts: ovpn6_hubs
  gather_facts: false
  tasks:
    - name: PKI of the role, as the hub play makes it
      ansible.builtin.include_role:
        name: tunnelworks.ovpn6.openvpn_server
        tasks_from: pki
"""


def _edit(path, **values):
    data = yaml.safe_load(path.read_text())
    data.update(values)
    path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False))


def test_host_key_checking_is_on_except_in_the_lab():
    config = configparser.ConfigParser()
    config.read(CHECKOUT / "ansible.cfg")
    assert config.getboolean("defaults", "host_key_checking") is True
    lab = yaml.safe_load((CHECKOUT / "inventory" / "lab" / "group_vars" / "all.yml").read_text())
    assert lab["ansible_host_key_checking"] is False
    example = CHECKOUT / "inventory" / "example"
    for path in example.rglob("*.yml"):
        assert "host_key_checking" not in path.read_text().lower(), path
        assert "StrictHostKeyChecking" not in path.read_text(), path


def test_copied_example_inventory_runs_site_in_check_mode(tmp_path, run_playbook):
    inventory = tmp_path / "inventory"
    shutil.copytree(CHECKOUT / "inventory" / "example", inventory)
    routers = yaml.safe_load((inventory / "group_vars" / "ovpn6_routers.yml").read_text())
    assert routers["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
    assert routers["ovpn6_routeros_tls"] is True and routers["ovpn6_routeros_validate_certs"] is True
    # The routers' API-SSL certificate, for 127.0.0.1, from a CA the copy's files/ holds, as the example says.
    ca, cert, key = make_tls_certificate(str(tmp_path), "127.0.0.1")
    (inventory / "files").mkdir(exist_ok=True)
    shutil.copyfile(ca, inventory / "files" / "routeros-api-ca.pem")
    with EmulatedRouter(release="6.49.18", password="secret", username="ansible", certfile=cert, keyfile=key) as rtr_a, \
            EmulatedRouter(release="7.16", password="secret", username="ansible", certfile=cert, keyfile=key) as rtr_b:
        # rtr-b's bridge is bridge-lan in the example.
        api = rtr_b.connect()
        try:
            api.path("/interface/bridge").add(name="bridge-lan")
        finally:
            api.close()
        _edit(inventory / "group_vars" / "ovpn6_routers.yml", ovpn6_routeros_password="secret")
        _edit(inventory / "host_vars" / "rtr-a.yml", ansible_host="127.0.0.1", ovpn6_routeros_port=rtr_a.tls_port)
        _edit(inventory / "host_vars" / "rtr-b.yml", ansible_host="127.0.0.1", ovpn6_routeros_port=rtr_b.tls_port)
        made = run_playbook(PKI_PLAY, inventory=str(inventory))
        assert made.rc == 0, [(task.name, task.msg) for task in made.failed] or made.stderr[-3000:]
        assert (inventory / "pki" / "issued" / "rtr-a.crt").exists()
        before = (rtr_a.router.snapshot(), rtr_b.router.snapshot())
        check = run_playbook(SITE, inventory=str(inventory), check=True, limit="ovpn6_routers")
        assert check.rc == 0, [(task.name, task.host, task.msg) for task in check.failed] or check.stderr[-3000:]
        assert (rtr_a.router.snapshot(), rtr_b.router.snapshot()) == before
        # Each router was read over API-SSL, its release detected, and check mode reports the changes to come.
        assert check.task("Read the router's release", "rtr-a").result["release"] == "6.49.18"
        assert check.task("Read the router's release", "rtr-b").result["release"] == "7.16.0"
        for name in ("rtr-a", "rtr-b"):
            steps = check.task("tunnelworks.ovpn6.mikrotik_ovpn_client : Router side of the VPN on the RouterOS API",
                               name).result["steps"]
            assert steps[0]["module"] == "routeros_certificate" and steps[0]["changed"]
        # The modules ran under the controller's Python (the one running ansible-playbook).
        assert not [task for task in check if "discovered_interpreter_python" in str(task.result)]
