# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's server and client-config templates, rendered by Ansible from the site plan, checked by
the real openvpn, and proven with a real server and a MikroTik-like client in network namespaces:
AES-256-CBC, SHA1, TLS 1.2 at most, a user name and password, no compression. Then the data channel
of fleets of one cipher (all GCM, or mixed and agreed on CBC) with clients that announce no cipher
list, as RouterOS does not negotiate (files/no_cipher_list.c makes OpenVPN 2.6 behave so)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ovpn6_testkit.inventory import local_host, ovpn6_inventory

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
    - name: Write the client-config files as the role does
      tunnelworks.ovpn6.owned_files:
        path: "{{ __openvpn_server_ccd_dir }}"
        files: "{{ __openvpn_server_plan | tunnelworks.ovpn6.ovpn_ccd_files(__openvpn_server_active_routers) }}"
        mode: "0644"
"""

ROUTERS = {
    "rtr-a": local_host(ovpn6_site_id=1, ovpn6_routeros_version="6.49.18"),
    "rtr-b": local_host(ovpn6_site_id=2, ovpn6_routeros_version="6.49.18", ovpn6_lan_ipv4_prefix="192.168.20.0/24"),
    # A 7.x router that could use GCM: with 6.49 routers beside it, the hub agrees on CBC for all.
    "rtr-c": local_host(ovpn6_site_id=3, ovpn6_routeros_release_seen="7.22.3"),
}
# The same routers all on a release with GCM (read from the routers, as site.yml's first play does).
ROUTERS_GCM = dict((name, {key: value for key, value in settings.items() if key != "ovpn6_routeros_version"})
                   for name, settings in ROUTERS.items())
for _settings in ROUTERS_GCM.values():
    _settings["ovpn6_routeros_release_seen"] = "7.22.3"


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
    before = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(ovpn6_pki_dir=str(directory / "pki")))
    inventory = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(
        ovpn6_pki_dir=str(directory / "pki"), openvpn_server_revoked=["rtr-a"]))
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
    # The all-GCM fleet's server configuration, from the same PKI, in a directory of its own.
    (directory / "gcm").mkdir()
    gcm = ovpn6_inventory(ROUTERS_GCM, hub="hub1", hub_vars=local_host(
        ovpn6_pki_dir=str(directory / "pki"), openvpn_server_revoked=["rtr-a"]))
    run = run_playbook_module(RENDER_PLAY, inventory=gcm, extra_vars=dict(extra, out_dir=str(directory / "gcm")))
    assert run.rc == 0, run.stdout[-4000:]
    return directory, files


def test_rendered_config_is_the_mikrotik_profile(rendered):
    directory, files = rendered
    config = (directory / "ovpn6-tcp.conf").read_text()
    lines = [line for line in config.splitlines() if line and not line.startswith("#")]
    assert "data-ciphers AES-256-GCM:AES-256-CBC" in lines
    assert "data-ciphers-fallback AES-256-CBC" in lines
    assert "#   rtr-c: RouterOS 7.22.3, aes256-cbc/sha1" in config
    assert "auth SHA1" in lines
    assert "tls-version-min 1.2" in lines
    assert "route 192.168.20.0 255.255.255.0 198.51.100.3" in lines
    assert not [line for line in lines if line.split()[0] in (
        "comp-lzo", "compress", "tls-auth", "tls-crypt", "username-as-common-name", "providers",
        "auth-user-pass-verify")]
    assert sorted(path.name for path in (files / "ccd").iterdir()) == ["rtr-b", "rtr-c"]
    assert (files / "ccd" / "rtr-b").read_text().splitlines()[-2:] == [
        "ifconfig-push 198.51.100.3 255.255.255.0", "iroute 192.168.20.0 255.255.255.0"]


def test_all_gcm_fleet_config_falls_back_to_gcm(rendered):
    directory, _files = rendered
    lines = [line for line in (directory / "gcm" / "ovpn6-tcp.conf").read_text().splitlines()
             if line and not line.startswith("#")]
    assert "data-ciphers AES-256-GCM" in lines
    assert "data-ciphers-fallback AES-256-GCM" in lines
    result = subprocess.run([str(CHECK), str(directory / "gcm" / "ovpn6-tcp.conf")], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr


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


# What OpenVPN 2.6 does with a client that announces no cipher list (no IV_CIPHERS, no IV_NCP),
# read in OpenVPN's doc/man-sections/cipher-negotiation.rst and src/openvpn/multi.c, ssl_ncp.c,
# and proven below with the openvpn of this host (Debian 12: 2.6.x):
#   - a client that names its cipher in the OCC options string gets that cipher if it is in the
#     server's data-ciphers ("poor man's NCP"), whatever data-ciphers-fallback says;
#   - a client that names none gets data-ciphers-fallback, and without one is refused with
#     "Data channel cipher negotiation failed (no shared cipher)".
# OpenVPN 2.6 itself always sends IV_CIPHERS (also with --compat-mode 2.3.0, measured), hence the
# LD_PRELOAD shim. Whether RouterOS names its cipher in the options string is documented nowhere we
# found, so each fleet is proven both ways.
SHIM_SOURCE = Path(__file__).resolve().parent / "files" / "no_cipher_list.c"


def build_shim(source, directory):
    """Compile an LD_PRELOAD shim of files/ into ``directory``; return the library's path."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    assert compiler, "needs a C compiler to build the shim %s" % source.name
    library = directory / (source.stem + ".so")
    subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", str(library), str(source),
                    "-ldl"], check=True, capture_output=True, timeout=120)
    return library


