# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the router side: three dialects and a PKI."""

from __future__ import annotations

import datetime

import pytest

from routeros_emu.testing import EmulatedRouter
from routerside_lab import ROUTER_SIDE_RELEASES


@pytest.fixture(params=ROUTER_SIDE_RELEASES)
def lab_router(request):
    with EmulatedRouter(release=request.param, password="lab-secret") as router:
        yield router


def _certificate(subject, issuer_key, issuer_name, key, ca, serial):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


@pytest.fixture(scope="session")
def pki():
    """PEM texts: a CA, two client certificates of rtr-a with keys (the second one to test replacement),
    an encrypted key with its passphrase, and a certificate that is the user's own."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def pem(obj):
        return obj.public_bytes(serialization.Encoding.PEM).decode()

    def key_pem(key, passphrase=None):
        encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                      else serialization.NoEncryption())
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("ovpn6 test CA", ca_key, None, ca_key, True, 1)
    keys = [ec.generate_private_key(ec.SECP256R1()) for _key_number in range(3)]
    clients = [_certificate("rtr-a", ca_key, ca.subject, keys[i], False, 10 + i) for i in range(2)]
    user = _certificate("users own", keys[2], None, keys[2], True, 99)
    return {
        "ca": pem(ca), "cert": pem(clients[0]), "key": key_pem(keys[0], "pass phrase 1"), "passphrase": "pass phrase 1",
        "cert2": pem(clients[1]), "key2": key_pem(keys[1]), "user_cert": pem(user),
    }
