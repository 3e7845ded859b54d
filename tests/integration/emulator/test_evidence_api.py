# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-release realities of routeros_emu.evidence, seen through librouteros over a real socket."""

from __future__ import annotations

import time

import pytest
from librouteros.exceptions import TrapError

from routeros_emu.testing import EmulatedRouter


@pytest.mark.parametrize("release", ["7.23", "7.23.3", "7.24", "7.25"])
def test_current_and_newer_releases_are_served(release):
    with EmulatedRouter(release=release, tls=False) as router:
        api = router.connect()
        assert list(api.path("system", "resource"))[0]["version"].startswith(release)
        api.path("file").add(name="a.pem", contents="x")
        assert list(api("/interface/ovpn-client/print", **{"show-sensitive": ""})) == []


def test_7_6_has_no_file_add_and_old_cipher_words():
    with EmulatedRouter(release="7.6", tls=False) as router:
        api = router.connect()
        with pytest.raises(TrapError, match="^no such command$"):
            api.path("file").add(name="a.pem", contents="x")
        ovpn = api.path("interface", "ovpn-client")
        ovpn.add(name="ovpn-hub", user="u", cipher="aes256", **{"connect-to": "203.0.113.1"})
        with pytest.raises(TrapError, match="^input does not match any value of cipher$"):
            ovpn.update(**{".id": "ovpn-hub", "cipher": "aes256-cbc"})


def test_password_print_7_12_versus_7_21():
    with EmulatedRouter(release="7.12.2", tls=False) as old, EmulatedRouter(release="7.21.5", tls=False) as new:
        for router in (old, new):
            api = router.connect()
            api.path("interface", "ovpn-client").add(
                name="ovpn-hub", user="u", password="secret", **{"connect-to": "203.0.113.1"})
        old_api, new_api = old.connect(), new.connect()
        assert list(old_api.path("interface", "ovpn-client"))[0]["password"] == "secret"
        with pytest.raises(TrapError, match="^unknown parameter$"):
            list(old_api("/interface/ovpn-client/print", **{"show-sensitive": ""}))
        assert "password" not in list(new_api.path("interface", "ovpn-client"))[0]
        shown = list(new_api("/interface/ovpn-client/print", **{"show-sensitive": ""}))
        assert shown[0]["password"] == "secret"


def test_6x_print_file_arrives_later():
    with EmulatedRouter(release="6.49.18", tls=False, assume={"file_print_delay": 0.4}) as router:
        api = router.connect()
        started = time.monotonic()
        tuple(api("/file/print", file="ca.crt"))
        assert [row["name"] for row in api.path("file")] == []
        with pytest.raises(TrapError, match="^no such item$"):
            tuple(api("/file/set", numbers="ca.crt.txt", contents="x"))
        while not list(api.path("file")) and time.monotonic() - started < 5:
            time.sleep(0.05)
        assert [row["name"] for row in api.path("file")] == ["ca.crt.txt"]
        assert time.monotonic() - started >= 0.4


def test_6x_without_ipv6_package():
    with EmulatedRouter(release="6.49.18", tls=False, assume={"ipv6_package": False}) as router:
        api = router.connect()
        with pytest.raises(TrapError, match="^no such command prefix$"):
            list(api.path("ipv6", "address"))
        with pytest.raises(TrapError, match="^no such command prefix$"):
            list(api.path("interface", "6to4"))
        packages = {row["name"]: row for row in api.path("system", "package")}
        assert packages["ipv6"]["disabled"] is True
        tuple(api("/system/package/enable", numbers="ipv6"))
        router.restart()
        api = router.connect()
        assert list(api.path("ipv6", "address")) == []
