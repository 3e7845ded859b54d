# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's per-router counters and its command recorder, as the benchmark reads them."""

from __future__ import annotations

import pytest

from routeros_emu.testing import EmulatedRouter


@pytest.fixture(name="router")
def fixture_router():
    with EmulatedRouter(release="7.16", password="pw", tls=False) as router:
        yield router


def _session(router, *commands):
    api = router.connect()
    try:
        for words in commands:
            list(api.rawCmd(*words))
    finally:
        api.close()


def test_connections_logins_and_sentences_are_counted_per_router(router):
    before = router.stats()
    _session(router, ["/system/resource/print"], ["/ip/route/print", "=.proplist=dst-address"])
    _session(router, ["/interface/print"])
    after = router.stats()
    delta = {key: after[key] - before[key] for key in ("connections", "logins", "login_failures")}
    assert delta == {"connections": 2, "logins": 2, "login_failures": 0}
    # A session is /login and its commands (librouteros closes the socket without /quit).
    assert after["sentences"] - before["sentences"] == (1 + 2) + (1 + 1)


def test_a_refused_login_counts_a_connection_and_a_failure_not_a_login(router):
    import librouteros.exceptions

    with pytest.raises(librouteros.exceptions.TrapError):
        router.connect(password="wrong")
    stats = router.stats()
    assert (stats["connections"], stats["logins"], stats["login_failures"]) == (1, 0, 1)


def test_recording_keeps_the_commands_but_login_and_stops_on_exit(router):
    with router.recording() as sent:
        _session(router, ["/ip/firewall/mangle/print", "?comment=x", "=.proplist=.id,comment"])
    _session(router, ["/interface/print"])
    assert sent == [["/ip/firewall/mangle/print", "?comment=x", "=.proplist=.id,comment"]]
    assert not any("pw" in word for words in sent for word in words)
