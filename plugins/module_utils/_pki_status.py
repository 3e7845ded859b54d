# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The openvpn_server role's PKI directory read once: serials, what to renew, and which hubs and routers
already have exactly the key, signing request and certificate its community.crypto tasks would leave alone.

Layout: ca.crt, private/ca.key, reqs/ca.csr, and per name private/NAME.key, reqs/NAME.csr,
issued/NAME.crt. Nothing here writes. Whatever is not proven current is "needs work": the role then runs
community.crypto on it, which decides as it always did, so a wrong "needs work" costs time, never a file.

Mirrored checks (community.crypto 3.0, read in its module_backends), with stricter ones where simpler:
  openssl_privatekey (regenerate=full_idempotence, format=auto_ignore): loads without a passphrase, type RSA,
    size; the file's mode (set_fs_attributes_if_different).
  openssl_csr: subject, SAN/key usage/extended key usage/basic constraints/OCSP must-staple/SKI/AKI/name
    constraints/CRL distribution points with their criticality (here: the extensions must be exactly the
    three the role asks for, nothing else), signature valid, public key equal to the key's; mode.
  x509_certificate, provider ownca (ignore_timestamps=true, create SKI if the CSR has none, create AKI): the CSR's
    signature and public key, subject equal to the CSR's, extensions equal to the CSR's but for SKI and AKI,
    SKI equal to the one of its public key, signature by ca.crt's key, issuer equal to ca.crt's subject, AKI
    equal to the one made from ca.crt's SKI; ca.key belongs to ca.crt; mode; force while in the renew window.
The CA tasks run before the per-name ones and may issue ca.crt again (renewal, or a changed request). The
names then stay current only if that would keep what ownca compares: ca.crt's subject (one CN, the same in
reqs/ca.csr, which the role rebuilds from that CN), its public key (that of private/ca.key, itself a key
openssl_privatekey keeps) and its SKI (the one of that key, which a new self-signed ca.crt gets).
"""

from __future__ import annotations

import datetime
import os
import stat

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:  # reported by the module, which names the missing library
    HAS_CRYPTOGRAPHY = False
else:
    HAS_CRYPTOGRAPHY = True

ROLES = ("server", "client")
KEY_MODE = 0o600
CSR_MODE = 0o600
CERT_MODE = 0o644


class PkiStatusError(Exception):
    """Bad input: the message names the value and the rule."""


def check_names(names):
    """``names`` ({name: role}) as a list of (name, role), refusing what cannot be a PKI file name or role."""
    if not isinstance(names, dict):
        raise PkiStatusError("names must be a dict of name: role, got %s" % type(names).__name__)
    checked = []
    for name, role in names.items():
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\0" in name:
            raise PkiStatusError("name %r must be a plain file name (no '/', not '.' or '..')" % (name,))
        if role not in ROLES:
            raise PkiStatusError("name %s: role %r is not one of %s" % (name, role, ", ".join(ROLES)))
        checked.append((name, role))
    return checked


def _has_mode(path, mode):
    """Is ``path`` a regular file of exactly ``mode`` (else the role's tasks would set it again)?"""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == mode


def _read(path, mode=None):
    """The bytes of ``path``; None when it is missing or unreadable, or, with ``mode``, not a regular file of
    exactly that mode."""
    if mode is not None and not _has_mode(path, mode):
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _certificate(data, der=False):
    """The certificate in ``data`` (PEM; DER too with ``der``, as x509_certificate_info reads), or None."""
    if data is None:
        return None
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data) if der else None
    except ValueError:
        return None


def _spki(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _rsa_key(path, key_size):
    """The unencrypted RSA key of ``key_size`` bits at ``path`` (mode 0600), or None."""
    data = _read(path, KEY_MODE)
    if data is None:
        return None
    # Loaded with cryptography's RSA key check, as openssl_privatekey loads it: a key failing it is made again
    # there. The check is most of this module's time (tens of ms per key), kept so that no such key is current.
    try:
        key = serialization.load_pem_private_key(data, None)
    except (ValueError, TypeError):  # TypeError: encrypted
        return None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size != key_size:
        return None
    return key


def _signed_by(certificate, public_key):
    # As community.crypto verifies: PKCS#1 v1.5 for RSA, ECDSA for EC; any other key is a doubt.
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(),
                              certificate.signature_hash_algorithm)
            return True
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(certificate.signature, certificate.tbs_certificate_bytes,
                              ec.ECDSA(certificate.signature_hash_algorithm))
            return True
    except Exception:  # InvalidSignature, or an algorithm this library refuses: not proven
        return False
    return False


def _extension(extensions, kind):
    for extension in extensions:
        if isinstance(extension.value, kind):
            return extension
    return None


def _request_extensions(role):
    """The extensions of the role's signing request for a hub (server) or router (client), by OID."""
    usage = ExtendedKeyUsageOID.SERVER_AUTH if role == "server" else ExtendedKeyUsageOID.CLIENT_AUTH
    values = [
        x509.BasicConstraints(ca=False, path_length=None),
        x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                      data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                      encipher_only=False, decipher_only=False),
        x509.ExtendedKeyUsage([usage]),
    ]
    return dict((value.oid, x509.Extension(value.oid, False, value)) for value in values)


