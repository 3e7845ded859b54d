# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's release table held against every /console/inspect dump we have (7.9 ... 7.24).

For each feature a dump can show, the table must say "yes" where the dump has it and "no" where it
does not; "unknown" is not allowed for a release we hold a dump of. Each table row names its source.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _releases

CHECKOUT = Path(__file__).resolve().parents[4]
# The dumps as the lab ships them (gzip copies of shared/routeros-schema, one per release).
DUMP_DIR = CHECKOUT / "tests" / "lab" / "routeros_emu" / "schema"
DUMPS = sorted((path.name[:-len(".json.gz")] for path in DUMP_DIR.glob("*.json.gz")), key=_releases.parse_version)


def _load(release):
    with gzip.open(DUMP_DIR / ("%s.json.gz" % release), "rt") as handle:
        return json.load(handle)


def _args(dump, path, command):
    return dump.get(path, {}).get(command, {})


def _completion(dump, path, command, arg):
    """The allowed values of ``arg`` where the dump lists them, else None (the dump cannot tell)."""
    values = _args(dump, path, command).get(arg, {}).get("_completion")
    return set(values) if values else None


def _cipher_words(words_of):
    def probe(dump):
        words = _completion(dump, "/interface/ovpn-client", "add", "cipher")
        return None if words is None else bool(words & words_of)
    return probe


# What each feature looks like in a dump; None: the dump cannot tell.
PROBES = {
    "routing_table": lambda dump: "/routing/table" in dump,
    "route_routing_mark": lambda dump: "routing-mark" in _args(dump, "/ip/route", "add"),
    "ovpn_udp": lambda dump: "protocol" in _args(dump, "/interface/ovpn-client", "add"),
    "ovpn_cipher_plain_words": _cipher_words({"aes128", "aes192", "aes256"}),
    "ovpn_cipher_mode_words": _cipher_words({"aes128-cbc", "aes192-cbc", "aes256-cbc"}),
    "ovpn_cipher_gcm": _cipher_words({"aes128-gcm", "aes192-gcm", "aes256-gcm"}),
    "ovpn_auth_sha2": lambda dump: (None if _completion(dump, "/interface/ovpn-client", "add", "auth") is None
                                    else {"sha256", "sha384", "sha512"} <= _completion(
                                        dump, "/interface/ovpn-client", "add", "auth")),
    "ovpn_verify_server_certificate": lambda dump: "verify-server-certificate" in _args(
        dump, "/interface/ovpn-client", "add"),
    "ovpn_tls_version": lambda dump: "tls-version" in _args(dump, "/interface/ovpn-client", "add"),
    "ovpn_print_show_sensitive": lambda dump: "show-sensitive" in _args(dump, "/interface/ovpn-client", "print"),
    "file_add": lambda dump: "add" in dump.get("/file", {}),
    "certificate_import_trusted": lambda dump: "trusted" in _args(dump, "/certificate", "import"),
    "certificate_import_no_key_export": lambda dump: "no-key-export" in _args(dump, "/certificate", "import"),
}


def test_every_dump_is_here():
    # The first and the last release of every 7.x minor line from 7.9 to 7.24: 26 dumps.
    assert len(DUMPS) == 26 and DUMPS[0] == "7.9" and DUMPS[-1] == "7.24"
    assert _releases.NEWEST_KNOWN == _releases.parse_version(DUMPS[-1])[:2]


@pytest.mark.parametrize("release", DUMPS)
def test_table_agrees_with_the_dump(release):
    dump = _load(release)
    assert dump["_version"] == release
    disagreements = []
    for feature, probe in PROBES.items():
        shown = probe(dump)
        if shown is None:
            continue
        state = _releases.feature_state(release, feature)
        if state != ("yes" if shown else "no"):
            disagreements.append("%s: dump %s %s it, table says %s" % (feature, release,
                                                                       "has" if shown else "lacks", state))
    assert not disagreements, disagreements


def test_each_probe_is_decided_by_some_dump():
    # A probe that no dump can decide would hold the table against nothing.
    dumps = [_load(release) for release in DUMPS]
    for feature, probe in PROBES.items():
        assert any(probe(dump) is not None for dump in dumps), feature


@pytest.mark.parametrize("feature", sorted(_releases.FEATURES))
def test_each_row_names_its_source(feature):
    row = _releases.FEATURES[feature]
    assert len(row.source) > 20 and any(word in row.source for word in ("dump", "manual", "docs", "export")), row


def test_release_boundaries_the_dumps_cannot_show():
    # Releases before the first dump: the evidence says what it says and no more.
    assert _releases.feature_state("6.49.18", "file_add") == "no"
    assert _releases.feature_state("7.6", "file_add") == "unknown"
    assert _releases.feature_state("7.5", "ovpn_cipher_plain_words") == "yes"
    assert _releases.feature_state("7.8", "ovpn_udp") == "unknown"
    assert _releases.feature_state("6.49.18", "ipv6_package") == "yes"
    assert _releases.feature_state("7.1", "ipv6_package") == "no"
    assert _releases.feature_state("7.17.1", "api_empty_reply") == "no"
    assert _releases.feature_state("7.18", "api_empty_reply") == "yes"


def test_newer_releases_are_spoken_to_with_a_warning_unless_refused():
    assert _releases.check_known("7.25.1") == (7, 25, 1)
    assert _releases.newer_than_known("7.25.1") and not _releases.newer_than_known("7.24.2")
    assert "RouterOS 7.25.1 is newer" in _releases.newer_release_warning("7.25.1")
    with pytest.raises(_releases.UnknownReleaseError, match="refuse_newer_release is set"):
        _releases.check_known("7.25.1", refuse_newer=True)
    assert _releases.check_known("7.24", refuse_newer=True) == (7, 24, 0)
    with pytest.raises(_releases.UnknownReleaseError, match="RouterOS 6.48.6 is not supported"):
        _releases.check_known("6.48.6")


@pytest.mark.parametrize("release", ["7.21.5", "7.22.3"])
def test_protocol_names_are_routeros_own(release):
    # The dumps with completions list the protocol names mangle takes: ours must be exactly those
    # (ip-encap and idrp are not RouterOS words; ipencap is).
    from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import PROTOCOL_NUMBERS

    names = _completion(_load(release), "/ip/firewall/mangle", "add", "protocol") - {"!"}
    assert set(PROTOCOL_NUMBERS) == names
