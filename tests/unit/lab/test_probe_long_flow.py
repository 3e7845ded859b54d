# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab probe's long-flow proof counts the packets of its own download only: a late packet of an
earlier connection to the same server (one a test broke on purpose) is not this flow's."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading

from ovpn6lab import probe

CAPTURED = [
    "12:00:00.000001 IP 192.168.88.254.40112 > 10.99.0.10.8000: tcp 0",
    "12:00:00.000002 IP 10.99.0.10.8000 > 192.168.88.254.40112: tcp 1448",
    "12:00:00.000003 IP 192.168.88.254.51234 > 10.99.0.10.8000: tcp 0",
    "12:00:00.000004 IP 10.99.0.10.8000 > 192.168.88.254.51234: tcp 1448",
    "12:00:00.000005 IP 10.99.0.10.8000 > 192.168.88.254.51234: tcp 1448",
]


def test_only_the_downloads_own_connection_counts():
    assert probe.of_connection(CAPTURED, 51234) == CAPTURED[2:]
    assert probe.of_connection(CAPTURED, 40112) == CAPTURED[:2]
    assert probe.payload_from(probe.of_connection(CAPTURED, 51234), "10.99.0.10") == 2896


def test_a_port_that_only_prefixes_another_does_not_match():
    assert probe.of_connection(CAPTURED, 1234) == []
    assert probe.of_connection(CAPTURED, 4011) == []


def test_the_client_reports_status_size_and_its_own_port(tmp_path):
    (tmp_path / "flow.bin").write_bytes(b"x" * 70000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = "http://127.0.0.1:%d/flow.bin" % server.server_address[1]
        out = subprocess.run([sys.executable, "-c", probe.FETCH, url], capture_output=True, text=True, timeout=60,
                             check=True).stdout.split()
    finally:
        server.shutdown()
        server.server_close()
    status, size, port = out
    assert (status, int(size)) == ("200", 70000)
    assert 0 < int(port) < 65536 and int(port) != server.server_address[1]
