# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificate plan: the operations routeros_certificate computes from one read, before any change.

Against the in-memory router of certificate_fakes, as test_certificates.py (no protocol involved).
"""

from __future__ import annotations

import hashlib

import pytest
from certificate_fakes import PARAMS, PKI, FakeRouter, make_pki

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _bootstrap_script, _certificates
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._releases import parse_version
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError

FILE_ADD = "/file add"
PRINT_SET = "/file print file= then /file set contents="


def _plan(router, params=None):
    return _certificates.read_and_plan(router, PARAMS if params is None else params)


def _summary(plan):
    """Each operation as (action, path, name, source, fields): what the tests compare."""
    return [(op.action, op.path, op.key, op.source, op.fields) for op in plan.operations]


def _installed(release="7.16", digest="sha256"):
    router = FakeRouter(release, digest)
    _certificates.ensure(router, PARAMS, False)
    router.sent = []
    return router


def test_nothing_installed_plans_the_ca_then_the_certificate_with_its_key():
    router = FakeRouter("7.16", "sha256")
    plan = _plan(router)
    assert _summary(plan) == [
        ("import", "/certificate", "ovpn6-ca", "not on the router", {"files": ["cert"], "upload": FILE_ADD}),
        ("import", "/certificate", "ovpn6-client", "not on the router", {"files": ["cert", "key"], "upload": FILE_ADD}),
    ]
    assert [op.text for op in plan.operations] == [
        "import certificate ovpn6-ca fingerprint=%s" % hashlib.sha256(PKI["ca_der"]).hexdigest(),
        "import certificate ovpn6-client fingerprint=%s with its private key" % hashlib.sha256(PKI["cert_der"]).hexdigest(),
    ]
    # one read of each menu, nothing else
    assert router.sent == [("/certificate", "print", {}), ("/file", "print", {})]


def test_installed_and_identical_is_an_empty_plan():
    router = _installed()
    plan = _plan(router)
    assert plan.operations == []
    assert plan.before == plan.after != ""
    assert _certificates.ensure(router, PARAMS, False)["changes"] == []
    assert router.changing() == []


def test_a_different_certificate_under_the_same_name_is_removed_then_imported():
    router = _installed()
    old = next(ident for ident, row in router.certificates.items() if row["name"] == "ovpn6-client")
    other = make_pki()
    params = dict(PARAMS, certificate=other["cert"], private_key=other["key"])
    plan = _plan(router, params)
    assert _summary(plan) == [
        ("remove", "/certificate", "ovpn6-client", "replaced", {}),
        ("import", "/certificate", "ovpn6-client", "not on the router", {"files": ["cert", "key"], "upload": FILE_ADD}),
    ]
    assert plan.operations[0].target == old
    # the engine carries out the removal as it does a menu's: /certificate remove .id=
    _certificates.ensure(router, params, False)
    assert router.changing()[0] == ("/certificate", "remove", {".id": old})
    assert sorted((row["name"], row["fingerprint"]) for row in router.certificates.values()) == [
        ("ovpn6-ca", hashlib.sha256(PKI["ca_der"]).hexdigest()),
        ("ovpn6-client", hashlib.sha256(other["cert_der"]).hexdigest())]


@pytest.mark.parametrize("release", ["6.49.18", "7.8"])
def test_a_release_without_file_add_plans_print_then_set_and_runs_it(release):
    router = FakeRouter(release, "sha1" if release.startswith("6.") else "sha256")
    plan = _plan(router)
    assert [op.fields["upload"] for op in plan.operations] == [PRINT_SET, PRINT_SET]
    _certificates.ensure(router, PARAMS, False)
    written = [(path, command) for path, command, args in router.changing() if path == "/file"]
    assert ("/file", "add") not in written
    assert written.count(("/file", "print")) == written.count(("/file", "set")) == 3  # CA, certificate, key


def test_a_missing_private_key_alone_is_one_import_of_the_key():
    router = _installed()
    client = next(row for row in router.certificates.values() if row["name"] == "ovpn6-client")
    client["private-key"] = "false"
    assert _summary(_plan(router)) == [
        ("import", "/certificate", "ovpn6-client", "its private key is not on the router",
         {"files": ["key"], "upload": FILE_ADD})]


def test_leftovers_of_an_interrupted_run_are_removed_and_an_import_under_its_file_name_renamed():
    router = FakeRouter("7.16", "sha256")
    router.files["*F1"] = {"name": "ovpn6-upload-ovpn6-client-key-abc123.pem", "contents": "x"}
    router.certificates["*C1"] = {"name": "ovpn6-upload-ovpn6-client-cert-abc123.pem_0",
                                  "fingerprint": hashlib.sha256(PKI["cert_der"]).hexdigest(), "private-key": "true"}
    plan = _plan(router)
    assert [(op.action, op.path, op.target, op.source) for op in plan.operations] == [
        ("remove", "/file", "*F1", "left by an interrupted run"),
        ("import", "/certificate", None, "not on the router"),
        ("set", "/certificate", "*C1", "imported under another name"),
    ]
    assert plan.operations[2].fields == {"name": "ovpn6-client"}
    _certificates.ensure(router, PARAMS, False)
    assert ("/certificate", "set", {".id": "*C1", "name": "ovpn6-client"}) in router.changing()


@pytest.mark.parametrize("release", ["6.49.18", "7.8", "7.16"])
def test_check_mode_reports_the_plan_and_writes_nothing(release):
    router = FakeRouter(release, "sha256")
    planned = [op.text for op in _plan(router).operations]
    router.sent = []
    checked = _certificates.ensure(router, PARAMS, True)
    assert checked["changes"] == planned and len(planned) == 2
    assert router.sent == [("/certificate", "print", {}), ("/file", "print", {})]
    assert not router.files and not router.certificates and checked["uploads"] == []


def test_state_absent_plans_the_removal_of_ours_only():
    router = _installed()
    router.certificates["*99"] = {"name": "users", "fingerprint": "ab" * 32, "private-key": "false"}
    plan = _plan(router, dict(PARAMS, state="absent"))
    assert sorted((op.action, op.key, op.source) for op in plan.operations) == [
        ("remove", "ovpn6-ca", "state=absent"), ("remove", "ovpn6-client", "state=absent")]


def test_the_module_and_the_bootstrap_script_read_the_options_alike():
    items = _certificates.desired(PARAMS)
    assert [(item.name, item.key_pem is not None) for item in items] == [("ovpn6-ca", False), ("ovpn6-client", True)]
    # a certificate comes with its key, in the module (required_together) and in the script (checked here)
    with pytest.raises(InvalidInputError, match="private_key is not PEM text"):
        _certificates.desired(dict(PARAMS, private_key=None))
    with pytest.raises(InvalidInputError, match=r"certificates\[name=ovpn6-client\]: private_key is not PEM text"):
        _bootstrap_script.render({"router": "rtr-a", "release": "7.16",
                                  "certificates": [dict(PARAMS, private_key=None)]})


@pytest.mark.parametrize("release, digest", [("6.49.18", "sha1"), ("7.16", "sha256")])
def test_the_script_names_the_fingerprint_the_module_expects_on_an_empty_router(release, digest):
    assert _certificates.documented_digest(parse_version(release))[0] == digest
    expected = hashlib.new(digest, PKI["cert_der"]).hexdigest()
    text = _bootstrap_script.render({"router": "rtr-a", "release": release, "certificates": [PARAMS]})
    assert "/certificate set [find where fingerprint=%s] name=ovpn6-client" % expected in text
    # an empty router: the module plans the import under the same fingerprint
    plan = _plan(FakeRouter(release, digest))
    assert plan.operations[1].text.startswith("import certificate ovpn6-client fingerprint=%s" % expected)
