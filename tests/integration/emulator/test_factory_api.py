# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Factory states and the firewall menus through librouteros, across restarts and resets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from librouteros.exceptions import TrapError

from routeros_emu.testing import EmulatedRouter

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RELEASES = ("6.49.18", "7.16", "7.22.3")
TOUCHED = ("/interface", "/interface/bridge", "/interface/bridge/port", "/interface/list", "/interface/list/member",
           "/ip/address", "/ip/dhcp-client", "/ip/dns", "/ip/firewall/filter", "/ip/firewall/nat",
           "/ip/firewall/mangle", "/ip/firewall/address-list", "/ipv6/firewall/filter",
           "/ipv6/firewall/address-list", "/ipv6/firewall/mangle")


@pytest.mark.parametrize("release", RELEASES)
def test_defconf_full_print_stable_across_restart(release):
    with EmulatedRouter(release=release, factory="defconf", tls=False) as router:
        before = router.full_print(TOUCHED)
        assert "defconf: drop all from WAN not DSTNATed" in before
        assert before == router.full_print(TOUCHED)
        api = router.connect()
        rules = list(api.path("ip", "firewall", "filter"))
        assert rules[0]["dynamic"] is True and rules[0]["comment"] == "special dummy rule to show fasttrack counters"
        api.close()
        router.restart()
        assert router.factory == "defconf"
        assert router.full_print(TOUCHED) == before
        # a change shows up; reset brings back the same factory state byte for byte
        api = router.connect()
        filters = api.path("ip", "firewall", "filter")
        mine = filters.add(chain="input", action="accept", comment="mine")
        assert router.full_print(TOUCHED) != before
        filters.remove(mine)
        api.close()
        router.reset()
        assert router.full_print(TOUCHED) == before


@pytest.mark.parametrize("release", RELEASES)
def test_dynamic_rule_refused_in_routeros_words(release):
    with EmulatedRouter(release=release, factory="defconf", tls=False) as router:
        api = router.connect()
        filters = api.path("ip", "firewall", "filter")
        dummy = next(iter(filters))[".id"]
        with pytest.raises(TrapError, match="^failure: cannot change builtin$"):
            tuple(filters("disable", numbers=dummy))
        with pytest.raises(TrapError, match="^failure: cannot change builtin$"):
            filters.remove(dummy)
        with pytest.raises(TrapError, match="^failure: cannot change builtin$"):
            filters.update(**{".id": dummy, "comment": "x"})
        with pytest.raises(TrapError, match="^unknown parameter$"):
            filters.add(chain="input", **{"no-such-arg": "1"})
        with pytest.raises(TrapError, match="^input does not match any value of in-interface-list$"):
            filters.add(chain="input", action="drop", **{"in-interface-list": "!VPN"})
        api.close()


def test_blank_and_minimal_print():
    with EmulatedRouter(release="7.16", factory="blank", tls=False) as blank, \
            EmulatedRouter(release="7.16", tls=False) as minimal:
        assert [r["name"] for r in blank.rows("/interface")] == ["ether1", "ether2", "lo"]
        assert '"defconf' not in blank.full_print()
        assert minimal.factory == "minimal"
        assert [r["name"] for r in minimal.rows("/interface")] == ["ether1", "ether2", "bridge", "lo"]
        assert "/ip/firewall/filter\n/ip/firewall/mangle" in minimal.full_print(["/ip/firewall/filter",
                                                                                "/ip/firewall/mangle"])


def test_serve_factory_option(tmp_path):
    """python -m routeros_emu serve --factory defconf: saved with the state, kept by a restart without it."""
    state = str(tmp_path / "state.json")
    ports = str(tmp_path / "ports.json")
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), "..", "..", "lab"))
    for extra in (["--factory", "defconf"], []):
        if os.path.exists(ports):
            os.unlink(ports)
        proc = subprocess.Popen([sys.executable, "-m", "routeros_emu", "serve", "--release", "7.16", "--state", state,
                                 "--ports-file", ports] + extra, env=env, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while not os.path.exists(ports) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert os.path.exists(ports)
        finally:
            proc.terminate()
            proc.wait(10)
        with open(state) as handle:
            data = json.load(handle)
        assert data["factory"] == "defconf"
        assert any(r.get("comment") == "defconf: fasttrack" for r in data["tables"]["/ip/firewall/filter"])
