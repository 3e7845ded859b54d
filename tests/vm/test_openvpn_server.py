# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""openvpn_server on the lab VM: converge, check mode, OpenVPN's own check, service, revocation of a
removed router, bad input that leaves the hub as it was.

The tests run in file order and share the VM: each builds on the state the one before left. A second
run that changes nothing and the hub's reboot are proven once for the whole network, on the converged
lab (Molecule's default scenario: idempotence; tests/vm/test_lab_end_to_end.py: the hub's reboot).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

PLAY = """
- name: OpenVPN hub
  hosts: ovpn6_hubs
  gather_facts: false
  roles:
    - role: tunnelworks.ovpn6.openvpn_server
"""

ALL_VARS = {"ovpn6_ipv6_allocation": "2001:db8:100::/48", "ovpn6_vpn_ipv4_network": "198.51.100.0/24"}
ROUTERS = {
    "rtr-a": {"ovpn6_site_id": 1, "ovpn6_routeros_version": "6.49.18"},
    "rtr-b": {"ovpn6_site_id": 2, "ovpn6_routeros_version": "7.22.3", "ovpn6_lan_ipv4_prefix": "192.168.20.0/24"},
}
CONFIG = "/etc/openvpn/server/ovpn6-tcp.conf"
CHECK = "/usr/local/libexec/ovpn6/openvpn-check-config"
# Everything the role writes on the hub, fingerprinted to prove "unchanged".
STATE = ("cd / && sha256sum etc/openvpn/server/*.conf etc/openvpn/server/ovpn6/* etc/openvpn/server/ovpn6/ccd/* "
         "etc/nftables.d/ovpn6.nft etc/sysctl.d/90-ovpn6.conf 2>/dev/null | sort; "
         "systemctl show -p MainPID --value openvpn-server@ovpn6-tcp")


@pytest.fixture(scope="module")
def hub(lab_vm, tmp_path_factory):
    lab_vm.restart_fresh()
    lab_vm.pki_dir = str(tmp_path_factory.mktemp("hub-pki") / "pki")
    return lab_vm


def _inventory(hub, routers=None, all_vars=None, **hub_vars):
    routers = ROUTERS if routers is None else routers
    return hub.inventory(routers={n: {"ansible_connection": "local", **v} for n, v in routers.items()},
                         all_vars=ALL_VARS if all_vars is None else all_vars,
                         hub_vars={"ovpn6_pki_dir": hub.pki_dir, **hub_vars})


def _output(run):
    return run.stdout[-4000:] + run.stderr[-2000:]


def _failure_messages(run):
    """msg and stderr of every failed task, looped items included (a loop's own msg only says an item failed)."""
    results = [t.result for t in run.failed]
    results += [item for result in results for item in result.get("results", []) if item.get("failed")]
    return " ".join(str(result.get("msg", "")) + str(result.get("stderr", "")) for result in results)


def test_converges(hub, run_playbook):
    run = run_playbook(PLAY, inventory=_inventory(hub))
    assert run.rc == 0, _output(run)
    assert hub.ssh("systemctl is-active openvpn-server@ovpn6-tcp").stdout.strip() == "active"
    assert hub.ssh("systemctl is-enabled openvpn-server@ovpn6-tcp").stdout.strip() == "enabled"
    config = hub.ssh("cat " + CONFIG).stdout
    for line in ("proto tcp-server", "topology subnet", "ifconfig 198.51.100.1 255.255.255.0", "ccd-exclusive",
                 "data-ciphers AES-256-GCM:AES-256-CBC", "data-ciphers-fallback AES-256-CBC", "auth SHA1",
                 "tls-version-min 1.2", "verify-client-cert require",
                 "route 192.168.20.0 255.255.255.0 198.51.100.3"):
        assert line + "\n" in config, line
    directives = [line.split()[0] for line in config.splitlines() if line.strip() and not line.startswith("#")]
    for absent in ("comp-lzo", "compress", "tls-crypt", "tls-auth", "username-as-common-name", "providers"):
        assert absent not in directives, absent
    assert hub.ssh("cat /etc/openvpn/server/ovpn6/ccd/rtr-b").stdout.splitlines()[-2:] == [
        "ifconfig-push 198.51.100.3 255.255.255.0", "iroute 192.168.20.0 255.255.255.0"]
    assert hub.ssh("cat /etc/openvpn/server/ovpn6/ccd/rtr-a").stdout.splitlines()[-1] == (
        "ifconfig-push 198.51.100.2 255.255.255.0")
    assert hub.ssh("stat -c %a /etc/openvpn/server/ovpn6/server.key").stdout.strip() == "600"
    assert hub.ssh("ip -o link show ovpn6-tcp", check=False).returncode == 0
    assert "tcp dport 1194 accept" in hub.ssh("nft list table inet ovpn6").stdout
    assert hub.ssh("sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding").stdout.split() == ["1", "1"]
    # The CA key stayed on the controller.
    assert hub.ssh("find / -xdev -name ca.key 2>/dev/null").stdout.strip() == ""


