# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ovpn6_testkit.pki: what it issues chains to its CA, carries the asked validity and usage, and its CRL
lists exactly what was revoked."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ovpn6_testkit.pki import TestCA


@pytest.fixture(scope="module")
def ca():
    return TestCA.create("kit CA")


def _cn(name):
    return name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def _extension(cert, kind):
    return cert.extensions.get_extension_for_class(kind).value


def test_the_ca_is_a_self_signed_ca(ca):
    cert = ca.certificate
    assert _cn(cert.subject) == "kit CA" and cert.issuer == cert.subject
    assert _extension(cert, x509.BasicConstraints).ca is True
    usage = _extension(cert, x509.KeyUsage)
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    cert.verify_directly_issued_by(cert)


@pytest.mark.parametrize("usage, oid", [("client", ExtendedKeyUsageOID.CLIENT_AUTH),
                                        ("server", ExtendedKeyUsageOID.SERVER_AUTH)])
def test_issued_certificates_chain_to_the_ca(ca, usage, oid):
    issued = ca.issue("rtr-a", usage=usage)
    cert = issued.certificate
    cert.verify_directly_issued_by(ca.certificate)
    assert _cn(cert.subject) == "rtr-a"
    assert _extension(cert, x509.BasicConstraints).ca is False
    assert list(_extension(cert, x509.ExtendedKeyUsage)) == [oid]
    assert cert.public_key() == issued.key.public_key()


def test_another_ca_is_not_the_issuer(ca):
    other = TestCA.create("other CA")
    with pytest.raises(ValueError):
        other.issue("rtr-a").certificate.verify_directly_issued_by(ca.certificate)


def test_validity_serial_and_start_are_as_asked(ca):
    start = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    cert = ca.issue("rtr-b", days=30, not_before=start, serial=0x1A2B).certificate
    assert cert.serial_number == 0x1A2B
    assert cert.not_valid_before_utc == start
    assert cert.not_valid_after_utc == start + datetime.timedelta(days=30)


def test_default_validity_starts_a_little_before_now(ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = ca.issue("rtr-c").certificate
    assert now - datetime.timedelta(minutes=6) < cert.not_valid_before_utc < now
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == datetime.timedelta(days=30)


@pytest.mark.parametrize("key_type, kind", [("ec", ec.EllipticCurvePrivateKey), ("rsa", rsa.RSAPrivateKey)])
def test_key_types(key_type, kind):
    ca = TestCA.create(key_type=key_type)
    issued = ca.issue("hub1", usage="server", key_type=key_type)
    assert isinstance(ca.key, kind) and isinstance(issued.key, kind)
    issued.certificate.verify_directly_issued_by(ca.certificate)


def test_unknown_key_type_and_usage_are_refused(ca):
    with pytest.raises(ValueError, match="key_type 'dsa'"):
        ca.issue("rtr-a", key_type="dsa")
    with pytest.raises(ValueError, match="usage 'both'"):
        ca.issue("rtr-a", usage="both")


def test_a_given_key_is_certified(ca):
    first = ca.issue("rtr-a")
    again = ca.issue("rtr-a", key=first.key)
    assert again.certificate.public_key() == first.certificate.public_key()
    assert again.serial != first.serial


def test_pem_texts_load_back_and_the_passphrase_is_needed(ca):
    issued = ca.issue("rtr-a")
    assert x509.load_pem_x509_certificate(issued.cert_pem.encode()) == issued.certificate
    assert x509.load_der_x509_certificate(issued.der) == issued.certificate
    plain = serialization.load_pem_private_key(issued.key_pem().encode(), None)
    assert plain.public_key() == issued.key.public_key()
    encrypted = issued.key_pem("pass phrase").encode()
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(encrypted, None)
    assert serialization.load_pem_private_key(encrypted, b"pass phrase").public_key() == issued.key.public_key()


def test_the_crl_lists_the_revoked_serials_only():
    ca = TestCA.create()
    kept, gone = ca.issue("rtr-a"), ca.issue("rtr-b")
    assert list(ca.crl()) == []
    when = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
    ca.revoke(gone, when=when)
    ca.revoke(77)
    crl = x509.load_pem_x509_crl(ca.crl_pem(days=3).encode())
    assert crl.is_signature_valid(ca.certificate.public_key())
    assert crl.issuer == ca.certificate.subject
    assert sorted(entry.serial_number for entry in crl) == sorted([gone.serial, 77])
    assert crl.get_revoked_certificate_by_serial_number(kept.serial) is None
    assert crl.get_revoked_certificate_by_serial_number(gone.serial).revocation_date_utc == when
    assert crl.next_update_utc - crl.last_update_utc == datetime.timedelta(days=3)


def test_a_loaded_ca_issues_as_the_original(ca):
    loaded = TestCA.load(ca.cert_pem.encode(), ca.key_pem("secret").encode(), passphrase="secret")
    assert loaded.certificate == ca.certificate
    loaded.issue("rtr-a").certificate.verify_directly_issued_by(ca.certificate)
