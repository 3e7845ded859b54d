# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate upload and matching, against a small in-memory router (no protocol involved, see certificate_fakes)."""

from __future__ import annotations

import hashlib
import re

import pytest
from certificate_fakes import PARAMS, PKI, FakeRouter

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _certificates
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import (
    InvalidInputError,
    RouterCommandError,
)


@pytest.fixture(autouse=True)
def fast_clock(monkeypatch):
    """A clock that moves only when the module sleeps: waits are exact and take no real time."""
    now = [0.0]
    monkeypatch.setattr(_certificates.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(_certificates.time, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    return now


def test_both_digests_of_the_der_are_computed():
    found = _certificates.digests(PKI["ca"], "ca")
    assert found == {"sha256": hashlib.sha256(PKI["ca_der"]).hexdigest(),
                     "sha1": hashlib.sha1(PKI["ca_der"]).hexdigest()}
    assert _certificates.fingerprint(PKI["ca"], "ca") == found["sha256"]


@pytest.mark.parametrize("digest", ["sha1", "sha256"])
def test_a_row_matches_by_either_digest_in_any_case_or_with_colons(digest):
    item = _certificates.Item("x", PKI["ca"], _certificates.digests(PKI["ca"], "ca"))
    shown = hashlib.new(digest, PKI["ca_der"]).hexdigest()
    assert item.match(shown) == digest
    assert item.match(shown.upper()) == digest
    assert item.match(":".join(shown[i:i + 2] for i in range(0, len(shown), 2))) == digest
    assert item.match(hashlib.new(digest, PKI["cert_der"]).hexdigest()) is None
    assert item.match("") is None


@pytest.mark.parametrize("release, uses_file_add", [
    ("6.49.18", False), ("7.0", False), ("7.6", False), ("7.8.2", False), ("7.9", True), ("7.16", True),
    ("7.24", True),
])
def test_file_add_only_where_the_release_has_it(release, uses_file_add):
    router = FakeRouter(release, "sha256")
    result = _certificates.ensure(router, PARAMS, False)
    commands = set((path, command) for path, command, args in router.sent if command != "print" or "file" in args)
    assert (("/file", "add") in commands) is uses_file_add
    assert (("/file", "set") in commands) is not uses_file_add
    assert [upload["method"].startswith("/file add") for upload in result["uploads"]] == [uses_file_add] * 3
    assert not router.files, "every uploaded file is removed again"


@pytest.mark.parametrize("suffix, delay", [(".txt", 0), (".txt", 6), ("", 0), ("", 9)])
def test_print_file_waits_for_either_name_and_says_which(suffix, delay, fast_clock):
    router = FakeRouter("6.49.18", "sha1", file_delay_polls=delay, file_suffix=suffix)
    result = _certificates.ensure(router, PARAMS, False)
    pattern = r"ovpn6-upload-ovpn6-client-(cert|key)-[0-9a-f]{6}%s" % re.escape(suffix)
    assert [re.fullmatch(pattern, upload["file"]).group(1) for upload in result["uploads"]] == ["cert", "cert", "key"]
    assert len(set(upload["file"] for upload in result["uploads"])) == 3, "each upload has a name of its own"
    assert all(upload["with_txt"] is (suffix == ".txt") for upload in result["uploads"])
    assert all((upload["waited"] > 0) is (delay > 0) for upload in result["uploads"])
    imported = [args["file-name"] for path, command, args in router.sent if command == "import"]
    assert imported == [upload["file"] for upload in result["uploads"]]
    assert sorted(row["name"] for row in router.certificates.values()) == ["ovpn6-ca", "ovpn6-client"]
    assert not router.files


def test_a_file_that_never_appears_fails_naming_router_file_and_wait(fast_clock):
    router = FakeRouter("7.6", "sha256", file_delay_polls=10 ** 6)
    with pytest.raises(RouterCommandError) as failure:
        _certificates.ensure(router, dict(PARAMS, file_wait=2.5), False)
    message = str(failure.value)
    assert "192.0.2.1:8728" in message and re.search(r"ovpn6-upload-ovpn6-client-cert-[0-9a-f]{6}\.txt", message)
    assert "2.5 s" in message
    assert 2.5 <= fast_clock[0] < 3.1, "the wait is bounded by file_wait"
    assert not [sent for sent in router.sent if sent[1] == "import"]


def test_default_wait_is_about_ten_seconds(fast_clock):
    router = FakeRouter("6.49.18", "sha1", file_delay_polls=10 ** 6)
    with pytest.raises(RouterCommandError, match="10.0 s"):
        _certificates.ensure(router, PARAMS, False)
    assert 10.0 <= fast_clock[0] < 10.6


@pytest.mark.parametrize("release, digest", [("6.49.18", "sha1"), ("7.6", "sha256"), ("7.16", "sha256"),
                                             ("6.49.18", "sha256"), ("7.24", "sha1")])
def test_second_run_changes_nothing_whatever_digest_the_router_shows(release, digest):
    router = FakeRouter(release, digest, file_delay_polls=2)
    first = _certificates.ensure(router, PARAMS, False)
    assert first["changed"] and first["fingerprint_match"] == {"ovpn6-ca": None, "ovpn6-client": None}
    router.sent = []
    second = _certificates.ensure(router, PARAMS, False)
    assert second["changed"] is False and second["changes"] == []
    assert second["fingerprint_match"] == {"ovpn6-ca": digest, "ovpn6-client": digest}
    assert any(("matched by its %s fingerprint" % digest.upper().replace("SHA", "SHA-")) in note
               for note in second["notes"])
    assert router.changing() == []
    documented = "sha1" if release.startswith("6.") else "sha256"
    if digest == documented:
        # the diff's after of the first run is the before of the second (the digest the router shows)
        assert first["diff"]["after"] == second["diff"]["before"]
    else:
        # a router that contradicts its manual is named in the real run's notes
        assert any("shows its %s fingerprint, not the %s expected" % (digest, documented) in note
                   for note in first["notes"])


def test_the_routers_own_certificates_tell_which_digest_it_shows():
    router = FakeRouter("7.24", "sha1")
    router.certificates["*99"] = {"name": "users", "fingerprint": "ab" * 20, "private-key": "false"}
    result = _certificates.ensure(router, PARAMS, True)
    assert "fingerprint=%s" % hashlib.sha1(PKI["ca_der"]).hexdigest() in result["diff"]["after"]
    assert any("its certificates show SHA-1" in note for note in result["notes"])


@pytest.mark.parametrize("release", ["6.49.18", "7.6", "7.16"])
def test_check_mode_changes_nothing_and_plans_what_a_real_run_does(release):
    checked_router = FakeRouter(release, "sha1" if release.startswith("6.") else "sha256", file_delay_polls=1)
    real_router = FakeRouter(release, checked_router.digest, file_delay_polls=1)
    checked = _certificates.ensure(checked_router, PARAMS, True)
    real = _certificates.ensure(real_router, PARAMS, False)
    assert checked_router.changing() == []
    assert checked["changes"] == real["changes"] and checked["diff"] == real["diff"]
    assert checked["notes"] == real["notes"] and checked["fingerprint_match"] == real["fingerprint_match"]
    assert checked["uploads"] == [] and len(real["uploads"]) == 3


def test_the_release_without_file_add_refuses_files_over_the_limit_before_any_change():
    big = PKI["cert"] + "\n" * (_certificates.ROS6_FILE_LIMIT + 1 - len(PKI["cert"]))
    for release in ("6.49.18", "7.8"):
        router = FakeRouter(release, "sha256")
        with pytest.raises(InvalidInputError, match="RouterOS %s has no /file add" % router.release):
            _certificates.ensure(router, dict(PARAMS, certificate=big), False)
        assert router.sent == []
    assert _certificates.ensure(FakeRouter("7.9", "sha256"), dict(PARAMS, certificate=big), False)["changed"]


@pytest.mark.parametrize("release", ["6.49.18", "7.6", "7.14.3", "7.15", "7.16", "7.24"])
def test_import_sends_only_arguments_every_release_has(release):
    router = FakeRouter(release, "sha256")
    _certificates.ensure(router, PARAMS, False)
    imports = [args for path, command, args in router.sent if command == "import"]
    assert imports and all(set(args) == {"file-name", "passphrase"} for args in imports)


def test_secrets_are_not_in_the_result():
    router = FakeRouter("6.49.18", "sha1")
    result = _certificates.ensure(router, PARAMS, False)
    text = repr(result)
    assert "s3cret" not in text and "PRIVATE KEY" not in text and PKI["key"].splitlines()[1] not in text


def test_module_declares_secrets_no_log():
    from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES

    spec = MODULES["routeros_certificate"].argument_spec
    assert set(name for name, option in spec.items() if option.get("no_log")) == {
        "password", "private_key", "private_key_passphrase"}


def test_a_ca_the_user_holds_under_a_name_of_their_own_is_used_and_reported_as_shown():
    router = FakeRouter("6.49.18", "sha1")
    shown = hashlib.sha1(PKI["ca_der"]).hexdigest().upper()
    router.certificates["*50"] = {"name": "users-ca", "fingerprint": shown, "private-key": "false"}
    result = _certificates.ensure(router, PARAMS, False)
    assert router.certificates["*50"] == {"name": "users-ca", "fingerprint": shown, "private-key": "false"}
    assert result["fingerprint_match"]["ovpn6-ca"] == "sha1" and result["fingerprints"]["ovpn6-ca"] == shown
    assert result["changes"] == ["import certificate ovpn6-client fingerprint=%s with its private key"
                                 % hashlib.sha1(PKI["cert_der"]).hexdigest()]
