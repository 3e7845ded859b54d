# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/rotate.yml replaces the CA with no router locked out, proven step by step with packets:

- the routers are emulated RouterOS routers (6.49 and 7.x) that site.yml's router play set up, and that
  rotate.yml changes over their real API;
- the hub is the real openvpn server of this host in a network namespace, from the role's own templates,
  given after each step the files the role installs on a hub (trust/ca.crt, trust/crl.pem, the hub's
  certificate and key) and restarted, as the role's handler restarts the systemd unit (the role's hub
  plays are tagged ``hub`` and skipped here: this host has no systemd);
- each router's OpenVPN client is a real openvpn client set up as RouterOS sets up its ovpn-client, with
  exactly the certificate, key and trusted CAs the emulated router holds after each step, retrying as
  RouterOS does; after a hub restart it must be back within the keepalive timeout (60 s).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ovpn6_testkit.inventory import emulated_router, local_host, ovpn6_inventory
from routeros_emu.testing import EmulatedRouter
from test_openvpn_server_interop import RENDER_PLAY, ROLE, Namespaces, wait_for
from test_openvpn_server_pki import PKI_PLAY

CHECKOUT = Path(__file__).resolve().parents[3]
ROTATE = CHECKOUT / "playbooks" / "rotate.yml"
SITE = CHECKOUT / "playbooks" / "site.yml"
KEEPALIVE_TIMEOUT = 60
RELEASES = {"rtr-a": "6.49.18", "rtr-b": "7.16"}
SITE_IDS = {"rtr-a": 1, "rtr-b": 2}


def _inventory(directory, routers, generation=1, hub_vars=None):
    """hub1 on this host and the emulated ``routers``, the PKI of CA ``generation`` in ``directory``/pki."""
    hosts = {name: emulated_router(router, ovpn6_site_id=SITE_IDS[name], ovpn6_routeros_version=RELEASES[name],
                                   ovpn6_lan_ipv4_prefix="192.0.2.%d/28" % (16 * SITE_IDS[name]))
             for name, router in routers.items()}
    return ovpn6_inventory(hosts, hub="hub1",
                           hub_vars=local_host(ovpn6_hub_public_address="10.99.0.1", **(hub_vars or {})),
                           all_vars={"ovpn6_pki_dir": str(directory / "pki"), "ovpn6_ca_generation": generation})


def _known_pems(pki):
    """Every certificate (by SHA-256 and SHA-1 fingerprint) and key (by public key) anywhere in the PKI."""
    certificates, keys = {}, {}
    for path in pki.rglob("*.crt"):
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        for digest in ("sha256", "sha1"):
            certificates[hashlib.new(digest, cert.public_bytes(serialization.Encoding.DER)).hexdigest()] = cert
    for path in pki.rglob("*.key"):
        key = serialization.load_pem_private_key(path.read_bytes(), None)
        keys[key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)] = path.read_bytes()
    return certificates, keys


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def router_material(router, pki, out):
    """The files a real client needs to be this router: its ovpn6-client certificate and key and every
    CA it trusts, found by the fingerprints the router shows. Returns (ca, cert, key, CNs of the CAs)."""
    certificates, keys = _known_pems(pki)
    rows = router.rows("/certificate")

    def lookup(row):
        return certificates[str(row["fingerprint"]).replace(":", "").lower()]

    client = lookup(next(row for row in rows if row["name"] == "ovpn6-client"))
    cas = [lookup(row) for row in rows if row["name"].startswith("ovpn6-ca")]
    out.mkdir(parents=True, exist_ok=True)
    (out / "ca.crt").write_bytes(b"".join(_pem(ca) for ca in cas))
    (out / "client.crt").write_bytes(_pem(client))
    key = keys[client.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)]
    (out / "client.key").write_bytes(key)
    os.chmod(out / "client.key", 0o600)
    names = sorted(ca.subject.rfc4514_string() for ca in cas)
    return out / "ca.crt", out / "client.crt", out / "client.key", names


def client_args(name, device, ca, cert, key, directory):
    """RouterOS 6.49's ovpn-client as an openvpn client: aes256 + sha1, TLS 1.2 at most, a user name and
    password, TCP, no compression; it redials quickly and for ever."""
    credentials = directory / ("%s.pass" % name)
    credentials.write_text("%s\n%s\n" % (name, name))
    os.chmod(credentials, 0o600)
    return ["--client", "--dev", device, "--dev-type", "tun", "--proto", "tcp-client", "--remote", "10.99.0.1", "1194",
            "--nobind", "--ca", str(ca), "--cert", str(cert), "--key", str(key), "--remote-cert-tls", "server",
            "--data-ciphers", "AES-256-CBC", "--cipher", "AES-256-CBC", "--auth", "SHA1", "--tls-version-max", "1.2",
            "--auth-user-pass", str(credentials), "--connect-retry", "1", "5", "--verb", "3"]