def test_openvpn_accepts_the_config_and_refuses_a_broken_one(hub):
    assert hub.ssh(CHECK + " " + CONFIG, check=False).returncode == 0
    hub.ssh("sed 's/^auth SHA1/auth NO-SUCH-DIGEST/' %s > /tmp/broken.conf" % CONFIG)
    refused = hub.ssh(CHECK + " /tmp/broken.conf", check=False)
    assert refused.returncode != 0
    assert "NO-SUCH-DIGEST" in refused.stderr


def test_check_mode_changes_nothing(hub, run_playbook):
    before = hub.ssh(STATE).stdout
    fewer = {"rtr-b": ROUTERS["rtr-b"]}
    run = run_playbook(PLAY, inventory=_inventory(hub, fewer), check=True, diff=True)
    assert run.rc == 0, _output(run)
    (ccd,) = [t for t in run.changed if "routers no longer served" in t.name]
    assert ccd.result["removed"] == ["rtr-a"] and ccd.result["created"] == [], ccd.result
    assert hub.ssh(STATE).stdout == before


@pytest.mark.parametrize("case, settings, message", [
    ("port taken", {"hub_vars": {"openvpn_server_tcp_port": 22}}, "22/tcp is already in use"),
    ("missing plan value", {"all_vars": {"ovpn6_ipv6_allocation": "2001:db8:100::/48"}},
     "The site plan needs ovpn6_ipv6_allocation"),
    ("invalid config", {"hub_vars": {"openvpn_server_keepalive_interval": 0}}, "openvpn refused"),
])
def test_bad_input_leaves_the_hub_as_it_was(hub, run_playbook, case, settings, message):
    before = hub.ssh(STATE).stdout
    run = run_playbook(PLAY, inventory=_inventory(hub, all_vars=settings.get("all_vars"),
                                                  **settings.get("hub_vars", {})))
    assert run.rc != 0, case
    assert message in _failure_messages(run), _output(run)
    assert hub.ssh(STATE).stdout == before, case
    assert hub.ssh("systemctl is-active openvpn-server@ovpn6-tcp").stdout.strip() == "active"


def test_removed_router_is_revoked_and_loses_its_ccd(hub, run_playbook):
    serial = x509.load_pem_x509_certificate(Path(hub.pki_dir, "issued", "rtr-a.crt").read_bytes()).serial_number
    run = run_playbook(PLAY, inventory=_inventory(hub, {"rtr-b": ROUTERS["rtr-b"]}))
    assert run.rc == 0, _output(run)
    assert hub.ssh("ls /etc/openvpn/server/ovpn6/ccd").stdout.split() == ["rtr-b"]
    crl = hub.ssh("openssl crl -in /etc/openvpn/server/ovpn6/crl.pem -noout -text").stdout
    assert "%X" % serial in crl.replace(":", "").upper()
    # Only the 6.49 router needed CBC: the hub now offers GCM alone, and falls back to it.
    config = hub.ssh("cat " + CONFIG).stdout
    assert "data-ciphers AES-256-GCM\n" in config and "data-ciphers-fallback AES-256-GCM\n" in config
    assert hub.ssh("systemctl is-active openvpn-server@ovpn6-tcp").stdout.strip() == "active"
