# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's evidence table against the dumps, and the realities it models, per release."""

from __future__ import annotations

import ast
import gzip
import json
import os
from pathlib import Path

import pytest

from routeros_emu import evidence
from routeros_emu.facts import RouterError, SCHEMA_DIR, load_schema
from routeros_emu.realiser import OPENVPN_CIPHERS, PROTOCOL_NUMBERS, openvpn_config
from routeros_emu.router import Router

PACKAGE = Path(evidence.__file__).resolve().parent
SHARED = Path(os.environ.get("OVPN6_SHARED_SCHEMA", str(PACKAGE.parents[3] / "shared" / "routeros-schema")))


def _args(tree, path, command):
    return {key for key in (tree.get(path) or {}).get(command) or {} if not key.startswith("_")}


# ------------------------------------------------------------------ the package stands alone
def test_no_plugin_code_is_imported():
    forbidden = ("_releases", "_ovpn_profile", "_sync", "ansible_collections", "plugins")
    for source in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                assert not any(word in name for name in names for word in forbidden), (source.name, names)
            elif isinstance(node, ast.Name):
                assert node.id != "releases", source.name
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                # a path or module name built from strings (the old loader's fallback)
                assert "ansible_collections" not in node.value and node.value not in ("plugins", "module_utils"), \
                    source.name


def test_every_dump_is_shipped_deterministically():
    shipped = sorted(p.name[:-len(".json.gz")] for p in SCHEMA_DIR.glob("*.json.gz"))
    assert sorted(evidence.DUMPS) == shipped and len(shipped) == 26
    for name in evidence.DUMPS:
        raw = (SCHEMA_DIR / ("%s.json.gz" % name)).read_bytes()
        assert raw[4:8] == b"\0\0\0\0", "%s has a gzip mtime" % name
        tree = json.loads(gzip.decompress(raw))
        assert name in tree["_source"]
        if SHARED.is_dir():
            assert tree == json.loads((SHARED / ("%s.json" % name)).read_text())


@pytest.mark.parametrize("release, dump", [
    ("7.9", "7.9"), ("7.9.1", "7.9"), ("7.9.2", "7.9.2"), ("7.12.2", "7.12.2"), ("7.12.9", "7.12.2"),
    ("7.13", "7.12.2"), ("7.15.1", "7.15"), ("7.16.2 (stable)", "7.16.2"), ("7.23.3", "7.23.3"), ("7.24", "7.24"),
    ("7.24.1", "7.24"), ("7.25", "7.24"), ("7.30.2", "7.24"), ("7.0", "7.9"), ("7.6", "7.9"), ("7.8.1", "7.9"),
    ("6.49.18", evidence.ROS6_BASE_DUMP),
])
def test_dump_choice_per_release(release, dump):
    assert evidence.dump_for(release) == dump


@pytest.mark.parametrize("release", ["6.49", "6.49.18", "7.0", "7.6", "7.23", "7.23.3", "7.24", "7.25", "7.99.1"])
def test_releases_accepted(release):
    router = Router(release=release)
    assert router.rows("/system/resource")[0]["version"].startswith(release)


@pytest.mark.parametrize("release", ["5.26", "6.48.6", "6.50", "8.0", "7", "seven", ""])
def test_releases_refused(release):
    with pytest.raises(evidence.UnsupportedRelease):
        Router(release=release)


def test_test_releases():
    versions = [evidence.parse_version(r) for r in evidence.TEST_RELEASES]
    assert versions == sorted(versions)
    assert any(v[0] == 6 for v in versions)
    assert any(v[0] == 7 and not evidence.has(v, "file_add") for v in versions)  # a 7.x before 7.9
    assert any(v >= (7, 20) for v in versions) and max(versions)[:2] == (7, 24)


# ------------------------------------------------------------------ the table against every dump
def test_every_row_names_a_source():
    for feature, rows in evidence.FACTS.items():
        for first, last, value, source in rows:
            assert first <= last
            assert source in evidence.SOURCES or value == evidence.UNKNOWN or source.split()[0] in (
                "issue", "no"), (feature, source)
            if value == evidence.UNKNOWN:
                assert source, feature


@pytest.mark.parametrize("name", evidence.DUMPS)
def test_table_agrees_with_dump(name):
    tree = load_schema(name)
    version = evidence.parse_version(name)
    assert ("add" in tree["/file"]) is evidence.has(name, "file_add")
    assert ("protocol" in _args(tree, "/interface/ovpn-client", "add")) is evidence.has(name, "ovpn_protocol")
    assert ("trusted" in _args(tree, "/certificate", "import")) is (version >= (7, 15))
    assert ("no-key-export" in _args(tree, "/certificate", "import")) is (version >= (7, 16))
    assert ("show-sensitive" in _args(tree, "/interface/ovpn-client", "print")) is (version >= (7, 21))
    assert "routing-mark" not in _args(tree, "/ip/route", "add")
    assert ("/routing/table" in tree) is evidence.has(name, "routing_table")
    assert "/system/package" in tree
    add = tree["/interface/ovpn-client"]["add"]
    if "_completion" in add.get("cipher", {}):
        assert sorted(add["cipher"]["_completion"]) == sorted(evidence.ovpn_ciphers(name))
        assert sorted(add["auth"]["_completion"]) == sorted(evidence.ovpn_auths(name))
    mangle = tree["/ip/firewall/mangle"]["add"].get("protocol", {})
    if "_completion" in mangle:
        assert set(mangle["_completion"]) - {"!"} == set(PROTOCOL_NUMBERS)
    if name in evidence.COMPLETION_DUMPS:
        assert "_completion" in add["cipher"] and "_completion" in mangle


