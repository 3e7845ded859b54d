# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users, groups and services in the emulator, over real sockets: who may log in, what their group lets them
do, and API-SSL with no certificate (anonymous DH) until one is bound to api-ssl."""

from __future__ import annotations

import functools
import socket
import ssl
import tempfile
from pathlib import Path

import librouteros
import pytest
from librouteros.exceptions import TrapError

from routeros_emu.testing import EmulatedRouter, make_tls_certificate


@pytest.fixture(params=["6.49.18", "7.16"])
def router(request):
    with EmulatedRouter(release=request.param, password="admin-pw", tls="anonymous", factory="blank") as emulated:
        yield emulated


def _login(router, username, password, tls=None):
    params = dict(username=username, password=password, host=router.host, port=router.port, timeout=5)
    if tls is not None:
        params.update(port=router.tls_port,
                      ssl_wrapper=functools.partial(tls.wrap_socket, server_hostname=router.host))
    return librouteros.connect(**params)


def _anonymous():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("ADH:@SECLEVEL=0")  # what community.routeros' force_no_cert sends
    return context


def test_factory_groups_services_and_user(router):
    groups = {row["name"]: row["policy"] for row in router.rows("/user/group")}
    assert set(groups) == {"read", "write", "full"}
    assert groups["read"].split(",")[:5] == ["local", "telnet", "ssh", "reboot", "read"]
    assert "!write" in groups["read"].split(",") and "!policy" in groups["write"].split(",")
    services = {row["name"]: (row["port"], row["disabled"]) for row in router.rows("/ip/service")}
    assert services["api"] == ("8728", "false") and services["api-ssl"] == ("8729", "false")
    assert services["www-ssl"] == ("443", "true")
    assert [(row["name"], row["group"]) for row in router.rows("/user")] == [("admin", "full")]


def test_user_of_a_group_logs_in_with_what_the_group_allows(router):
    api = _login(router, "admin", "admin-pw")
    try:
        tuple(api.path("/user/group").add(name="ovpn6-api", policy="api,read,write,sensitive"))
        tuple(api.path("/user/group").add(name="viewer", policy="api,read"))
        tuple(api.path("/user/group").add(name="no-api", policy="read,write,ssh"))
        for name, group in (("ovpn6", "ovpn6-api"), ("viewer", "viewer"), ("shell", "no-api")):
            tuple(api.path("/user").add(name=name, group=group, password="pw-" + name))
        with pytest.raises(TrapError, match="input does not match any value of policy"):
            tuple(api.path("/user/group").add(name="bad", policy="api,rest"))
        with pytest.raises(TrapError, match="input does not match any value of group"):
            tuple(api.path("/user").add(name="x", group="nosuch", password="x"))
        printed = {row["name"]: row for row in api.path("/user")}
    finally:
        api.close()
    assert all("password" not in row for row in printed.values())
    policy = next(r["policy"] for r in router.rows("/user/group") if r["name"] == "ovpn6-api").split(",")
    assert [w for w in policy if not w.startswith("!")] == ["read", "write", "sensitive", "api"]

    with pytest.raises(TrapError, match="invalid user name or password"):
        _login(router, "ovpn6", "wrong")
    with pytest.raises(TrapError, match="not allowed"):
        _login(router, "shell", "pw-shell")
    viewer = _login(router, "viewer", "pw-viewer")
    try:
        assert tuple(viewer.path("/ip/address")) == ()
        with pytest.raises(TrapError, match=r"not enough permissions \(9\)"):
            tuple(viewer.path("/ip/address").add(address="192.0.2.1/24", interface="ether1"))
    finally:
        viewer.close()
    user = _login(router, "ovpn6", "pw-ovpn6")
    try:
        tuple(user.path("/ip/address").add(address="192.0.2.1/24", interface="ether1"))
        with pytest.raises(TrapError, match=r"not enough permissions \(9\)"):
            tuple(user.path("/user").add(name="more", group="full", password="x"))
    finally:
        user.close()
    assert [r["name"] for r in router.rows("/user")] == ["admin", "ovpn6", "viewer", "shell"]


def test_api_ssl_is_anonymous_until_a_certificate_is_bound(router):
    workdir = Path(tempfile.mkdtemp())
    ca_path, cert_path, key_path = make_tls_certificate(str(workdir), router.host, name="bound")
    checking = ssl.create_default_context(cafile=ca_path)
    checking.check_hostname = True

    # As shipped: no certificate, so only a client that asks for anonymous DH gets in.
    anonymous = _login(router, "admin", "admin-pw", tls=_anonymous())
    anonymous.close()
    with pytest.raises((ssl.SSLError, OSError)):
        with socket.create_connection((router.host, router.tls_port), timeout=5) as raw:
            checking.wrap_socket(raw, server_hostname=router.host).close()

    router.router.put_file("api.pem", Path(cert_path).read_text() + Path(key_path).read_text())
    api = _login(router, "admin", "admin-pw")
    try:
        tuple(api.path("/certificate")("import", **{"file-name": "api.pem", "passphrase": ""}))
        name = next(row["name"] for row in api.path("/certificate"))
        with pytest.raises(TrapError, match="input does not match any value of certificate"):
            tuple(api.path("/ip/service")("set", numbers="api-ssl", certificate="nosuch"))
        tuple(api.path("/ip/service")("set", numbers="api-ssl", certificate=name))
        with pytest.raises(TrapError, match="no such command"):
            tuple(api.path("/ip/service").add(name="extra", port="1"))
    finally:
        api.close()
    assert next(r for r in router.rows("/ip/service") if r["name"] == "api-ssl")["certificate"] == name
    # Now the router's certificate is checked, host name included.
    verified = _login(router, "admin", "admin-pw", tls=checking)
    try:
        assert tuple(verified.path("/system/identity"))[0]["name"] == "MikroTik"
    finally:
        verified.close()
