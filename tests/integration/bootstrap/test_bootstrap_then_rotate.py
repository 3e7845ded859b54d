# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A router brought in by bootstrap.yml (its API on api-ssl with a certificate of the CA, checked by the
inventory) goes through a whole CA rotation: Ansible reaches it at every step, its API certificate ends up
issued by the new CA, and site.yml afterwards changes nothing."""

from __future__ import annotations

import pytest

from bootstrap_lab import ADMIN_PASSWORD, BOOTSTRAP, SITE, assert_ok, inventory, router_host, verified_login
from routeros_emu.testing import EmulatedRouter

ROTATE = BOOTSTRAP.parent / "rotate.yml"
# site.yml's hub play as far as it runs without systemd: the PKI on the controller
HUB_PKI = """
- hosts: ovpn6_hubs
  gather_facts: false
  tasks:
    - ansible.builtin.include_role:
        name: tunnelworks.ovpn6.openvpn_server
        tasks_from: pki
"""


def _with_generation(hosts, generation):
    hosts["all"]["vars"]["ovpn6_ca_generation"] = generation
    return hosts


@pytest.mark.slow
def test_a_bootstrapped_router_stays_reachable_through_a_ca_rotation(run_playbook, tmp_path):
    with EmulatedRouter(release="7.16", password=ADMIN_PASSWORD, tls="anonymous", factory="defconf") as router:
        pki = tmp_path / "pki"
        hosts = inventory({"rtr-a": router_host(router, 1, ovpn6_routeros_ca_path=str(pki / "trust" / "ca.crt"))})
        assert_ok(run_playbook(BOOTSTRAP, inventory=hosts))
        assert_ok(run_playbook(SITE, inventory=hosts, limit="ovpn6_routers"))

        rotation = _with_generation(hosts, 2)
        for step in ("trust", "routers", "retire"):
            result = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"], extra_vars={"ovpn6_rotate_until": step})
            assert_ok(result)

        # the router's API answers with a certificate of the new CA, the old one retired
        verified_login(router, pki / "ca.crt").close()
        served = next(row for row in router.rows("/certificate") if row["name"] == "ovpn6-api")
        assert "ovpn6 CA 2" in served["issuer"], served
        for again in (run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"]),
                      run_playbook(SITE, inventory=rotation, limit="ovpn6_routers"),
                      run_playbook(HUB_PKI, inventory=rotation)):
            assert_ok(again)
            assert not again.changed, [(task.name, task.host, task.result.get("changes")) for task in again.changed]