def test_protocol_names_are_routeros_words():
    assert PROTOCOL_NUMBERS["ipencap"] == 4 and PROTOCOL_NUMBERS["ipv6-encap"] == 41
    assert "ip-encap" not in PROTOCOL_NUMBERS and "idrp" not in PROTOCOL_NUMBERS


# ------------------------------------------------------------------ dialects per release
def _ovpn(router, **values):
    base = {"name": "ovpn-hub", "connect-to": "203.0.113.1", "user": "rtr", "password": "pw"}
    base.update(values)
    return router.execute("/interface/ovpn-client", "add", base)


@pytest.mark.parametrize("release", ["6.49.18", "7.6"])
def test_old_cipher_words(release):
    router = Router(release=release)
    _ovpn(router, cipher="aes256")
    assert router.rows("/interface/ovpn-client")[0]["cipher"] == "aes256"
    for word in ("aes256-cbc", "aes256-gcm"):
        with pytest.raises(RouterError, match="^input does not match any value of cipher$"):
            router.execute("/interface/ovpn-client", "set", {"numbers": "ovpn-hub", "cipher": word})


@pytest.mark.parametrize("release", ["7.12.2", "7.21.5", "7.24", "7.25"])
def test_mode_cipher_words(release):
    router = Router(release=release)
    _ovpn(router, cipher="aes256-gcm", auth="sha384")
    with pytest.raises(RouterError, match="^input does not match any value of cipher$"):
        router.execute("/interface/ovpn-client", "set", {"numbers": "ovpn-hub", "cipher": "aes256"})


def test_unknown_cipher_dialect_is_an_option():
    legacy = Router(release="7.8", assume={"cipher_words": "legacy"})
    _ovpn(legacy, cipher="aes256")
    with pytest.raises(RouterError):
        legacy.execute("/interface/ovpn-client", "set", {"numbers": "ovpn-hub", "cipher": "aes256-gcm"})
    with pytest.raises(RouterError):  # sha2 follows the dialect unless told
        legacy.execute("/interface/ovpn-client", "set", {"numbers": "ovpn-hub", "auth": "sha256"})
    mode = Router(release="7.10.2")  # default: "mode"
    _ovpn(mode, cipher="aes256-gcm", auth="sha512")
    strict = Router(release="7.12.2", assume={"auth_sha2": False})
    with pytest.raises(RouterError, match="^input does not match any value of auth$"):
        _ovpn(strict, auth="sha256")
    with pytest.raises(KeyError):
        Router(release="7.8", assume={"cipher_word": "legacy"})  # a typo is refused


def test_sha2_auth_refused_on_6x():
    with pytest.raises(RouterError, match="^input does not match any value of auth$"):
        _ovpn(Router(release="6.49.18"), auth="sha256")


def test_before_7_9_no_file_add_and_protocol_is_an_option():
    router = Router(release="7.6")
    with pytest.raises(RouterError, match="^no such command$"):
        router.execute("/file", "add", {"name": "a.pem", "contents": "x"})
    assert evidence.has("7.6", "file_add") is False and evidence.has("7.9", "file_add") is True
    _ovpn(router, protocol="udp")  # default assumption: protocol exists (third-party claims)
    assert router.rows("/interface/ovpn-client")[0]["protocol"] == "udp"
    without = Router(release="7.6", assume={"ovpn_protocol": False})
    with pytest.raises(RouterError, match="^unknown parameter$"):
        _ovpn(without, protocol="udp")
    _ovpn(without)
    assert "protocol" not in without.rows("/interface/ovpn-client")[0]
    Router(release="7.9").execute("/file", "add", {"name": "a.pem", "contents": "x"})


def test_show_sensitive_from_7_21():
    old = Router(release="7.12.2")
    _ovpn(old)
    with pytest.raises(RouterError, match="^unknown parameter$"):
        old.execute("/interface/ovpn-client", "print", {"show-sensitive": ""})
    assert old.execute("/interface/ovpn-client", "print", {})[0][0]["password"] == "pw"
    new = Router(release="7.21")
    _ovpn(new)
    assert "password" not in new.execute("/interface/ovpn-client", "print", {})[0][0]
    assert new.execute("/interface/ovpn-client", "print", {"show-sensitive": ""})[0][0]["password"] == "pw"
    masked = Router(release="7.24", assume={"print_sensitive": "mask"})
    _ovpn(masked)
    assert masked.execute("/interface/ovpn-client", "print", {})[0][0]["password"] == "********"
    shown = Router(release="7.24", assume={"print_sensitive": "show"})
    _ovpn(shown)
    assert shown.execute("/interface/ovpn-client", "print", {})[0][0]["password"] == "pw"


