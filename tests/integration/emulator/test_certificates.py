# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""/certificate import parses real PEM files made here with `cryptography`."""

from __future__ import annotations

import datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization

from ovpn6_testkit.pki import TestCA
from routeros_emu import evidence


def _pki():
    """A CA and rtr-a's client certificate (serial 1A2B, 30 days from now to the second), its key encrypted."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ca = TestCA.create("ovpn6 hub CA", days=365, not_before=now, serial=1)
    client = ca.issue("rtr-a", days=30, not_before=now, serial=0x1A2B)
    return ca.certificate, client.certificate, client.key_pem("key-pass").encode(), now


def _upload(api, router, name, text):
    if evidence.has(router.release, "file_add"):
        api.path("file").add(name=name, contents=text)
        return name
    tuple(api("/file/print", file=name))
    router.router.wait_pending()  # 6.x writes the file after the command returns
    tuple(api("/file/set", numbers=name + ".txt", contents=text))
    return name + ".txt"


def test_import_certificate_key_and_ca(routeros):
    ca, cert, encrypted_key, now = _pki()
    api = routeros.connect()
    pem = serialization.Encoding.PEM
    ca_file = _upload(api, routeros, "ca.crt", ca.public_bytes(pem).decode())
    cert_file = _upload(api, routeros, "rtr-a.crt", cert.public_bytes(pem).decode())
    key_file = _upload(api, routeros, "rtr-a.key", encrypted_key.decode())

    result = list(api("/certificate/import", **{"file-name": ca_file, "passphrase": ""}))
    assert result[0]["certificates-imported"] == 1
    list(api("/certificate/import", **{"file-name": cert_file, "passphrase": ""}))
    wrong = list(api("/certificate/import", **{"file-name": key_file, "passphrase": "nope"}))
    assert wrong[0]["decryption-failures"] == 1 and wrong[0]["private-keys-imported"] == 0
    right = list(api("/certificate/import", **{"file-name": key_file, "passphrase": "key-pass"}))
    assert right[0]["private-keys-imported"] == 1
    again = list(api("/certificate/import", **{"file-name": cert_file, "passphrase": ""}))
    assert again[0]["certificates-imported"] == 0  # the same certificate is not imported twice

    rows = {row["common-name"]: row for row in routeros.rows("/certificate")}
    client, authority = rows["rtr-a"], rows["ovpn6 hub CA"]
    assert client["name"] == cert_file + "_0" and authority["name"] == ca_file + "_0"
    # SHA-1 on 6.x (v6 manual), SHA-256 on 7.x (help.mikrotik.com Certificates).
    digest = hashes.SHA256() if evidence.parse_version(routeros.release)[0] >= 7 else hashes.SHA1()
    assert client["fingerprint"] == cert.fingerprint(digest).hex()
    assert client["private-key"] == "true" and authority["private-key"] == "false"
    assert authority["ca"] == "true" and client["ca"] == "false"
    assert client["trusted"] == "true"
    assert client["key-usage"] == "digital-signature,key-encipherment,tls-client"
    assert client["serial-number"] == "1A2B" and client["key-type"] == "ec"
    expiry = now + datetime.timedelta(days=30)
    if evidence.parse_version(routeros.release)[0] >= 7:
        assert client["invalid-after"] == expiry.strftime("%Y-%m-%d %H:%M:%S")
    else:
        assert client["invalid-after"] == expiry.strftime("%b/%d/%Y %H:%M:%S").lower()

    # The ovpn-client can now name the certificate; a rename follows it there.
    ovpn = api.path("interface", "ovpn-client")
    ovpn.add(name="ovpn-hub", user="u", certificate=client["name"], **{"connect-to": "203.0.113.1"})
    tuple(api("/certificate/set", numbers=client["name"], name="rtr-a"))
    assert routeros.rows("/interface/ovpn-client")[0]["certificate"] == "rtr-a"


def test_import_options_per_release(routeros):
    ca, _cert, _key, _now = _pki()
    api = routeros.connect()
    name = _upload(api, routeros, "ca2.crt", ca.public_bytes(serialization.Encoding.PEM).decode())
    from librouteros.exceptions import TrapError
    if evidence.parse_version(routeros.release) >= (7, 15):  # dump 7.15 is the first with trusted=
        list(api("/certificate/import", **{"file-name": name, "trusted": "no"}))
        assert routeros.rows("/certificate")[0]["trusted"] == "false"
    else:
        with pytest.raises(TrapError, match="^unknown parameter$"):
            list(api("/certificate/import", **{"file-name": name, "trusted": "no"}))
        assert routeros.rows("/certificate") == []
    with pytest.raises(TrapError, match="^failure: file not found$"):
        list(api("/certificate/import", **{"file-name": "missing.crt"}))
