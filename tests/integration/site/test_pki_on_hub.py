# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""openvpn_server_pki_on_hub: true end to end in site.yml: the PKI is made on the hub, and the router play
reads each router's certificate, key and the CA from the hub (slurp, no_log), not from the controller.

The hub is this host over a local connection (become by su: no sudo here), the router an emulated
router; the hub's own play needs systemd and is limited out, its PKI made by the role's own PKI tasks."""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ovpn6_testkit.inventory import emulated_router, local_host, ovpn6_inventory
from routeros_emu.testing import EmulatedRouter

from test_example_inventory import PKI_PLAY, SITE

READ = "Read this router's certificate, its key and the CA from the hub"


def test_router_play_takes_the_certificates_from_the_hub(tmp_path, run_playbook):
    with EmulatedRouter(release="7.16", password="pw") as router:
        inventory = ovpn6_inventory(
            {"rtr-a": emulated_router(router, ovpn6_site_id=1, ovpn6_lan_ipv4_prefix="192.0.2.0/26")},
            hub="hub1", hub_vars=local_host(ansible_become_method="su", openvpn_server_pki_on_hub=True,
                                            ovpn6_hub_public_address="203.0.113.10"),
            all_vars={"ovpn6_pki_dir": str(tmp_path / "on-the-hub" / "pki")})
        made = run_playbook(PKI_PLAY, inventory=inventory)
        assert made.rc == 0, [(task.name, task.msg) for task in made.failed] or made.stdout[-3000:]
        pki = tmp_path / "on-the-hub" / "pki"
        assert made.task("tunnelworks.ovpn6.openvpn_server : Create the CA private key").changed
        assert not (tmp_path / "pki").exists()

        run = run_playbook(SITE, inventory=inventory, limit="ovpn6_routers")
        assert run.rc == 0, [(task.name, task.host, task.msg) for task in run.failed] or run.stderr[-3000:]
        read = run.task(READ, "rtr-a")
        assert not read.skipped and not read.failed
        # no_log: the key is not in the output.
        assert "PRIVATE KEY" not in run.stdout
        cert = x509.load_pem_x509_certificate((pki / "issued" / "rtr-a.crt").read_bytes())
        ca = x509.load_pem_x509_certificate((pki / "ca.crt").read_bytes())
        shown = dict((row["name"], str(row["fingerprint"]).replace(":", "").lower())
                     for row in router.rows("/certificate"))
        assert shown["ovpn6-client"] == hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
        assert shown["ovpn6-ca"] == hashlib.sha256(ca.public_bytes(serialization.Encoding.DER)).hexdigest()

        again = run_playbook(SITE, inventory=inventory, limit="ovpn6_routers")
        assert again.rc == 0
        assert again.changed == [], [(task.name, task.host) for task in again.changed]
