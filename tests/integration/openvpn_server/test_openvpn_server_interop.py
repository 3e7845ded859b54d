# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's server and client-config templates, rendered by Ansible from the site plan, checked by
the real openvpn, and proven with a real server and a MikroTik-like client in network namespaces:
AES-256-CBC, SHA1, TLS 1.2 at most, a user name and password, no compression."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from hub_inventory import hub_inventory

ROLE = Path(__file__).resolve().parents[3] / "roles" / "openvpn_server"
CHECK = ROLE / "files" / "openvpn-check-config"

RENDER_PLAY = """
- hosts: ovpn6_hubs
  gather_facts: false
  tasks:
    - name: Plan and PKI of the role
      ansible.builtin.include_role:
        name: tunnelworks.ovpn6.openvpn_server
        tasks_from: "{{ item }}"
        public: true
      loop: [plan, pki]
    - name: Render the server configuration as the role does
      ansible.builtin.template:
        src: "{{ role_dir }}/templates/server.conf.j2"
        dest: "{{ out_dir }}/{{ item.name }}.conf"
        mode: "0644"
        validate: "{{ role_dir }}/files/openvpn-check-config %s"
      loop: "{{ __openvpn_server_instances }}"
    - name: Render the client-config files as the role does
      ansible.builtin.template:
        src: "{{ role_dir }}/templates/ccd.j2"
        dest: "{{ __openvpn_server_ccd_dir }}/{{ item }}"
        mode: "0644"
      loop: "{{ __openvpn_server_active_routers }}"
"""

ROUTERS = {
    "rtr-a": {"ovpn6_site_id": 1, "ovpn6_routeros_version": "6.49.18"},
    "rtr-b": {"ovpn6_site_id": 2, "ovpn6_routeros_version": "6.49.18", "ovpn6_lan_ipv4_prefix": "192.168.20.0/24"},
    "rtr-c": {"ovpn6_site_id": 3, "ovpn6_routeros_version": "7.16"},
}


def install_pki(pki, files):
    """What the role's install tasks do on a hub: CA, CRL, the hub's certificate and key, the DH group."""
    for source, target in (("ca.crt", "ca.crt"), ("crl.pem", "crl.pem"), ("issued/hub1.crt", "server.crt"),
                           ("private/hub1.key", "server.key")):
        shutil.copyfile(pki / source, files / target)
    os.chmod(files / "server.key", 0o600)
    shutil.copyfile(ROLE / "files" / "ffdhe2048.pem", files / "dh.pem")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, run_playbook_module):
    """Run the role's plan and PKI, install the PKI files, render and validate the templates."""
    directory = tmp_path_factory.mktemp("interop")
    files = directory / "files"
    (files / "ccd").mkdir(parents=True)
    before = hub_inventory(routers=ROUTERS, hub_vars={"openvpn_server_pki_dir": str(directory / "pki")})
    inventory = hub_inventory(routers=ROUTERS, hub_vars={
        "openvpn_server_pki_dir": str(directory / "pki"), "openvpn_server_revoked": ["rtr-a"]})
    extra = {
        "role_dir": str(ROLE), "out_dir": str(directory),
        # Where the role would install files on a hub, here in the test's directory.
        "__openvpn_server_files_dir": str(files), "__openvpn_server_ccd_dir": str(files / "ccd"),
        "__openvpn_server_learn_address": str(ROLE / "files" / "openvpn-learn-address"),
        "__openvpn_server_unprivileged_user": "nobody", "__openvpn_server_unprivileged_group": "nogroup",
    }
    # rtr-a gets a certificate first, then is listed as revoked: the CRL must carry it.
    first = run_playbook_module(RENDER_PLAY.split("    - name: Render the server", maxsplit=1)[0], inventory=before,
                                extra_vars=extra)
    assert first.rc == 0, first.stdout[-4000:]
    shutil.copytree(directory / "pki" / "issued", directory / "router-certs")
    shutil.copytree(directory / "pki" / "private", directory / "router-keys")
    revoke = run_playbook_module(RENDER_PLAY.split("    - name: Render the server", maxsplit=1)[0], inventory=inventory,
                                 extra_vars=extra)
    assert revoke.rc == 0, revoke.stdout[-4000:]
    install_pki(directory / "pki", files)
    run = run_playbook_module(RENDER_PLAY, inventory=inventory, extra_vars=extra)
    assert run.rc == 0, run.stdout[-4000:]
    return directory, files


def test_rendered_config_is_the_mikrotik_profile(rendered):
    directory, files = rendered
    config = (directory / "ovpn6-tcp.conf").read_text()
    lines = [line for line in config.splitlines() if line and not line.startswith("#")]
    assert "data-ciphers AES-256-GCM:AES-256-CBC" in lines
    assert "data-ciphers-fallback AES-256-CBC" in lines
    assert "auth SHA1" in lines
    assert "tls-version-min 1.2" in lines
    assert "route 192.168.20.0 255.255.255.0 198.51.100.3" in lines
    assert not [line for line in lines if line.split()[0] in (
        "comp-lzo", "compress", "tls-auth", "tls-crypt", "username-as-common-name", "providers",
        "auth-user-pass-verify")]
    assert sorted(path.name for path in (files / "ccd").iterdir()) == ["rtr-b", "rtr-c"]
    assert (files / "ccd" / "rtr-b").read_text().splitlines()[-2:] == [
        "ifconfig-push 198.51.100.3 255.255.255.0", "iroute 192.168.20.0 255.255.255.0"]