class Lab:
    """The hub (real openvpn server) and the routers' clients (real openvpn clients) in namespaces."""

    def __init__(self, net, directory, routers):
        self.net, self.directory, self.routers = net, directory, routers
        self.files = directory / "files"
        self.server = None
        self.clients = {}
        self.restarts = 0

    def install_hub(self):
        """What the role installs on a hub, from the PKI as it is now."""
        pki = self.directory / "pki"
        for source, target in (("trust/ca.crt", "ca.crt"), ("trust/crl.pem", "crl.pem"),
                               ("issued/hub1.crt", "server.crt"), ("private/hub1.key", "server.key")):
            shutil.copyfile(pki / source, self.files / target)
        os.chmod(self.files / "server.key", 0o600)

    def restart_hub(self):
        """Install the files and restart the server, as the role's handler restarts openvpn-server@ovpn6-tcp."""
        self.install_hub()
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)
        self.restarts += 1
        log = self.directory / ("server-%d.log" % self.restarts)
        self.server = self.net.start(self.net.hub, ["--config", str(self.directory / "ovpn6-tcp.conf"),
                                                    "--user", "root", "--group", "root"], log)
        assert wait_for(log, "Initialization Sequence Completed", process=self.server), log.read_text()
        return time.monotonic()

    def server_log(self):
        return (self.directory / ("server-%d.log" % self.restarts)).read_text(errors="replace")

    def start_client(self, name, step):
        """(Re)start the router's client with what the router holds now, as RouterOS does when its certificate changes."""
        old = self.clients.pop(name, None)
        if old is not None:
            old[0].terminate()
            old[0].wait(timeout=10)
        ca, cert, key, cas = router_material(self.routers[name].router, self.directory / "pki",
                                             self.directory / "material" / name / step)
        log = self.directory / ("client-%s-%s.log" % (name, step))
        device = "t%s%s" % (name[-1], step[:6])
        process = self.net.start(self.net.router, client_args(name, device, ca, cert, key, self.directory), log)
        self.clients[name] = (process, log)
        return cas

    def connections(self, name):
        process, log = self.clients[name]
        return log.read_text(errors="replace").count("Initialization Sequence Completed")

    def wait_connected(self, name, count, since, limit=KEEPALIVE_TIMEOUT):
        """Wait until the client has completed ``count`` connections; return the seconds since ``since``."""
        process, log = self.clients[name]
        deadline = since + limit
        while time.monotonic() < deadline:
            if self.connections(name) >= count:
                return time.monotonic() - since
            assert process.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
        raise AssertionError("%s not connected within %d s:\n%s\n--- hub ---\n%s" % (
            name, limit, log.read_text()[-3000:], self.server_log()[-3000:]))


def _tree(pki):
    return {str(path.relative_to(pki)): path.read_bytes() for path in sorted(pki.rglob("*")) if path.is_file()}


def _router_certs(router):
    return sorted((row["name"], row["fingerprint"]) for row in router.rows("/certificate"))


def _ca_names(path):
    text = path.read_text()
    return [x509.load_pem_x509_certificate(("-----BEGIN" + block).encode()).subject.rfc4514_string()
            for block in text.split("-----BEGIN")[1:]]