def test_6x_print_file_is_asynchronous():
    router = Router(release="6.49.18", assume={"file_print_delay": 0.3})
    router.execute("/file", "print", {"file": "ca"})
    assert router.rows("/file") == []  # not there yet when the command returns
    router.wait_pending()
    assert [row["name"] for row in router.rows("/file")] == ["ca.txt"]
    bare = Router(release="6.49.18", assume={"file_print_name": "bare", "file_print_delay": 0.05})
    bare.execute("/file", "print", {"file": "ca"})
    bare.wait_pending()
    assert [row["name"] for row in bare.rows("/file")] == ["ca"]
    seven = Router(release="7.6")
    seven.execute("/file", "print", {"file": "ca"})
    assert [row["name"] for row in seven.rows("/file")] == ["ca.txt"]


def test_certificate_fingerprint_digest():
    assert evidence.fingerprint_hash("6.49.18") == "sha1" and evidence.fingerprint_hash("7.6") == "sha256"


def test_ipv6_package_disabled_hides_menus(tmp_path):
    state = str(tmp_path / "r.json")
    router = Router(release="6.49.18", state_file=state, assume={"ipv6_package": False})
    for path in ("/ipv6/address", "/ipv6/route", "/interface/6to4"):
        with pytest.raises(RouterError, match="^no such command prefix$"):
            router.execute(path, "print", {})
    packages = {row["name"]: row for row in router.execute("/system/package", "print", {})[0]}
    assert packages["ipv6"]["disabled"] == "true" and packages["system"]["disabled"] == "false"
    router.execute("/system/package", "enable", {"numbers": "ipv6"})
    assert router.rows("/system/package")[1]["scheduled"] == "scheduled for enable"
    with pytest.raises(RouterError):
        router.execute("/ipv6/address", "print", {})  # only after a reboot
    rebooted = Router(release="6.49.18", state_file=state, assume={"ipv6_package": False})
    assert rebooted.execute("/ipv6/address", "print", {})[0] == []
    assert Router(release="6.49.18").execute("/interface/6to4", "print", {})[0] == []


def test_7x_has_ipv6_in_routeros_package():
    router = Router(release="7.24", assume={"ipv6_package": False})  # no such package on 7.x
    assert [row["name"] for row in router.rows("/system/package")] == ["routeros"]
    assert router.execute("/ipv6/address", "print", {})[0] == []


@pytest.mark.parametrize("release", ["6.49.18", "7.24"])
def test_6to4_keepalive_as_printed(release):
    router = Router(release=release)
    router.execute("/interface/6to4", "add", {"name": "sit1", "remote-address": "198.51.100.1"})
    assert router.rows("/interface/6to4")[0]["keepalive"] == "0,0"
    other = Router(release=release, assume={"sixtofour_keepalive": "10s,10"})
    other.execute("/interface/6to4", "add", {"name": "sit1", "remote-address": "198.51.100.1"})
    assert other.rows("/interface/6to4")[0]["keepalive"] == "10s,10"


@pytest.mark.parametrize("release", ["6.49.18", "7.16"])
def test_flag_argument_ignores_its_value(release):
    router = Router(release=release)
    _rows, done, _changed = router.execute("/ip/route", "add", {"dst-address": "192.0.2.0/24", "blackhole": "no"})
    assert router.rows("/ip/route")[0]["blackhole"] == ""  # set, whatever the value said
    router.execute("/ip/route", "set", {"numbers": done["ret"], "!blackhole": ""})
    assert "blackhole" not in router.rows("/ip/route")[0]


# ------------------------------------------------------------------ the realiser's own tables
@pytest.mark.parametrize("word, name", [("aes256", "AES-256-CBC"), ("aes256-cbc", "AES-256-CBC"),
                                        ("aes128", "AES-128-CBC"), ("aes256-gcm", "AES-256-GCM"),
                                        ("blowfish128", "BF-CBC")])
def test_realiser_speaks_both_cipher_dialects(word, name, tmp_path):
    assert OPENVPN_CIPHERS[word] == name
    row = {".id": "*1", "name": "ovpn-hub", "connect-to": "203.0.113.1", "cipher": word, "auth": "sha1"}
    assert "data-ciphers %s\n" % name in openvpn_config(row, "ovpn-hub", str(tmp_path), word != "aes256")
    for release in ("6.49.18", "7.6", "7.24"):
        for cipher in evidence.ovpn_ciphers(release):
            assert cipher == "null" or cipher in OPENVPN_CIPHERS