def test_checker_accepts_the_config_and_refuses_broken_ones(rendered):
    directory, _files = rendered
    config = directory / "ovpn6-tcp.conf"
    assert subprocess.run([str(CHECK), str(config)], capture_output=True, timeout=60, check=False).returncode == 0
    for old, new in (("auth SHA1", "auth NO-SUCH-DIGEST"), ("keepalive 10 60", "keepalive 0 60"),
                     ("tls-version-min 1.2", "tls-version-min 9.9"), ("verb 3", "no-such-option 1")):
        broken = directory / "broken.conf"
        broken.write_text(config.read_text().replace(old, new))
        result = subprocess.run([str(CHECK), str(broken)], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode != 0, new
        assert "openvpn refused" in result.stderr


class Namespaces:
    """Two network namespaces joined by a veth pair: the hub (10.99.0.1) and a router (10.99.0.2)."""

    def __init__(self):
        tag = uuid.uuid4().hex[:6]
        self.tag = tag
        self.hub, self.router = "ovt-hub-" + tag, "ovt-rtr-" + tag
        self.processes = []

    def __enter__(self):
        for name in (self.hub, self.router):
            subprocess.run(["ip", "netns", "add", name], check=True)
            self.run(name, "ip link set lo up")
        subprocess.run(["ip", "link", "add", "vh" + self.tag, "netns", self.hub, "type", "veth",
                        "peer", "name", "vr" + self.tag, "netns", self.router], check=True)
        self.run(self.hub, "ip addr add 10.99.0.1/24 dev vh%s && ip link set vh%s up" % (self.tag, self.tag))
        self.run(self.router, "ip addr add 10.99.0.2/24 dev vr%s && ip link set vr%s up" % (self.tag, self.tag))
        return self

    def run(self, namespace, command, check=True):
        return subprocess.run(["ip", "netns", "exec", namespace, "sh", "-c", command], check=check,
                              capture_output=True, text=True, timeout=60)

    def start(self, namespace, args, log):
        with open(log, "w") as handle:
            process = subprocess.Popen(["ip", "netns", "exec", namespace, "openvpn", *args], stdout=handle,
                                       stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for name in (self.hub, self.router):
            subprocess.run(["ip", "netns", "del", name], check=False)


def wait_for(path, text, timeout=60, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text(errors="replace") if path.exists() else ""
        if text in content:
            return content
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.2)
    return None


def mikrotik_like_client(directory, name, device):
    """A client set up as RouterOS 6.49 sets up its ovpn-client: aes256 + sha1, TLS 1.2 at most,
    a user name and password, no compression, no tls-auth, TCP."""
    credentials = directory / ("%s.pass" % name)
    credentials.write_text("%s\nrouteros-insists-on-a-password\n" % name)
    os.chmod(credentials, 0o600)
    return ["--client", "--dev", device, "--dev-type", "tun", "--proto", "tcp-client", "--remote", "10.99.0.1",
            "1194", "--nobind", "--ca", str(directory / "pki" / "ca.crt"),
            "--cert", str(directory / "router-certs" / ("%s.crt" % name)),
            "--key", str(directory / "router-keys" / ("%s.key" % name)), "--remote-cert-tls", "server",
            "--data-ciphers", "AES-256-CBC", "--cipher", "AES-256-CBC", "--auth", "SHA1",
            "--tls-version-max", "1.2", "--auth-user-pass", str(credentials), "--connect-retry-max", "1",
            "--verb", "3"]


def test_mikrotik_like_client_connects_and_revoked_one_is_refused(rendered):
    assert os.geteuid() == 0 and os.path.exists("/dev/net/tun"), "needs root and /dev/net/tun (network namespaces)"
    directory, _files = rendered
    with Namespaces() as net:
        server_log = directory / "server.log"
        # The test's directories are private to root, so the server keeps root instead of dropping to nobody.
        server = net.start(net.hub, ["--config", str(directory / "ovpn6-tcp.conf"), "--user", "root",
                                     "--group", "root"], server_log)
        assert wait_for(server_log, "Initialization Sequence Completed", process=server), server_log.read_text()

        client_log = directory / "rtr-b.log"
        client = net.start(net.router, mikrotik_like_client(directory, "rtr-b", "tun0"), client_log)
        assert wait_for(client_log, "Initialization Sequence Completed", process=client), client_log.read_text()
        assert "inet 198.51.100.3/24" in net.run(net.router, "ip -4 -o addr show dev tun0").stdout
        # A TCP connection to the hub's VPN address (its OpenVPN port listens on every address) crosses the tunnel.
        probe = "%s -c 'import socket; socket.create_connection((\"198.51.100.1\", 1194), 5).close()'" % sys.executable
        assert net.run(net.router, probe, check=False).returncode == 0
        assert "198.51.100.0/24 dev tun0" in net.run(net.router, "ip route").stdout
        log = server_log.read_text()
        assert "cipher 'AES-256-CBC'" in log, log[-3000:]
        assert "TLSv1.2" in log
        # The hub routes the router's LAN to it (route in the config, iroute in its client-config file).
        assert "192.168.20.0/24 via 198.51.100.3" in net.run(net.hub, "ip route").stdout

        revoked_log = directory / "rtr-a.log"
        revoked = net.start(net.router, mikrotik_like_client(directory, "rtr-a", "tun1"), revoked_log)
        revoked.wait(timeout=90)
        assert "Initialization Sequence Completed" not in revoked_log.read_text()
        assert wait_for(server_log, "certificate revoked", timeout=10), server_log.read_text()[-3000:]
