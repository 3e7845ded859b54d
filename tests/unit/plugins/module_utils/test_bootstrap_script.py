# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first-contact script writer: quoting RouterOS reads back, release dialects, refusals that name the value."""

from __future__ import annotations

import re

import pytest

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _bootstrap_script
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError
from ovpn6_testkit.pki import TestCA
from routeros_emu import script as emulator_script


@pytest.fixture(scope="module")
def pems():
    return {"ca": TestCA.create("ca").cert_pem}


@pytest.mark.parametrize("value", ["plain", "two words", 'a "quoted" $var? \\ back', "line 1\nline 2\r\n\ttab",
                                   "", "198.51.100.0/24", "!LAN", "2001:db8::1/64", "ünïcode"])
def test_quoted_values_read_back_as_written(value):
    statement = emulator_script.parse("add comment=%s" % _bootstrap_script.quote(value))[0]
    interpreter = emulator_script.Interpreter(router=None)
    assert interpreter.value(dict(statement.args)["comment"], [], [{}]) == value


def _parts(pems, release, **extra):
    parts = {"router": "rtr-a", "release": release,
             "certificates": [{"name": "ovpn6-ca-only", "ca_certificate": pems["ca"], "ca_name": "ovpn6-ca"}],
             "ovpn_client": {"connect_to": "203.0.113.10", "ovpn_user": "rtr-a", "certificate": "ovpn6-client"}}
    parts.update(extra)
    return parts


@pytest.mark.parametrize("release, file_add, digest_length, table", [
    ("6.49.18", False, 40, False), ("7.6", False, 64, True), ("7.16", True, 64, True)])
def test_release_dialects(pems, release, file_add, digest_length, table):
    text = _bootstrap_script.render(_parts(pems, release, policy_routing={
        "tunnel_interface": "ovpn6", "hub_address": "203.0.113.10"}))
    assert ("/file add " in text) == file_add
    assert ("/file print file=" in text) == (not file_add)
    fingerprint = re.search(r"set \[find where fingerprint=([0-9a-f]+)\] name=ovpn6-ca", text).group(1)
    assert len(fingerprint) == digest_length
    assert ("/routing table add name=ovpn6 fib" in text) == table
    route = next(line for line in text.splitlines() if line.startswith("/ip route add"))
    assert ("routing-table=ovpn6" in route.split()) == table
    assert ("routing-mark=ovpn6" in route.split()) == (not table)
    emulator_script.parse(text)  # RouterOS syntax throughout


def test_uncertain_cipher_word_is_tried_in_turn(pems):
    """7.6-7.10 (module_utils/_releases): the module tries the next cipher word when refused; so does the script."""
    text = _bootstrap_script.render(_parts(pems, "7.8"))
    line = next(line for line in text.splitlines() if line.startswith(":do { /interface ovpn-client add"))
    assert "cipher=aes256-cbc" in line and "on-error={ /interface ovpn-client add" in line and "cipher=aes256 " in line


@pytest.mark.parametrize("extra, message", [
    ({"release": "6.40"}, r"router rtr-a: release '6.40'"),
    ({"release": None}, r"set ovpn6_routeros_version"),
    ({"api_ssl_certificate": "ovpn6-api"}, r"api_ssl_certificate 'ovpn6-api' is none of the certificates"),
    ({"ovpn_client": {"connect_to": "203.0.113.10", "ovpn_user": "rtr-a", "certificate": "c", "transport": "udp"},
      "release": "6.49.18"}, r"transport udp is not available on RouterOS 6.49.18"),
    ({"ovpn_client": {"connect_to": "203.0.113.10", "ovpn_user": "rtr-a", "certificate": "c", "cipher_mode": "ofb"}},
     r"routeros_ovpn_client: .*cipher_mode"),
])
def test_bad_input_is_refused_by_name(pems, extra, message):
    with pytest.raises(InvalidInputError, match=message):
        _bootstrap_script.render(dict(_parts(pems, "7.16"), **extra))


def test_files_too_large_for_a_release_without_file_add_are_refused(pems):
    big = pems["ca"] + "\n" * 5000
    with pytest.raises(InvalidInputError, match=r"ovpn6-upload-boot-ovpn6-ca-cert is \d+ bytes: a release without /file add"):
        _bootstrap_script.render(dict(_parts(pems, "6.49.18"), certificates=[
            {"name": "x", "ca_certificate": big, "ca_name": "ovpn6-ca"}]))
