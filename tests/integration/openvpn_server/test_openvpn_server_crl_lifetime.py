# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet left alone keeps working: the role's default CRL and certificate lifetimes, proven with the
real openvpn server of this host run as it will run years from now (files/time_shift.c moves its wall
clock), with a MikroTik-like client in network namespaces. The same server refuses every client with
the CRL lifetime the role used to have (180 days): the failure the defaults are chosen against."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from ovpn6_testkit.inventory import local_host, ovpn6_inventory
from test_openvpn_server_interop import (RENDER_PLAY, ROLE, Namespaces, build_shim, install_pki, mikrotik_like_client,
                                         wait_for)

SHIFT_SOURCE = Path(__file__).resolve().parent / "files" / "time_shift.c"
ROUTERS = {"rtr-b": local_host(ovpn6_site_id=2, ovpn6_routeros_version="6.49.18")}
DAY = 86400
# How long the defaults promise a fleet keeps working with no run at all (the renewal windows).
PROMISED_DAYS = 1095


@pytest.fixture(scope="module")
def shift_library(tmp_path_factory):
    return build_shim(SHIFT_SOURCE, tmp_path_factory.mktemp("shift"))


def _render(run_playbook_module, directory, **hub_vars):
    """The role's plan, PKI and server configuration in ``directory``, with the PKI files installed."""
    files = directory / "files"
    (files / "ccd").mkdir(parents=True)
    extra = {
        "role_dir": str(ROLE), "out_dir": str(directory),
        "__openvpn_server_files_dir": str(files), "__openvpn_server_ccd_dir": str(files / "ccd"),
        "__openvpn_server_learn_address": str(ROLE / "files" / "openvpn-learn-address"),
        "__openvpn_server_unprivileged_user": "nobody", "__openvpn_server_unprivileged_group": "nogroup",
    }
    inventory = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(ovpn6_pki_dir=str(directory / "pki"), **hub_vars))
    pki_only = RENDER_PLAY.split("    - name: Render the server", maxsplit=1)[0]
    run = run_playbook_module(pki_only, inventory=inventory, extra_vars=extra)
    assert run.rc == 0, run.stdout[-4000:]
    install_pki(directory / "pki", files)
    run = run_playbook_module(RENDER_PLAY, inventory=inventory, extra_vars=extra)
    assert run.rc == 0, run.stdout[-4000:]
    shutil.copytree(directory / "pki" / "issued", directory / "router-certs")
    shutil.copytree(directory / "pki" / "private", directory / "router-keys")
    return directory


@pytest.fixture(scope="module")
def defaults(tmp_path_factory, run_playbook_module):
    return _render(run_playbook_module, tmp_path_factory.mktemp("crl-defaults"))


@pytest.fixture(scope="module")
def old_defaults(tmp_path_factory, run_playbook_module):
    return _render(run_playbook_module, tmp_path_factory.mktemp("crl-old"), openvpn_server_crl_valid_days=180,
                   openvpn_server_crl_renew_days=30)


def _days_left(when):
    return (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / DAY


def test_default_lifetimes_cover_the_promise(defaults):
    pki = defaults / "pki"
    crl = x509.load_pem_x509_crl((pki / "crl.pem").read_bytes())
    assert _days_left(crl.next_update_utc) > 1824
    for name in ("ca.crt", "issued/hub1.crt", "issued/rtr-b.crt"):
        cert = x509.load_pem_x509_certificate((pki / name).read_bytes())
        assert _days_left(cert.not_valid_after_utc) > 1824, name
    # What the hub installs is what the PKI made (no rotation under way: one CA, one CRL).
    assert (pki / "trust" / "ca.crt").read_bytes() == (pki / "ca.crt").read_bytes()
    assert (pki / "trust" / "crl.pem").read_bytes() == (pki / "crl.pem").read_bytes()


def _serve(net, directory, shift_library, shift_days, tag):
    """A real server whose clock is ``shift_days`` ahead, and a MikroTik-like client; (connected, server log)."""
    server_log = directory / ("server-%s.log" % tag)
    env = dict(os.environ, LD_PRELOAD=str(shift_library), OVPN6_SHIM_TIME_SHIFT=str(int(shift_days * DAY)))
    with open(server_log, "w") as handle:
        server = subprocess.Popen(["ip", "netns", "exec", net.hub, "openvpn", "--config",
                                   str(directory / "ovpn6-tcp.conf"), "--user", "root", "--group", "root"],
                                  stdout=handle, stderr=subprocess.STDOUT, env=env)
    net.processes.append(server)
    assert wait_for(server_log, "Initialization Sequence Completed", process=server), server_log.read_text()
    assert "time_shift: wall clock shifted by %d s" % int(shift_days * DAY) in server_log.read_text()
    client_log = directory / ("client-%s.log" % tag)
    client = net.start(net.router, mikrotik_like_client(directory, "rtr-b", "tun" + tag), client_log)
    connected = wait_for(client_log, "Initialization Sequence Completed", timeout=30, process=client) is not None
    if not connected:
        client.wait(timeout=90)
    return connected, server_log.read_text(errors="replace")


@pytest.mark.parametrize("days", [0, PROMISED_DAYS, 4 * 365])
def test_default_pki_still_lets_routers_in_years_later(defaults, shift_library, days):
    assert os.geteuid() == 0 and os.path.exists("/dev/net/tun"), "needs root and /dev/net/tun (network namespaces)"
    with Namespaces() as net:
        connected, log = _serve(net, defaults, shift_library, days, "d%d" % days)
        assert connected, log[-3000:]
        assert "CRL has expired" not in log and "certificate has expired" not in log


def test_a_short_crl_locks_the_fleet_out(old_defaults, shift_library):
    """The failure mode itself: 181 days on, the 180-day CRL has expired and the server refuses the router."""
    assert os.geteuid() == 0 and os.path.exists("/dev/net/tun"), "needs root and /dev/net/tun (network namespaces)"
    with Namespaces() as net:
        connected, log = _serve(net, old_defaults, shift_library, 181, "old")
        assert not connected
        assert "CRL has expired" in log, log[-3000:]