def test_rotation_keeps_every_router_connected(tmp_path, run_playbook):
    assert os.geteuid() == 0 and os.path.exists("/dev/net/tun"), "needs root and /dev/net/tun (network namespaces)"
    directory = tmp_path
    files = directory / "files"
    (files / "ccd").mkdir(parents=True)
    shutil.copyfile(ROLE / "files" / "ffdhe2048.pem", files / "dh.pem")
    extra = {
        "role_dir": str(ROLE), "out_dir": str(directory),
        "__openvpn_server_files_dir": str(files), "__openvpn_server_ccd_dir": str(files / "ccd"),
        "__openvpn_server_learn_address": str(ROLE / "files" / "openvpn-learn-address"),
        "__openvpn_server_unprivileged_user": "nobody", "__openvpn_server_unprivileged_group": "nogroup",
    }
    with EmulatedRouter(release=RELEASES["rtr-a"], password="pw-a") as one, \
            EmulatedRouter(release=RELEASES["rtr-b"], password="pw-b") as two, Namespaces() as net:
        routers = {"rtr-a": one, "rtr-b": two}
        inventory = _inventory(directory, routers)
        rotation = _inventory(directory, routers, generation=2)

        # Generation 1: the PKI, the hub's configuration, and site.yml's router side.
        made = run_playbook(PKI_PLAY, inventory=inventory)
        assert made.rc == 0, made.stdout[-3000:]
        lab = Lab(net, directory, routers)
        lab.install_hub()
        rendered = run_playbook(RENDER_PLAY, inventory=inventory, extra_vars=extra)
        assert rendered.rc == 0, rendered.stdout[-3000:]
        site = run_playbook(SITE, inventory=inventory, limit="ovpn6_routers")
        assert site.rc == 0, [(task.name, task.host, task.msg) for task in site.failed] or site.stderr[-3000:]
        since = lab.restart_hub()
        for name in routers:
            assert lab.start_client(name, "gen1") == ["CN=ovpn6 CA"]
            lab.wait_connected(name, 1, since)

        # Check mode first: nothing changes anywhere, and the report says what a real run would do.
        before = (_tree(directory / "pki"), [_router_certs(router) for router in routers.values()])
        check = run_playbook(ROTATE, inventory=rotation, check=True, skip_tags=["hub"])
        assert check.rc == 0, [(task.name, task.host, task.msg) for task in check.failed] or check.stdout[-3000:]
        assert (_tree(directory / "pki"), [_router_certs(router) for router in routers.values()]) == before
        reports = [task.msg for task in check if task.name.startswith("Report what step")]
        assert len(reports) == 3 and "CA generation 2 as ovpn6-ca-2" in reports[0], reports

        # Step 1: the new CA in next/; the hub trusts both. Routers unchanged; after the hub's restart
        # each client, with its generation-1 certificate, is back within the keepalive timeout.
        step = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"], extra_vars={"ovpn6_rotate_until": "trust"})
        assert step.rc == 0, [(task.name, task.host, task.msg) for task in step.failed] or step.stdout[-3000:]
        pki = directory / "pki"
        assert (pki / "next" / "generation").read_text().strip() == "2"
        assert _ca_names(pki / "trust" / "ca.crt") == ["CN=ovpn6 CA", "CN=ovpn6 CA 2"]
        assert (pki / "trust" / "crl.pem").read_text().count("BEGIN X509 CRL") == 2
        assert [_router_certs(router) for router in routers.values()] == before[1]
        since = lab.restart_hub()
        for name in routers:
            print("step 1: %s back %.1f s after the hub's restart" % (name, lab.wait_connected(name, 2, since)))

        # Step 2: each router gets the new CA beside the old one and its certificate of the new CA; the
        # client restarts with them (RouterOS redials when its certificate changes) and the hub lets it in.
        step = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"], extra_vars={"ovpn6_rotate_until": "routers"})
        assert step.rc == 0, [(task.name, task.host, task.msg) for task in step.failed] or step.stdout[-3000:]
        for name in routers:
            since = time.monotonic()
            assert lab.start_client(name, "gen2") == ["CN=ovpn6 CA", "CN=ovpn6 CA 2"]
            print("step 2: %s in with its new certificate after %.1f s" % (name, lab.wait_connected(name, 1, since)))
            issuer = x509.load_pem_x509_certificate(
                (directory / "material" / name / "gen2" / "client.crt").read_bytes()).issuer.rfc4514_string()
            assert issuer == "CN=ovpn6 CA 2"
        assert lab.server_log().count("VERIFY OK: depth=1, CN=ovpn6 CA 2") >= 2

        # Step 3: the old CA retired; the hub trusts the new one alone and presents its certificate of it.
        # The clients (still holding both CAs) are back within the keepalive timeout after the restart.
        step = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"])
        assert step.rc == 0, [(task.name, task.host, task.msg) for task in step.failed] or step.stdout[-3000:]
        assert not (pki / "next").exists()
        assert (pki / "generation").read_text().strip() == "2"
        assert _ca_names(pki / "trust" / "ca.crt") == ["CN=ovpn6 CA 2"]
        assert _ca_names(pki / "retired" / "1" / "ca.crt") == ["CN=ovpn6 CA"]
        assert (pki / "retired" / "1" / "private" / "ca.key").stat().st_mode & 0o077 == 0
        since = lab.restart_hub()
        for name in routers:
            print("step 3: %s back %.1f s after the hub's restart" % (name, lab.wait_connected(name, 2, since)))
        # Each router now trusts the new CA alone, and connects with what it holds.
        for name in routers:
            since = time.monotonic()
            assert lab.start_client(name, "final") == ["CN=ovpn6 CA 2"]
            lab.wait_connected(name, 1, since)
        assert "VERIFY OK: depth=1, CN=ovpn6 CA 2" in (directory / "client-rtr-a-final.log").read_text()

        # The retired CA's certificates are refused now.
        old = directory / "material" / "rtr-a" / "gen1"
        refused_log = directory / "client-retired.log"
        refused = net.start(net.router, client_args("rtr-a", "tretired", pki / "ca.crt", old / "client.crt",
                                                    old / "client.key", directory)[:-4] + ["--connect-retry-max", "1",
                                                                                           "--verb", "3"], refused_log)
        refused.wait(timeout=90)
        assert "Initialization Sequence Completed" not in refused_log.read_text()

        # Done: a second run, its check mode, and site.yml's router side change nothing.
        after = (_tree(pki), [_router_certs(router) for router in routers.values()])
        again = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"])
        assert again.rc == 0 and again.changed == [], [(task.name, task.host) for task in again.changed]
        again = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"], check=True)
        assert again.rc == 0 and again.changed == [], [(task.name, task.host) for task in again.changed]
        site = run_playbook(SITE, inventory=rotation, limit="ovpn6_routers")
        assert site.rc == 0, [(task.name, task.host, task.msg) for task in site.failed]
        assert site.changed == [], [(task.name, task.host, task.result.get("changes")) for task in site.changed]
        assert (_tree(pki), [_router_certs(router) for router in routers.values()]) == after


