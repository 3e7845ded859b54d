# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator as a service: persistence, many routers, the CLI, faults, hostile input."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import librouteros
import pytest
from librouteros.exceptions import ConnectionClosed

from routeros_emu.protocol import encode_sentence
from routeros_emu.testing import EmulatedRouter, start_fleet

LAB = Path(__file__).resolve().parents[2] / "lab"


def test_configuration_survives_restart_and_reset_gives_factory(tmp_path):
    state = str(tmp_path / "router.json")
    with EmulatedRouter(release="7.16", password="pw", state_file=state) as router:
        api = router.connect()
        api.path("routing", "table").add(name="via-vpn", fib="")
        ident = api.path("interface", "6to4").add(name="ovpn6", **{"remote-address": "198.51.100.1"})
        tuple(api("/system/identity/set", name="rtr-a"))
        port = router.port
        router.restart()
        assert router.port == port
        with pytest.raises((ConnectionClosed, OSError)):
            list(api.path("interface"))  # the reboot dropped the old session
        api = router.connect()
        assert [r["name"] for r in api.path("interface", "6to4")] == ["ovpn6"]
        assert list(api.path("system", "identity"))[0]["name"] == "rtr-a"
        # Ids keep counting after the reboot; nothing is reused.
        again = api.path("interface", "6to4").add(name="ovpn7", **{"remote-address": "198.51.100.1"})
        assert int(again[1:], 16) > int(ident[1:], 16)
        router.reset()
        assert router.rows("/interface/6to4") == []
        assert [r["name"] for r in router.rows("/routing/table")] == ["main"]
    # A new process reading the same file sees the factory state the reset saved.
    saved = json.loads(Path(state).read_text())
    assert saved["release"] == "7.16" and saved["tables"]["/interface/6to4"] == []


def test_many_routers_in_one_process():
    routers = start_fleet(8, release="6.49.18", password="pw")
    try:
        assert len({r.port for r in routers}) == 8
        for index, router in enumerate(routers):
            api = router.connect()
            assert list(api.path("system", "identity"))[0]["name"] == "rtr-%d" % index
            api.path("ip", "route").add(gateway="192.0.2.1", **{"routing-mark": "m%d" % index})
            api.close()
        assert [r.rows("/ip/route")[0]["routing-mark"] for r in routers] == ["m%d" % i for i in range(8)]
        assert all(r.stats()["connections"] == 1 for r in routers)
    finally:
        for router in routers:
            router.close()


def test_cli_serves_count_routers_with_stats_file_and_control(tmp_path):
    stats_file = tmp_path / "stats.json"
    env = dict(os.environ, PYTHONPATH="%s:%s" % (LAB, os.environ.get("PYTHONPATH", "")))
    proc = subprocess.Popen([sys.executable, "-m", "routeros_emu", "serve", "--release", "7.22.3", "--count", "3",
                             "--state", str(tmp_path / "state"), "--password", "pw", "--stats-file", str(stats_file),
                             "--control-port", "0"], stdout=subprocess.PIPE, env=env, text=True)
    try:
        ready = json.loads(proc.stdout.readline())
        ports = [r["port"] for r in ready["routers"]]
        assert len(set(ports)) == 3
        for port in ports:
            api = librouteros.connect(host="127.0.0.1", port=port, username="admin", password="pw", timeout=5)
            list(api.path("interface"))
            api.close()

        def ctl(request):
            out = subprocess.run([sys.executable, "-m", "routeros_emu", "ctl", "--control-port",
                                  str(ready["control_port"]), json.dumps(request)], env=env, text=True,
                                 capture_output=True, check=True).stdout
            return json.loads(out)

        stats = ctl({"op": "stats"})["result"]
        assert [s["connections"] for s in stats] == [1, 1, 1]
        assert all(s["sentences"] == 2 for s in stats)  # /login and /interface/print
        assert ctl({"op": "fault", "router": 1, "delay": 0.2})["result"]["delay"] == 0.2
        assert ctl({"op": "frobnicate"})["ok"] is False
        deadline = time.time() + 5
        while time.time() < deadline:
            if stats_file.exists() and json.loads(stats_file.read_text())["routers"][1]["faults"]["delay"] == 0.2:
                break
            time.sleep(0.1)
        assert json.loads(stats_file.read_text())["routers"][0]["sentences"] == 2
        assert (tmp_path / "state.2").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_fault_injection_drop_and_delay():
    with EmulatedRouter(release="7.16", password="pw", tls=False) as router:
        router.inject_fault(drop_after_sentences=2)
        api = router.connect()  # sentence 1: /login
        list(api.path("interface"))  # sentence 2
        with pytest.raises((ConnectionClosed, OSError)):
            list(api.path("interface"))  # sentence 3 is never answered
        assert router.stats()["dropped_by_fault"] == 1
        router.inject_fault(delay=0.25)
        api = router.connect()
        started = time.monotonic()
        list(api.path("system", "identity"))
        assert time.monotonic() - started >= 0.25
        router.inject_fault()
        started = time.monotonic()
        list(api.path("system", "identity"))
        assert time.monotonic() - started < 0.25


def _hostile(router, payload, close=True):
    sock = socket.create_connection((router.host, router.port), timeout=5)
    sock.sendall(payload)
    if close:
        sock.close()
    return sock


def test_malformed_input_never_hurts_the_service_or_its_state():
    with EmulatedRouter(release="7.22.3", password="pw", tls=False) as router:
        keeper = router.connect()  # a session that stays open through all of it
        keeper.path("ip", "firewall", "mangle").add(chain="prerouting", comment="keep")
        before = router.rows("/ip/firewall/mangle")
        login = encode_sentence(["/login", "=name=admin", "=password=pw"])
        add = encode_sentence(["/ip/firewall/mangle/add", "=chain=forward", "=comment=half"])
        payloads = [
            b"\xf8\x00\x00\x00",  # reserved control byte where a length belongs
            b"\xf0\x7f\xff\xff\xff" + b"A" * 100,  # a 2 GiB word
            os.urandom(4096),  # garbage
            login + add[: len(add) // 2],  # disconnect in the middle of a sentence
            login + b"\x05/log",  # word cut short
            b"\x00" * 64,  # empty sentences only
        ]
        for payload in payloads:
            _hostile(router, payload)
        # A half-open peer that never finishes its sentence must not block anyone else.
        stuck = _hostile(router, login + b"\x20/ip/firewall/mangle/", close=False)
        assert [r["comment"] for r in keeper.path("ip", "firewall", "mangle")] == ["keep"]
        fresh = router.connect()
        assert list(fresh.path("system", "identity"))[0]["name"] == "MikroTik"
        stuck.close()
        assert router.rows("/ip/firewall/mangle") == before
        deadline = time.time() + 5
        while router.stats()["protocol_errors"] < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert router.stats()["protocol_errors"] >= 2
