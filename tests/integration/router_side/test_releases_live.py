# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Release realities over real sockets: a release newer than the table, passwords behind show-sensitive."""

from __future__ import annotations

import yaml

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _ovpn_client
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import connect
from routeros_emu.testing import EmulatedRouter
from routerside_lab import HUB_ADDRESS, is_ours

OVPN = dict(name="ovpn6", connect_to=HUB_ADDRESS, connect_port=1194, ovpn_user="rtr-a", ovpn_password="first secret",
            certificate="none", cipher_strength=256, cipher_mode="cbc", auth=None,
            verify_server_certificate=False, transport="tcp", mode="ip", state="present")


def test_release_newer_than_the_table_converges_with_a_warning(run_playbook):
    with EmulatedRouter(release="7.30.1", password="lab-secret") as router:
        task = {"name": "Client", "tunnelworks.ovpn6.routeros_ovpn_client": {
            "name": "ovpn6", "connect_to": HUB_ADDRESS, "ovpn_user": "rtr-a", "certificate": "none",
            "verify_server_certificate": False}}
        playbook = [{"name": "Newer release", "hosts": "localhost", "gather_facts": False,
                     "module_defaults": {"group/tunnelworks.ovpn6.routeros": router.module_args()},
                     "tasks": [task]}]
        first = run_playbook(yaml.safe_dump(playbook, sort_keys=False))
        assert first.rc == 0, [(t.name, t.msg) for t in first.failed]
        assert first.task("Client").changed and first.task("Client").result["release"] == "7.30.1"
        assert "RouterOS 7.30.1 is newer than any release this collection was checked against" in first.stdout
        assert [row["name"] for row in router.rows("/interface/ovpn-client") if is_ours(row)] == ["ovpn6"]
        again = run_playbook(yaml.safe_dump(playbook, sort_keys=False))
        assert again.rc == 0 and not again.changed


def test_password_read_with_show_sensitive_from_7_21():
    # 7.21+ print takes show-sensitive (dumps); the emulated router omits the password without it,
    # so a module that did not ask would set the password on every run, or never see it drift.
    with EmulatedRouter(release="7.24", password="x") as router:
        with connect(router.module_args()) as session:
            assert _ovpn_client.ensure(session, OVPN, False)["changed"]
        plain = router.connect()
        try:
            rows = tuple(plain.path("/interface/ovpn-client"))
            assert "password" not in rows[0], rows[0]  # hidden without show-sensitive
            tuple(plain.path("/interface/ovpn-client")("set", **{".id": rows[0][".id"], "password": "changed by hand"}))
        finally:
            plain.close()
        with connect(router.module_args()) as session:
            repaired = _ovpn_client.ensure(session, OVPN, False)
        assert repaired["changes"] == ["set /interface/ovpn-client ovpn6:ovpn:ovpn6 password: ******** -> ********"]
        assert router.rows("/interface/ovpn-client")[0]["password"] == "first secret"
        with connect(router.module_args()) as session:
            assert not _ovpn_client.ensure(session, OVPN, False)["changed"]