def test_a_router_that_does_not_answer_holds_the_retirement_back(tmp_path, run_playbook):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with EmulatedRouter(release=RELEASES["rtr-a"], password="pw-a") as one:

        class Gone:
            host, port, username, password = "127.0.0.1", closed_port, "admin", "pw"

        routers = {"rtr-a": one, "rtr-b": Gone}
        made = run_playbook(PKI_PLAY, inventory=_inventory(tmp_path, routers))
        assert made.rc == 0, made.stdout[-3000:]
        run = run_playbook(ROTATE, inventory=_inventory(tmp_path, routers, generation=2), skip_tags=["hub"])
        assert run.rc != 0
        refusal = run.task("Refuse to retire the old CA while a router does not have the new one")
        assert refusal.failed
        assert refusal.msg.startswith("rtr-b did not get the certificate of CA generation 2"), refusal.msg
        pki = tmp_path / "pki"
        # Nothing retired: the new CA waits in next/, the hub's files still hold both CAs.
        assert (pki / "next" / "generation").read_text().strip() == "2"
        assert not (pki / "generation").exists() and not (pki / "retired").exists()
        assert _ca_names(pki / "trust" / "ca.crt") == ["CN=ovpn6 CA", "CN=ovpn6 CA 2"]
        # The router that answered has the new CA and its certificate of it (it had no old CA: site.yml did not run here).
        assert sorted(name for name, _fingerprint in _router_certs(one)) == ["ovpn6-ca-2", "ovpn6-client"]
        # A generation below the current one is refused, naming both, before anything changes.
        back = run_playbook(ROTATE, inventory=_inventory(tmp_path, routers, generation=3), skip_tags=["hub"])
        assert back.rc != 0
        assert "generation 2 is being brought in (next/); finish that first" in back.task(
            "Refuse a generation the PKI cannot go to").msg


def test_rotation_with_the_pki_on_the_hub(tmp_path, run_playbook):
    """openvpn_server_pki_on_hub: rotate.yml makes, reads and retires the CA on the hub (become by su here)."""
    hub_vars = {"openvpn_server_pki_on_hub": True, "ansible_become_method": "su"}
    with EmulatedRouter(release=RELEASES["rtr-b"], password="pw-b") as two:
        routers = {"rtr-b": two}
        made = run_playbook(PKI_PLAY, inventory=_inventory(tmp_path, routers, hub_vars=hub_vars))
        assert made.rc == 0, made.stdout[-3000:]
        site = run_playbook(SITE, inventory=_inventory(tmp_path, routers, hub_vars=hub_vars), limit="ovpn6_routers")
        assert site.rc == 0, [(task.name, task.host, task.msg) for task in site.failed]
        rotation = _inventory(tmp_path, routers, generation=2, hub_vars=hub_vars)
        run = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"])
        assert run.rc == 0, [(task.name, task.host, task.msg) for task in run.failed] or run.stdout[-3000:]
        assert not run.task("Read the router's new certificate, key and CA", "rtr-b").failed
        pki = tmp_path / "pki"
        assert (pki / "generation").read_text().strip() == "2"
        assert _ca_names(pki / "retired" / "1" / "ca.crt") == ["CN=ovpn6 CA"]
        certificates, _keys = _known_pems(pki)
        held = dict((name, certificates[fingerprint.replace(":", "").lower()].subject.rfc4514_string())
                    for name, fingerprint in _router_certs(two))
        assert held == {"ovpn6-ca-2": "CN=ovpn6 CA 2", "ovpn6-client": "CN=rtr-b"}
        assert "PRIVATE KEY" not in run.stdout
        again = run_playbook(ROTATE, inventory=rotation, skip_tags=["hub"])
        assert again.rc == 0 and again.changed == [], [(task.name, task.host) for task in again.changed]
