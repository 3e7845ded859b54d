# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""/certificate import: real PEM parsing with `cryptography`, fields as RouterOS shows them."""

from __future__ import annotations

import datetime
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .facts import RouterError

_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----", re.S)

_EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH: "tls-server",
    ExtendedKeyUsageOID.CLIENT_AUTH: "tls-client",
    ExtendedKeyUsageOID.CODE_SIGNING: "code-sign",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "email-protect",
    ExtendedKeyUsageOID.TIME_STAMPING: "timestamp",
    ExtendedKeyUsageOID.OCSP_SIGNING: "ocsp-sign",
}
_KU_NAMES = (
    ("digital_signature", "digital-signature"), ("content_commitment", "content-commitment"),
    ("key_encipherment", "key-encipherment"), ("data_encipherment", "data-encipherment"),
    ("key_agreement", "key-agreement"), ("key_cert_sign", "key-cert-sign"), ("crl_sign", "crl-sign"),
)


def _public_der(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _validity(cert):
    """(not before, not after) as aware UTC datetimes; cryptography before 42 (Debian 12) has no *_utc."""
    if hasattr(cert, "not_valid_before_utc"):
        return cert.not_valid_before_utc, cert.not_valid_after_utc
    utc = datetime.timezone.utc
    return cert.not_valid_before.replace(tzinfo=utc), cert.not_valid_after.replace(tzinfo=utc)


def format_time(moment, ros7):
    if ros7:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%b/%d/%Y %H:%M:%S").lower()


def certificate_fields(cert, ros7, now):
    try:
        cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    except IndexError:
        cn = ""
    usages = []
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        for attr, label in _KU_NAMES:
            if getattr(ku, attr):
                usages.append(label)
        if ku.key_agreement:
            if ku.encipher_only:
                usages.append("encipher-only")
            if ku.decipher_only:
                usages.append("decipher-only")
    except x509.ExtensionNotFound:
        pass
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        usages.extend(_EKU_NAMES[oid] for oid in eku if oid in _EKU_NAMES)
    except x509.ExtensionNotFound:
        pass
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san = ",".join(["DNS:%s" % n for n in sans.get_values_for_type(x509.DNSName)]
                       + ["IP:%s" % n for n in sans.get_values_for_type(x509.IPAddress)])
    except x509.ExtensionNotFound:
        san = None
    public = cert.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        key_type, key_size = "rsa", str(public.key_size)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        key_type, key_size = "ec", public.curve.name
    else:
        key_type, key_size = "unknown", None
    before, after = _validity(cert)
    digest = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    return {
        "common-name": cn,
        "subject-alt-name": san,
        "key-type": key_type,
        "key-size": key_size,
        "digest-algorithm": digest,
        "key-usage": ",".join(usages) if usages else None,
        "serial-number": format(cert.serial_number, "X"),
        # SHA-1 on 6.x, SHA-256 on 7.x (evidence.fingerprint_hash cites both manuals).
        "fingerprint": cert.fingerprint(hashes.SHA256() if ros7 else hashes.SHA1()).hex(),
        "issuer": cert.issuer.rfc4514_string(),
        "invalid-before": format_time(before, ros7),
        "invalid-after": format_time(after, ros7),
        "days-valid": str(max(0, (after - before).days)),
        "ca": "true" if is_ca else "false",
        "authority": "true" if is_ca else "false",
        "expired": "true" if after < now else "false",
        "_public": _public_der(public).hex(),
    }


class ImportResult:
    def __init__(self):
        self.certificates = []  # parsed x509 certificates, in file order
        self.keys = []  # private keys
        self.decryption_failures = 0


def parse_pem_bundle(data: bytes, passphrase: str):
    """Split a file into certificates and private keys; encrypted keys need the passphrase."""
    result = ImportResult()
    blocks = [m.group(0) for m in _PEM_RE.finditer(data)]
    if not blocks:
        # A DER certificate is also accepted by RouterOS.
        try:
            result.certificates.append(x509.load_der_x509_certificate(data))
            return result
        except ValueError:
            raise RouterError("cert_parse")
    for block in blocks:
        label = _PEM_RE.match(block).group(1)
        if label == b"CERTIFICATE":
            try:
                result.certificates.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                raise RouterError("cert_parse")
        elif label.endswith(b"PRIVATE KEY"):
            password = passphrase.encode() if passphrase else None
            try:
                result.keys.append(serialization.load_pem_private_key(block, password=password))
            except (TypeError, ValueError):
                result.decryption_failures += 1
    return result


def key_public_hex(key):
    return _public_der(key.public_key()).hex()


def certificate_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def key_pem(key):
    """The key as an unencrypted PKCS#8 PEM (kept by the emulator to serve TLS with it)."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")
