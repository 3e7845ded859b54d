# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate upload and import on releases with and without /file add, against the emulator.

6.49.18 (asynchronous print file=, SHA-1 fingerprints), 7.6 (before /file add), 7.16 and 7.24.
The emulator's world options (``assume``) set the delay and the name print file= gives its file.
"""

from __future__ import annotations

import hashlib
import re
import time

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _certificates
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import RouterCommandError, connect
from routeros_emu.testing import EmulatedRouter
from routerside_lab import user_rows

RELEASES = ("6.49.18", "7.6", "7.16", "7.24")
CERT = "tunnelworks.ovpn6.routeros_certificate"


def _params(pki, cert="cert", key="key", **extra):
    params = dict(name="ovpn6-client", certificate=pki[cert], private_key=pki[key],
                  private_key_passphrase=pki["passphrase"] if key == "key" else None,
                  ca_certificate=pki["ca"], ca_name="ovpn6-ca", state="present")
    params.update(extra)
    return params


def _ensure(router, params, check_mode=False):
    with connect(router.module_args()) as session:
        return _certificates.ensure(session, params, check_mode)


def _der(pem):
    return x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)


def _add_users_certificate(router, pem):
    """A certificate of the user's own, put there with plain librouteros as a user would on that release."""
    api = router.connect()
    try:
        files = api.path("/file")
        try:
            tuple(files("add", name="users-own.pem", contents=pem))
            names = ("users-own.pem",)
        except Exception:  # no /file add before 7.9: the print file= way, then wait for the file
            tuple(files("print", file="users-own"))
            names = ("users-own.txt", "users-own")
        for _attempt in range(100):
            found = [row for row in files if row.get("name") in names]
            if found:
                break
            time.sleep(0.05)
        tuple(files("set", **{".id": found[0][".id"], "contents": pem}))
        tuple(api.path("/certificate")("import", **{"file-name": found[0]["name"], "passphrase": ""}))
        tuple(files("remove", **{".id": found[0][".id"]}))
    finally:
        api.close()


def _ours(router):
    return sorted((row["name"], row["fingerprint"], row["private-key"]) for row in router.rows("/certificate")
                  if row["name"].startswith("ovpn6-"))


@pytest.mark.parametrize("release", RELEASES)
def test_converges_second_run_changes_nothing_check_mode_exact(release, pki):
    assume = {"file_print_delay": 0.3, "file_print_name": "bare"} if release.startswith("6.") else None
    with EmulatedRouter(release=release, password="lab-secret", assume=assume) as router:
        _add_users_certificate(router, pki["user_cert"])
        users = user_rows(router)["/certificate"]
        assert len(users) == 1, users
        before = router.router.snapshot()
        checked = _ensure(router, _params(pki), check_mode=True)
        assert router.router.snapshot() == before, "check mode changed the router"
        first = _ensure(router, _params(pki))
        assert first["changed"] and checked["changes"] == first["changes"] and checked["diff"] == first["diff"]
        assert checked["notes"] == first["notes"] and checked["fingerprint_match"] == first["fingerprint_match"]
        second = _ensure(router, _params(pki))
        assert second["changed"] is False and second["changes"] == []
        assert _ensure(router, _params(pki), check_mode=True)["changes"] == []
        assert first["diff"]["after"] == second["diff"]["before"]
        # the router shows SHA-1 on 6.x and SHA-256 on 7.x (emulator evidence): matched by the one it shows
        digest = "sha1" if release.startswith("6.") else "sha256"
        assert second["fingerprint_match"] == {"ovpn6-ca": digest, "ovpn6-client": digest}
        assert _ours(router) == [("ovpn6-ca", hashlib.new(digest, _der(pki["ca"])).hexdigest(), "false"),
                                 ("ovpn6-client", hashlib.new(digest, _der(pki["cert"])).hexdigest(), "true")]
        assert user_rows(router)["/certificate"] == users
        assert not [row for row in router.rows("/file") if row["name"].startswith("ovpn6-")]
        methods = set(re.sub(r"-[0-9a-f]{6}", "", upload["method"].split(",")[0]) for upload in first["uploads"])
        # /file add from 7.9 (dump 7.9.json); 7.6 and 6.49 write through print file= and set
        assert methods == ({"/file add"} if release in ("7.16", "7.24") else {
            "/file print file=ovpn6-upload-ovpn6-client-cert", "/file print file=ovpn6-upload-ovpn6-client-key"})
        assert first["fingerprints"] == second["fingerprints"] == dict((row[0], row[1]) for row in _ours(router))


