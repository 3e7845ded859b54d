# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""/certificate import parses real PEM files made here with `cryptography`."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from routeros_emu import evidence


def _pki():
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ovpn6 hub CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rtr-a")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(0x1A2B)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    encrypted = key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b"key-pass"))
    return ca, cert, encrypted, now


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
