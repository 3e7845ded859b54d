# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input: a clear error naming the value and the rule, and the router unchanged.

All cases run as tasks of one playbook (ignore_errors) per release, to keep ansible-playbook runs few.
"""

from __future__ import annotations

import socket

import pytest
import yaml

from ovpn6_testkit.pki import TestCA
from routeros_emu.testing import EmulatedRouter
from routerside_lab import add_user_config


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _case(name, module, args, connection=None, check_mode=False):
    task = {"name": name, module: args, "ignore_errors": True, "check_mode": check_mode}
    if connection:
        task["module_defaults"] = {"group/tunnelworks.ovpn6.routeros": connection}
    return task


POLICY = "tunnelworks.ovpn6.routeros_policy_routing"
OVPN = "tunnelworks.ovpn6.routeros_ovpn_client"
CERT = "tunnelworks.ovpn6.routeros_certificate"
OVPN_ARGS = {"connect_to": "203.0.113.10", "ovpn_user": "rtr-a", "certificate": "ovpn6-client"}


@pytest.mark.slow
@pytest.mark.parametrize("release", ["6.49.18", "7.22.3"])
def test_bad_input_fails_clearly_and_changes_nothing(release, pki, run_playbook, tmp_path):
    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_text(TestCA.create("other test CA").cert_pem)
    with EmulatedRouter(release=release, password="lab-secret") as router, \
            EmulatedRouter(release="7.30.1", password="lab-secret") as future:
        add_user_config(router, pki)
        before = router.router.snapshot()
        good = router.module_args()
        where = "%s:%s" % (router.host, router.port)
        closed = _closed_port()
        cases = [
            _case("unreachable", POLICY, {"tunnel_interface": "ovpn6"}, dict(good, port=closed)),
            _case("wrong password", POLICY, {"tunnel_interface": "ovpn6"}, dict(good, password="not-it")),
            _case("tls with a CA that did not sign the router", POLICY, {"tunnel_interface": "ovpn6"},
                  dict(good, tls=True, port=router.tls_port, ca_path=str(other_ca))),
            _case("tls with the right CA", POLICY, {"tunnel_interface": "ovpn6"},
                  dict(good, tls=True, port=router.tls_port, ca_path=router.ca_path), check_mode=True),
            _case("tunnel interface that does not exist", POLICY, {"tunnel_interface": "ovpn6"}),
            _case("newer release refused on request", POLICY, {"tunnel_interface": "ovpn6"},
                  dict(future.module_args(), refuse_newer_release=True)),
            _case("cipher the release cannot do", OVPN,
                  dict(OVPN_ARGS, cipher_mode="gcm", **({} if release.startswith("6.") else {"auth": "sha1"}))),
            _case("udp where the release has tcp only" if release.startswith("6.") else "port out of range", OVPN,
                  dict(OVPN_ARGS, transport="udp") if release.startswith("6.") else dict(OVPN_ARGS, connect_port=70000)),
            _case("missing LAN interface", POLICY, {"tunnel_interface": "ovpn6", "lan_interface": "bridge9"}),
            _case("invalid port", POLICY, {"tunnel_interface": "ovpn6",
                                           "rules": [{"key": "a", "protocol": "tcp", "dst_port": "70000"}]}),
            _case("invalid protocol", POLICY, {"tunnel_interface": "ovpn6", "rules": [{"key": "a", "protocol": "tcpx"}]}),
            _case("port without a port protocol", POLICY, {"tunnel_interface": "ovpn6",
                                                           "rules": [{"key": "a", "protocol": "icmp", "dst_port": "80"}]}),
            _case("address that is not a network address", POLICY, {"tunnel_interface": "ovpn6",
                                                                    "rules": [{"key": "a", "dst_address": "192.0.2.1/24"}]}),
            _case("place_before a rule that does not exist", POLICY, {"tunnel_interface": "ovpn6",
                                                                      "mangle_place_before": "no such rule"},
                  check_mode=True),
            _case("certificate that is not PEM", CERT, {"name": "ovpn6-client", "certificate": "garbage",
                                                        "private_key": pki["key"]}),
        ]
        playbook = [{"name": "Bad input", "hosts": "localhost", "gather_facts": False,
                     "module_defaults": {"group/tunnelworks.ovpn6.routeros": good}, "tasks": cases}]
        result = run_playbook(yaml.safe_dump(playbook, sort_keys=False))
        messages = dict((task.name, task.msg or "") for task in result)
        failed = dict((task.name, task.failed) for task in result)
        assert failed.pop("tls with the right CA") is False, messages["tls with the right CA"]
        assert all(failed.values()), failed
        expect = {
            "unreachable": "router 127.0.0.1:%d is unreachable" % closed,
            "wrong password": "router %s refused the login of user 'admin': invalid user name or password" % where,
            "tls with a CA that did not sign the router": "TLS certificate of router 127.0.0.1:%d did not validate"
                                                          % router.tls_port,
            "newer release refused on request": ("RouterOS 7.30.1 is newer than any release this collection was "
                                                 "checked against (up to 7.24) and refuse_newer_release is set"),
            "cipher the release cannot do": ("cipher AES-256-GCM is not available on RouterOS 6.49.18"
                                             if release.startswith("6.") else
                                             "auth sha1 cannot go with aes256-gcm: RouterOS needs auth=null"),
            "tunnel interface that does not exist": "tunnel_interface 'ovpn6' does not exist on router %s" % where,
            "missing LAN interface": "lan_interface 'bridge9' does not exist on router %s" % where,
            "invalid port": "rule a: dst_port '70000': ports are 1-65535",
            "invalid protocol": "rule a: protocol 'tcpx' is not an IP protocol name",
            "port without a port protocol": "rule a: dst_port needs protocol tcp, udp",
            "address that is not a network address": "rule a: dst_address '192.0.2.1/24' is not an IPv4 address or network",
            "place_before a rule that does not exist": "place_before 'no such rule' matches no entry in /ip/firewall/mangle",
            "certificate that is not PEM": "certificate is not PEM text",
        }
        if release.startswith("6."):
            expect["udp where the release has tcp only"] = "transport udp is not available on RouterOS 6.49.18"
        else:
            expect["port out of range"] = "connect_port 70000 is not a TCP/UDP port"
        for name, text in expect.items():
            assert text in messages[name], (name, messages[name])
        assert "lab-secret" not in result.stdout and "not-it" not in result.stdout
        assert router.router.snapshot() == before