@pytest.mark.parametrize("name_kind", ["txt", "bare"])
def test_ros6_waits_for_the_file_and_says_which_name_it_met(name_kind, pki):
    with EmulatedRouter(release="6.49.18", password="lab-secret",
                        assume={"file_print_delay": 0.4, "file_print_name": name_kind}) as router:
        started = time.monotonic()
        result = _ensure(router, _params(pki))
        took = time.monotonic() - started
        suffix = ".txt" if name_kind == "txt" else ""
        pattern = r"ovpn6-upload-ovpn6-client-(cert|key)-[0-9a-f]{6}%s" % re.escape(suffix)
        assert [re.fullmatch(pattern, upload["file"]).group(1) for upload in result["uploads"]] == ["cert", "cert", "key"]
        assert all(upload["with_txt"] is (name_kind == "txt") and upload["waited"] >= 0.3
                   for upload in result["uploads"])
        assert took >= 3 * 0.4
        assert len(_ours(router)) == 2 and not router.rows("/file")


def test_ros6_file_that_does_not_appear_in_time_fails_clearly_and_next_run_cleans_up(pki):
    with EmulatedRouter(release="6.49.18", password="lab-secret", assume={"file_print_delay": 1.5}) as router:
        with pytest.raises(RouterCommandError) as failure:
            _ensure(router, _params(pki, file_wait=0.5))
        message = str(failure.value)
        assert "127.0.0.1:%d" % router.port in message
        assert re.search(r"ovpn6-upload-ovpn6-client-cert-[0-9a-f]{6}\.txt", message) and "0.5 s" in message
        assert not router.rows("/certificate")
        router.router.wait_pending()
        late = [row["name"] for row in router.rows("/file")]
        assert len(late) == 1 and re.fullmatch(r"ovpn6-upload-ovpn6-client-cert-[0-9a-f]{6}\.txt", late[0])
        result = _ensure(router, _params(pki, file_wait=5))
        assert result["changes"][0] == "remove file %s (left by an interrupted run)" % late[0]
        router.router.wait_pending()
        assert not router.rows("/file") and len(_ours(router)) == 2


@pytest.mark.parametrize("release", ["6.49.18", "7.6"])
def test_release_without_file_add_refuses_a_file_over_the_limit_and_changes_nothing(release, pki):
    big = pki["cert"] + "\n" * (_certificates.ROS6_FILE_LIMIT + 1 - len(pki["cert"]))
    with EmulatedRouter(release=release, password="lab-secret") as router:
        before = router.router.snapshot()
        with pytest.raises(_certificates.InvalidInputError, match="has no /file add and writes at most 4095 bytes"):
            _ensure(router, _params(pki, certificate=big))
        assert router.router.snapshot() == before


@pytest.mark.parametrize("release", RELEASES)
def test_replacement_leaves_no_orphans(release, pki):
    with EmulatedRouter(release=release, password="lab-secret", assume={"file_print_delay": 0.1}
                        if release.startswith("6.") else None) as router:
        _ensure(router, _params(pki))
        checked = _ensure(router, _params(pki, "cert2", "key2"), check_mode=True)
        replaced = _ensure(router, _params(pki, "cert2", "key2"))
        assert checked["changes"] == replaced["changes"]
        assert [change.split()[0] for change in replaced["changes"]] == ["remove", "import"]
        digest = "sha1" if release.startswith("6.") else "sha256"
        assert [row[:2] for row in _ours(router)] == [
            ("ovpn6-ca", hashlib.new(digest, _der(pki["ca"])).hexdigest()),
            ("ovpn6-client", hashlib.new(digest, _der(pki["cert2"])).hexdigest())]
        assert _ensure(router, _params(pki, "cert2", "key2"))["changed"] is False


@pytest.mark.slow
def test_module_through_ansible_on_ros6_check_mode_exact_and_no_secrets(pki, run_playbook):
    with EmulatedRouter(release="6.49.18", password="lab-secret",
                        assume={"file_print_delay": 0.2, "file_print_name": "bare"}) as router:
        args = dict(router.module_args(), name="ovpn6-client", certificate=pki["cert"], private_key=pki["key"],
                    private_key_passphrase=pki["passphrase"], ca_certificate=pki["ca"], ca_name="ovpn6-ca")
        playbook = [{"name": "Certificates", "hosts": "localhost", "gather_facts": False, "tasks": [
            {"name": "check", CERT: args, "check_mode": True},
            {"name": "apply", CERT: args},
            {"name": "again", CERT: args},
        ]}]
        before = router.router.snapshot()
        result = run_playbook(yaml.safe_dump(playbook, sort_keys=False))
        assert not result.failed, [task.msg for task in result]
        check, apply, again = (result.task(name).result for name in ("check", "apply", "again"))
        assert check["changes"] == apply["changes"] and check["changed"] and apply["changed"]
        assert again["changed"] is False and again["fingerprint_match"] == {"ovpn6-ca": "sha1", "ovpn6-client": "sha1"}
        assert [upload["with_txt"] for upload in apply["uploads"]] == [False, False, False]
        assert apply["release"] == "6.49.18"
        assert router.router.snapshot() != before
        key_line = pki["key"].splitlines()[1]
        assert pki["passphrase"] not in result.stdout and key_line not in result.stdout
