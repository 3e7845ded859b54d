# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module_utils directly, with the real librouteros over real sockets against the emulator.

Faster than playbooks for what needs many runs: a connection dropped at every point of an apply, the
cost of a no-op run, certificate replacement.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _certificates, _ovpn_client, _policy_routing
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import RouterConnectionLostError, connect
from routeros_emu.testing import EmulatedRouter
from routerside_lab import HUB_ADDRESS, add_user_config, is_ours, our_rows, user_rows

POLICY = dict(table="ovpn6", tunnel_interface="ovpn6", lan_interface="bridge", wan_interface="ether1",
              hub_address=HUB_ADDRESS, rules=None, masquerade_src_addresses=["198.51.100.0/24", "192.0.2.0/26"],
              state="present")
OVPN = dict(name="ovpn6", connect_to=HUB_ADDRESS, connect_port=1194, ovpn_user="rtr-a", ovpn_password="x",
            certificate="ovpn6-client", cipher_strength=256, cipher_mode="cbc", auth=None,
            verify_server_certificate=True, transport="tcp", mode="ip", state="present")


def _der_digest(pem, digest):
    body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
    return digest(base64.b64decode(body)).hexdigest()


def _certificate_params(pki, cert="cert", key="key"):
    return dict(name="ovpn6-client", certificate=pki[cert], private_key=pki[key],
                private_key_passphrase=pki["passphrase"] if key == "key" else None,
                ca_certificate=pki["ca"], ca_name="ovpn6-ca", state="present")


def _converge(router, pki, check_mode=False):
    """Certificates, client, policy, as the role does them, each with its own connection."""
    results = []
    for module_utils, params in ((_certificates, _certificate_params(pki)), (_ovpn_client, OVPN),
                                 (_policy_routing, POLICY)):
        with connect(router.module_args()) as session:
            results.append(module_utils.ensure(session, params, check_mode))
    return results


@pytest.mark.parametrize("step, share", [(0, 0.4), (0, 0.55), (0, 0.7), (0, 0.9), (2, 0.5), (2, 0.7), (2, 0.9)])
def test_dropped_connection_mid_apply_then_converges(lab_router, pki, step, share):
    """The connection of one step (0 certificates, 2 policy routing) drops after ``share`` of the
    sentences that step costs on a fresh router of the same release (polls of a 6.x upload vary)."""
    router = lab_router
    add_user_config(router, pki)
    users = user_rows(router)
    steps = ((_certificates, _certificate_params(pki)), (_ovpn_client, OVPN), (_policy_routing, POLICY))
    with EmulatedRouter(release=router.release, password="x") as reference:
        add_user_config(reference, pki)
        for number, (module_utils, params) in enumerate(steps):
            with connect(reference.module_args()) as session:
                module_utils.ensure(session, params, False)
                if number == step:
                    drop_after = max(2, int(session.sentences * share))
        wanted = our_rows(reference)
    for module_utils, params in steps[:step]:
        with connect(router.module_args()) as session:
            module_utils.ensure(session, params, False)
    before_fault = router.router.snapshot()
    router.inject_fault(drop_after_sentences=drop_after)
    module_utils, params = steps[step]
    with pytest.raises(RouterConnectionLostError, match="127.0.0.1:%d" % router.port):
        with connect(router.module_args()) as session:
            module_utils.ensure(session, params, False)
    router.inject_fault(drop_after_sentences=None)
    # A 6.x print file= of the broken run still writes its file a moment later: the next run comes after.
    router.router.wait_pending()
    assert router.router.snapshot() != before_fault, "nothing was applied before the drop: the test proves nothing"
    assert any(result["changed"] for result in _converge(router, pki))
    assert not any(result["changed"] for result in _converge(router, pki))
    assert our_rows(router) == wanted
    assert user_rows(router) == users
    assert not [row for row in router.rows("/file") if row["name"].startswith("ovpn6-")]


def test_noop_run_costs_one_connection_and_one_print_per_menu(lab_router, pki):
    router = lab_router
    _converge(router, pki)
    menus = 5 if router.release.startswith("6.") else 6  # /interface, mangle, filter, route, nat (+ /routing/table)
    before = router.stats()
    with connect(router.module_args()) as session:
        result = _policy_routing.ensure(session, POLICY, False)
        sent = session.sentences
    after = router.stats()
    assert not result["changed"]
    assert after["connections"] - before["connections"] == 1
    # login, /system/resource, then one print per menu
    assert sent == after["sentences"] - before["sentences"] == 2 + menus


def test_certificate_replacement_leaves_no_orphans_and_check_mode_matches(lab_router, pki):
    router = lab_router
    add_user_config(router, pki)
    users = user_rows(router)["/certificate"]
    first = _converge(router, pki)[0]
    assert first["changed"] and first["fingerprints"]["ovpn6-client"]
    params = _certificate_params(pki, "cert2", "key2")
    with connect(router.module_args()) as session:
        checked = _certificates.ensure(session, params, True)
    with connect(router.module_args()) as session:
        replaced = _certificates.ensure(session, params, False)
    assert checked["changes"] == replaced["changes"] and checked["diff"] == replaced["diff"]
    assert [change.split()[0] for change in replaced["changes"]] == ["remove", "import"]
    ours = [row for row in router.rows("/certificate") if row not in users]
    # The router shows SHA-1 fingerprints on 6.x (v6 manual), SHA-256 on 7.x.
    digest = hashlib.sha1 if router.release.startswith("6.") else hashlib.sha256
    assert sorted((row["name"], row["fingerprint"], row["private-key"]) for row in ours) == sorted([
        ("ovpn6-ca", _der_digest(pki["ca"], digest), "false"),
        ("ovpn6-client", _der_digest(pki["cert2"], digest), "true")])
    assert user_rows(router)["/certificate"] == users
    assert not router.rows("/file") or not [row for row in router.rows("/file") if row["name"].startswith("ovpn6-")]
    with connect(router.module_args()) as session:
        assert _certificates.ensure(session, params, False)["changed"] is False
    # the ovpn-client still names the certificate it uses
    _converge(router, dict(pki, cert=pki["cert2"], key=pki["key2"]))
    client = [row for row in router.rows("/interface/ovpn-client") if is_ours(row)]
    assert client[0]["certificate"] == "ovpn6-client"