class _Authority:
    """ca.crt when the per-name tasks would meet it unchanged in what ownca compares (see the module doc)."""

    def __init__(self, certificate, aki):
        self.certificate = certificate
        self.aki = aki

    @classmethod
    def read(cls, directory, ca_certificate, key_size):
        if ca_certificate is None:
            return None
        key = _rsa_key(os.path.join(directory, "private", "ca.key"), key_size)
        request = _request(os.path.join(directory, "reqs", "ca.csr"), mode=None)
        subject = list(ca_certificate.subject)
        if key is None or request is None or len(subject) != 1 or subject[0].oid != NameOID.COMMON_NAME:
            return None
        public_key = ca_certificate.public_key()
        if _spki(public_key) != _spki(key.public_key()) or request.subject != ca_certificate.subject:
            return None
        try:
            ski = ca_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        except (x509.ExtensionNotFound, ValueError):
            return None
        if ski.digest != x509.SubjectKeyIdentifier.from_public_key(public_key).digest:
            return None
        return cls(ca_certificate, x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski))


def _request(path, mode=CSR_MODE):
    data = _read(path, mode)
    if data is None:
        return None
    try:
        return x509.load_pem_x509_csr(data)
    except ValueError:
        return None


def _name_is_current(directory, name, role, key_size, authority, certificate):
    """``certificate``: issued/NAME.crt as read already (PEM, as ownca reads it)."""
    if not _has_mode(os.path.join(directory, "issued", name + ".crt"), CERT_MODE):
        return False
    key = _rsa_key(os.path.join(directory, "private", name + ".key"), key_size)
    request = _request(os.path.join(directory, "reqs", name + ".csr"))
    if key is None or request is None:
        return False
    public_key = _spki(key.public_key())
    wanted = _request_extensions(role)
    request_extensions = list(request.extensions)
    if (not request.is_signature_valid or _spki(request.public_key()) != public_key
            or request.subject != x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
            or len(request_extensions) != len(wanted)
            or any(wanted.get(extension.oid) != extension for extension in request_extensions)):
        return False
    if (_spki(certificate.public_key()) != public_key or certificate.subject != request.subject
            or certificate.issuer != authority.certificate.subject
            or not _signed_by(certificate, authority.certificate.public_key())):
        return False
    extensions = list(certificate.extensions)
    ski = _extension(extensions, x509.SubjectKeyIdentifier)
    aki = _extension(extensions, x509.AuthorityKeyIdentifier)
    rest = [extension for extension in extensions if extension not in (ski, aki)]
    return (ski is not None and not ski.critical
            and ski.value.digest == x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest
            and aki is not None and not aki.critical and aki.value == authority.aki
            and len(rest) == len(wanted) and all(wanted.get(extension.oid) == extension for extension in rest))


def _proven(check, *args):
    """``check(*args)``, or None when it raises: cryptography raises more than ValueError on odd files
    (a duplicate extension, an unsupported key or algorithm), and whatever it cannot read is not current."""
    try:
        return check(*args)
    except Exception:
        return None


def _utc(certificate, which):
    # The *_utc properties came with cryptography 42; a hub's Debian 12 has 38, whose naive values are UTC.
    value = getattr(certificate, which + "_utc", None)
    return value if value is not None else getattr(certificate, which).replace(tzinfo=datetime.timezone.utc)


def _in_renew_window(certificate, renew_at):
    # As x509_certificate_info's valid_at, which the role read before: renew what is not valid at renew_at.
    return not _utc(certificate, "not_valid_before") <= renew_at <= _utc(certificate, "not_valid_after")


def pki_status(directory, names, key_size, renew_days, now=None):
    """The PKI in ``directory`` read once; see the openvpn_pki_info module for what each value holds."""
    checked = check_names(names)
    if not isinstance(key_size, int) or isinstance(key_size, bool) or key_size < 1024:
        raise PkiStatusError("key_size must be a whole number of bits from 1024, got %r" % (key_size,))
    if not isinstance(renew_days, int) or isinstance(renew_days, bool) or renew_days < 0:
        raise PkiStatusError("renew_days must be a whole number from 0, got %r" % (renew_days,))
    renew_at = (now or datetime.datetime.now(datetime.timezone.utc)) + datetime.timedelta(days=renew_days)

    paths = ["ca.crt"]
    try:
        paths += sorted("issued/" + entry for entry in os.listdir(os.path.join(directory, "issued"))
                        if entry.endswith(".crt") and os.path.isfile(os.path.join(directory, "issued", entry)))
    except OSError:
        pass
    certificates, unreadable, pem = {}, [], set()
    for path in paths:
        full = os.path.join(directory, path)
        if not os.path.lexists(full):
            continue
        data = _read(full)
        certificate = _certificate(data, der=True)
        if certificate is None:
            unreadable.append(path)
            continue
        certificates[path] = certificate
        if data.lstrip().startswith(b"-----BEGIN"):
            pem.add(path)

    ca_certificate = certificates.get("ca.crt")
    # ownca reads ca.crt as PEM only.
    authority = _proven(_Authority.read, directory, ca_certificate if "ca.crt" in pem else None, key_size)
    current, needs_work = [], []
    for name, role in checked:
        path = "issued/%s.crt" % name
        issued = certificates.get(path)
        # A name "ca" would share the CA's key and request files: never current.
        fine = (authority is not None and name != "ca" and issued is not None and path in pem
                and not _in_renew_window(issued, renew_at)
                and _proven(_name_is_current, directory, name, role, key_size, authority, issued))
        (current if fine else needs_work).append(name)

    common_names = ca_certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME) if ca_certificate else []
    return {
        "serials": dict((path, certificate.serial_number) for path, certificate in certificates.items()),
        "renew": [path for path, certificate in certificates.items() if _in_renew_window(certificate, renew_at)],
        "current": current,
        "needs_work": needs_work,
        # x509_certificate_info's subject.commonName, which the role read the CA's name from: the last CN.
        "ca_common_name": common_names[-1].value if common_names else None,
        "unreadable": unreadable,
    }