@pytest.fixture(scope="module")
def shim(tmp_path_factory):
    return build_shim(SHIM_SOURCE, tmp_path_factory.mktemp("shim"))


def no_cipher_list_client(directory, name, device, cipher, auth):
    """A client with exactly one cipher and no negotiation: it never adopts the server's cipher
    (the shim hides the server's, then --data-ciphers-fallback keeps its own)."""
    args = mikrotik_like_client(directory, name, device)
    at = args.index("--data-ciphers")
    args[at:at + 6] = ["--data-ciphers", cipher, "--cipher", cipher, "--data-ciphers-fallback", cipher,
                       "--auth", auth]
    return args


def _connect(net, directory, shim, server_log, case, cipher, names_cipher):
    """Start one no-cipher-list client; return (connected, the server log of its connection)."""
    start = len(server_log.read_text(errors="replace"))
    log = directory / ("client-%s.log" % case)
    env = dict(os.environ, LD_PRELOAD=str(shim))
    if not names_cipher:
        env["OVPN6_SHIM_NO_OCC_CIPHER"] = "1"
    args = ["ip", "netns", "exec", net.router, "openvpn",
            *no_cipher_list_client(directory, "rtr-b", "tn" + case, cipher, "SHA1")]
    with open(log, "w") as handle:
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env=env)
    try:
        connected = wait_for(log, "Initialization Sequence Completed", timeout=30, process=process) is not None
        if not connected:
            process.wait(timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=10)
    client = log.read_text(errors="replace")
    assert "sent peer info: 1 item(s) removed" in client, client[-2000:]
    if not names_cipher:
        assert "sent options string: 1 item(s) removed" in client, client[-2000:]
    return connected, server_log.read_text(errors="replace")[start:]


@pytest.mark.parametrize("fleet, config, cases", [
    # Every router on GCM: the fallback is GCM, so a router that names no cipher gets in.
    ("gcm", "gcm/ovpn6-tcp.conf", [
        ("AES-256-GCM", True, None),
        ("AES-256-GCM", False, "Using data channel cipher 'AES-256-GCM' since --data-ciphers-fallback is set"),
    ]),
    # The old rule (no fallback for an all-GCM fleet): a GCM router that names no cipher is refused.
    ("gcm-without-fallback", "gcm/ovpn6-tcp.conf", [
        ("AES-256-GCM", False, "no shared cipher"),
    ]),
    # 6.49 and 7.x routers agreed on AES-256-CBC: in by the fallback or by the cipher they name; a
    # router given GCM by hand gets in only when it names it (the case the hub profile warns about).
    ("mixed", "ovpn6-tcp.conf", [
        ("AES-256-CBC", False, "Using data channel cipher 'AES-256-CBC' since --data-ciphers-fallback is set"),
        ("AES-256-CBC", True, None),
        ("AES-256-GCM", True, None),
    ]),
])
def test_clients_without_a_cipher_list(rendered, shim, fleet, config, cases):
    assert os.geteuid() == 0 and os.path.exists("/dev/net/tun"), "needs root and /dev/net/tun (network namespaces)"
    directory, _files = rendered
    server_config = directory / config
    if fleet == "gcm-without-fallback":
        server_config = directory / "gcm-without-fallback.conf"
        server_config.write_text("\n".join(line for line in (directory / config).read_text().splitlines()
                                           if not line.startswith("data-ciphers-fallback")) + "\n")
    with Namespaces() as net:
        server_log = directory / ("server-%s.log" % fleet)
        # verb 4 logs the peer info, to show what the client announced.
        server = net.start(net.hub, ["--config", str(server_config), "--user", "root", "--group", "root",
                                     "--verb", "4"], server_log)
        assert wait_for(server_log, "Initialization Sequence Completed", process=server), server_log.read_text()
        for number, (cipher, names_cipher, expected) in enumerate(cases):
            connected, log = _connect(net, directory, shim, server_log, "%s%d" % (fleet[:3], number), cipher,
                                      names_cipher)
            # The client really announced no cipher list.
            assert "peer info: IV_VER=" in log and "IV_CIPHERS" not in log and "IV_NCP" not in log, log[-3000:]
            if expected == "no shared cipher":
                assert not connected
                assert "No NCP or OCC cipher data received from peer" in log, log[-3000:]
                assert "Data channel cipher negotiation failed (no shared cipher)" in log, log[-3000:]
            else:
                assert connected, log[-3000:]
                assert expected is None or expected in log, log[-3000:]
                # A client that names its cipher is served by it, not by the fallback.
                assert names_cipher is ("No NCP or OCC cipher data received from peer" not in log), log[-3000:]
                # The key the server set up for this client's data channel is the client's one cipher.
                assert "Outgoing Data Channel: Cipher '%s' initialized" % cipher in log, log[-3000:]
