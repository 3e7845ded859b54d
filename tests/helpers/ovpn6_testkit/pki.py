# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A CA for tests: it issues CA, server and client certificates shaped like the openvpn_server role's
(basic constraints, key usage, extended key usage), and a CRL of what it revoked.

    ca = TestCA.create("ovpn6 test CA")
    client = ca.issue("rtr-a")                 # an Issued: .certificate, .key, .cert_pem, .key_pem()
    ca.revoke(client)
    crl = ca.crl()
"""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_TYPES = ("ec", "rsa")
# Issued certificates start a little in the past, so that a clock a few seconds behind still accepts them.
BACKDATE = datetime.timedelta(minutes=5)
_USAGES = {"client": ExtendedKeyUsageOID.CLIENT_AUTH, "server": ExtendedKeyUsageOID.SERVER_AUTH}


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def new_key(key_type: str = "ec"):
    """A private key: ``ec`` (P-256) or ``rsa`` (2048 bits)."""
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError("key_type %r is not one of %s" % (key_type, ", ".join(KEY_TYPES)))


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(ca: bool) -> x509.KeyUsage:
    # A CA signs certificates and CRLs; an end entity signs and, with RSA, enciphers the TLS key exchange.
    return x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=not ca,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


class Issued:
    """A certificate and its private key."""

    def __init__(self, certificate: x509.Certificate, key):
        self.certificate = certificate
        self.key = key

    @property
    def serial(self) -> int:
        return self.certificate.serial_number

    @property
    def cert_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def key_pem(self, passphrase: str | None = None) -> str:
        """The key as PKCS#8 PEM, encrypted with ``passphrase`` if one is given."""
        encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                      else serialization.NoEncryption())
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      encryption).decode()


class TestCA(Issued):
    """A self-signed CA that issues certificates and keeps the serials it revoked, for its CRL."""

    __test__ = False  # a helper, not a test class, whatever its name

    def __init__(self, certificate: x509.Certificate, key):
        super().__init__(certificate, key)
        self.revoked: dict[int, datetime.datetime] = {}

    @classmethod
    def create(cls, name: str = "ovpn6 test CA", key_type: str = "ec", days: int = 30,
               not_before: datetime.datetime | None = None, serial: int | None = None) -> TestCA:
        """A new CA named ``name``, valid for ``days`` from ``not_before`` (default: a little before now)."""
        key = new_key(key_type)
        certificate = _sign(_name(name), key.public_key(), _name(name), key, ca=True, usage=None, days=days,
                            not_before=not_before, serial=serial)
        return cls(certificate, key)

    @classmethod
    def load(cls, cert_pem: bytes, key_pem: bytes, passphrase: str | None = None) -> TestCA:
        """The CA of existing PEM files, e.g. one the openvpn_server role made."""
        key = serialization.load_pem_private_key(key_pem, passphrase.encode() if passphrase else None)
        return cls(x509.load_pem_x509_certificate(cert_pem), key)

    def issue(self, name: str, usage: str = "client", key_type: str = "ec", key=None, days: int = 30,
              not_before: datetime.datetime | None = None, serial: int | None = None) -> Issued:
        """A ``client`` or ``server`` certificate for ``name``, for a new key of ``key_type`` or for ``key``;
        valid for ``days`` from ``not_before`` (a past ``not_before`` and few days make one that ended)."""
        if usage not in _USAGES:
            raise ValueError("usage %r is not one of %s" % (usage, ", ".join(_USAGES)))
        key = key or new_key(key_type)
        certificate = _sign(_name(name), key.public_key(), self.certificate.subject, self.key, ca=False,
                            usage=_USAGES[usage], days=days, not_before=not_before, serial=serial)
        return Issued(certificate, key)

    def revoke(self, issued: Issued | int, when: datetime.datetime | None = None) -> None:
        """List a certificate (or a serial) in the next CRL, revoked at ``when`` (default: now)."""
        serial = issued if isinstance(issued, int) else issued.serial
        self.revoked[serial] = when or now()

    def crl(self, days: int = 7, last_update: datetime.datetime | None = None) -> x509.CertificateRevocationList:
        """The CRL of every revoked serial, next update ``days`` after ``last_update`` (default: now)."""
        last_update = last_update or now()
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.certificate.subject)
                   .last_update(last_update).next_update(last_update + datetime.timedelta(days=days)))
        for serial, when in sorted(self.revoked.items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
        return builder.sign(self.key, hashes.SHA256())

    def crl_pem(self, days: int = 7, last_update: datetime.datetime | None = None) -> str:
        return self.crl(days, last_update).public_bytes(serialization.Encoding.PEM).decode()


def _sign(subject, public_key, issuer, issuer_key, ca, usage, days, not_before, serial):
    start = not_before or now() - BACKDATE
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number() if serial is None else serial)
               .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(_key_usage(ca), critical=True))
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())
