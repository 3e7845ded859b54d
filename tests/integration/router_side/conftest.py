# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the router side: three dialects and a PKI."""

from __future__ import annotations

import pytest

from ovpn6_testkit.pki import TestCA
from routeros_emu.testing import EmulatedRouter
from routerside_lab import ROUTER_SIDE_RELEASES


@pytest.fixture(params=ROUTER_SIDE_RELEASES)
def lab_router(request):
    with EmulatedRouter(release=request.param, password="lab-secret") as router:
        yield router


@pytest.fixture(scope="session")
def pki():
    """PEM texts: a CA, two client certificates of rtr-a with keys (the second one to test replacement),
    an encrypted key with its passphrase, and a certificate that is the user's own."""
    ca = TestCA.create("ovpn6 test CA", serial=1)
    clients = [ca.issue("rtr-a", serial=10 + i) for i in range(2)]
    user = TestCA.create("users own", serial=99)
    return {
        "ca": ca.cert_pem, "cert": clients[0].cert_pem, "key": clients[0].key_pem("pass phrase 1"),
        "passphrase": "pass phrase 1", "cert2": clients[1].cert_pem, "key2": clients[1].key_pem(),
        "user_cert": user.cert_pem,
    }
