# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""/import over the API (librouteros, a real socket): a script file stored on the emulated router runs."""

from __future__ import annotations

import pytest
from librouteros.exceptions import TrapError

from routeros_emu.testing import EmulatedRouter

SCRIPT = "\r\n".join([
    "# written by a person, as RouterOS reads it",
    "/ip address",
    "add address=192.0.2.1/24 comment=\"from \\\"import\\\"\" interface=\\",
    "    ether1",
    ":delay 30s",
    "/system identity set name=[/interface get [ find name=ether2 ] name]",
    "",
])


@pytest.mark.parametrize("release", ["6.49.18", "7.16"])
def test_import_runs_a_stored_file(release):
    with EmulatedRouter(release=release, tls=False, factory="blank") as router:
        router.service.import_max_delay = 0.01
        router.router.put_file("setup.rsc", SCRIPT)
        api = router.connect()
        try:
            assert list(api("/import", **{"file-name": "setup.rsc"})) == []
            rows = router.rows("/ip/address")
            assert [(r["address"], r["comment"], r["interface"]) for r in rows] == \
                [("192.0.2.1/24", 'from "import"', "ether1")]
            assert router.rows("/system/identity")[0]["name"] == "ether2"
            with pytest.raises(TrapError, match="failure: file not found"):
                list(api("/import", **{"file-name": "nothing.rsc"}))
            router.router.put_file("broken.rsc", "/ip address\nadd address=198.51.100.1/24 interface=ether2\n"
                                                 "/ip firewal filter print\n")
            with pytest.raises(TrapError, match=r"Script Error: bad command name firewal \(line 3 column 1\)"):
                list(api("/import", **{"file-name": "broken.rsc"}))
            # the line before the error ran
            assert "198.51.100.1/24" in [r["address"] for r in router.rows("/ip/address")]
        finally:
            api.close()


def test_file_added_over_the_api_can_be_imported():
    """7.9+ has /file add (the dumps): a script can be put on the router over the API itself."""
    with EmulatedRouter(release="7.16", tls=False, factory="blank") as router:
        api = router.connect()
        try:
            list(api("/file/add", name="id.rsc", contents="/system identity set name=from-file\n"))
            list(api("/import", **{"file-name": "id.rsc"}))
        finally:
            api.close()
        assert router.rows("/system/identity")[0]["name"] == "from-file"
