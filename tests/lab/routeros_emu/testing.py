# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Python API for tests and benchmarks: emulated routers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
import threading

from .router import Router
from .server import ANONYMOUS, Hub

_SHARED_HUB = None
_SHARED_LOCK = threading.Lock()


def shared_hub():
    """One acceptor thread serves every router a test process starts."""
    global _SHARED_HUB
    with _SHARED_LOCK:
        if _SHARED_HUB is None:
            _SHARED_HUB = Hub()
        return _SHARED_HUB


def make_tls_certificate(directory, host="127.0.0.1", name="api"):
    """A CA and a server certificate for ``host`` signed by it; returns (ca, cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "%s test CA" % name)])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    try:
        san = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([san]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [os.path.join(directory, "%s-%s.pem" % (name, part)) for part in ("ca", "cert", "key")]
    with open(paths[0], "wb") as handle:
        handle.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with os.fdopen(os.open(paths[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return tuple(paths)


class EmulatedRouter:
    """``with EmulatedRouter(release="7.16", password="pw") as router:`` -> a router on 127.0.0.1.

    ``tls=True`` (default) also starts API-SSL with a certificate made for the test (``tls="anonymous"``:
    API-SSL with no certificate, anonymous DH, until one is bound to api-ssl); its CA is
    ``router.ca_path``. The configuration lives in ``state_file`` (a temporary one by default),
    so ``restart()`` behaves like a reboot: connections drop, configuration stays.
    """

    def __init__(self, release="7.16", password="pw", username="admin", state_file=None, host="127.0.0.1",
                 port=0, tls=True, certfile=None, keyfile=None, reset=False, realiser=None, hub=None,
                 identity="MikroTik", assume=None, factory=None):
        self.release = release
        self.factory = factory
        self.assume = assume
        self.username = username
        self.password = password
        self.host = host
        self._workdir = tempfile.mkdtemp(prefix="routeros-emu-")
        self.state_file = state_file or os.path.join(self._workdir, "state.json")
        self.ca_path = None
        if tls == "anonymous":
            # API-SSL as a router ships: no certificate (anonymous DH) until one is bound to api-ssl.
            certfile = ANONYMOUS
        elif tls and not certfile:
            self.ca_path, certfile, keyfile = make_tls_certificate(self._workdir, host)
        self._certfile, self._keyfile = certfile, keyfile
        self._realiser = realiser
        self._identity = identity
        self.hub = hub or shared_hub()
        self.router = Router(release=release, username=username, password=password, state_file=self.state_file,
                             reset=reset, realiser=realiser, identity=identity, assume=assume, factory=factory)
        self.factory = self.router.factory
        self.service = self.hub.add(self.router, host, port, None, certfile, keyfile)
        self.port = self.service.port
        self.tls_port = self.service.tls_port

    # -------------------------------------------------------------- lifecycle
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.service is not None:
            self.hub.remove(self.service)
            self.service = None
        self.router.cancel_pending()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def restart(self):
        """Drop every connection and boot again from the saved configuration, on the same ports."""
        port, tls_port = self.port, self.tls_port
        self.router.wait_pending()  # a reboot takes longer than a 6.x print file= write
        self.hub.remove(self.service)
        self.router = Router(release=self.release, username=self.username, password=self.password,
                             state_file=self.state_file, realiser=self._realiser, identity=self._identity,
                             assume=self.assume, factory=self.factory)
        self.service = self.hub.add(self.router, self.host, port, tls_port, self._certfile, self._keyfile)

    def reset(self):
        """Back to this router's factory state (``factory``: "minimal", "defconf" or "blank")."""
        self.router.reset()

    # -------------------------------------------------------------- inspection
    def rows(self, path):
        return self.router.rows(path)

    def full_print(self, paths=None):
        """Every row of every menu in ``paths`` (default: every menu this release has), as one text.

        Each menu is printed as a header line and one JSON line per row, every field as print shows it,
        in print order: two calls compare byte-for-byte (ids, order, dynamic entries, counters).
        """
        import json

        from .menus import MENUS

        if paths is None:
            paths = [path for path, spec in sorted(MENUS.items()) if spec.kind != "single" or path == "/ip/dns"]
        lines = []
        with self.router.lock:
            for path in paths:
                if not self.router.menu_exists(path):
                    lines.append("%s: no such menu" % path)
                    continue
                lines.append(path)
                for row in self.router.rows(path):
                    lines.append("  " + json.dumps(row, sort_keys=True))
        return "\n".join(lines) + "\n"

    def stats(self):
        return self.service.stats.snapshot()

    @contextlib.contextmanager
    def recording(self):
        """``with router.recording() as sent:`` -> the command sentences (but /login) received meanwhile,
        each as its list of words without ``.tag``, in the order they came on every connection."""
        sent = self.service.command_log = []
        try:
            yield sent
        finally:
            self.service.command_log = None

    def inject_fault(self, drop_after_sentences=None, delay=0.0):
        self.service.faults.drop_after_sentences = drop_after_sentences
        self.service.faults.delay = float(delay or 0)

    def connect(self, tls=False, **kwargs):
        """A real librouteros connection to this router."""
        import librouteros

        params = dict(username=self.username, password=self.password, host=self.host,
                      port=self.tls_port if tls else self.port, timeout=kwargs.pop("timeout", 5))
        if tls:
            context = ssl.create_default_context(cafile=self.ca_path)
            context.check_hostname = False
            params["ssl_wrapper"] = context.wrap_socket
        params.update(kwargs)
        return librouteros.connect(**params)

    def module_args(self, tls=False):
        """Connection options for community.routeros / tunnelworks.ovpn6 modules."""
        args = {"hostname": self.host, "username": self.username, "password": self.password,
                "port": self.tls_port if tls else self.port, "tls": tls}
        if tls:
            args.update(validate_certs=True, ca_path=self.ca_path)
        return args


def start_fleet(count, release="7.16", password="pw", state_dir=None, tls=False, factory=None):
    """``count`` routers in this process, each on its own port (for scale benchmarks)."""
    hub = shared_hub()
    routers = []
    for index in range(count):
        state_file = os.path.join(state_dir, "router-%d.json" % index) if state_dir else None
        routers.append(EmulatedRouter(release=release, password=password, state_file=state_file, tls=tls,
                                      hub=hub, identity="rtr-%d" % index, factory=factory))
    return routers
