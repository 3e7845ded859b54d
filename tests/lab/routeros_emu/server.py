# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API and API-SSL services: sockets, login, tags, /cancel, /quit, stats, fault injection."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import selectors
import shutil
import socket
import ssl
import tempfile
import threading
import time

from . import evidence
from .facts import ERRORS, RouterError
from .protocol import ProtocolViolation, SentenceReader, encode_sentence


# ``certfile`` value for an API-SSL listener without a certificate. A RouterOS api-ssl service with no
# certificate negotiates anonymous Diffie-Hellman (ADH) only: community.routeros' force_no_cert sets the
# ciphers "ADH:@SECLEVEL=0" for it (its module_utils/api.py and that code's tests).
ANONYMOUS = "anonymous"
# RFC 7919 ffdhe2048, the group ADH uses here (a public standard group).
_FFDHE2048 = """-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""


def _anonymous_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.maximum_version = ssl.TLSVersion.TLSv1_2  # TLS 1.3 has no anonymous suites
    context.set_ciphers("aNULL:@SECLEVEL=0")
    directory = tempfile.mkdtemp(prefix="routeros-emu-dh-")
    try:
        path = os.path.join(directory, "dh.pem")
        with open(path, "w") as handle:
            handle.write(_FFDHE2048)
        context.load_dh_params(path)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return context


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"connections": 0, "active_connections": 0, "sentences": 0, "commands": 0,
                       "traps": 0, "logins": 0, "login_failures": 0, "protocol_errors": 0, "dropped_by_fault": 0}

    def bump(self, key, amount=1):
        with self.lock:
            self.values[key] += amount

    def snapshot(self):
        with self.lock:
            return dict(self.values)


class Faults:
    """Faults a test asks for: drop a connection after N sentences, delay every reply."""

    def __init__(self):
        self.drop_after_sentences = None
        self.delay = 0.0

    def as_dict(self):
        return {"drop_after_sentences": self.drop_after_sentences, "delay": self.delay}


def _trap_words(error, tag):
    words = ["!trap"]
    if error.category is not None:
        words.append("=category=%d" % error.category)
    words.append("=message=%s" % error.message)
    if tag is not None:
        words.append(".tag=%s" % tag)
    return words


class Connection:
    def __init__(self, service, sock, peer):
        self.service = service
        self.router = service.router
        self.sock = sock
        self.peer = peer
        self.write_lock = threading.Lock()
        self.logged_in = False
        self.policies = None
        self.challenge = None
        self.sentences = 0
        self.streams = {}  # tag -> threading.Event that stops it
        self.closed = threading.Event()

    # -------------------------------------------------------------- output
    def send(self, words):
        delay = self.service.faults.delay
        if delay:
            time.sleep(delay)
        data = encode_sentence(words)
        with self.write_lock:
            if self.closed.is_set():
                return
            self.sock.sendall(data)

    def reply(self, kind, attrs, tag):
        words = [kind] + ["=%s=%s" % (k, v) for k, v in attrs.items()]
        if tag is not None:
            words.append(".tag=%s" % tag)
        self.send(words)

    def trap(self, error, tag):
        self.service.stats.bump("traps")
        self.send(_trap_words(error, tag))
        self.reply("!done", {}, tag)

    def fatal(self, message):
        try:
            self.send(["!fatal", message])
        except OSError:
            pass
        self.close()

    def close(self):
        if self.closed.is_set():
            return
        for stop in list(self.streams.values()):
            stop.set()
        self.closed.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    # -------------------------------------------------------------- input
    def run(self):
        stats = self.service.stats
        stats.bump("connections")
        stats.bump("active_connections")
        try:
            context = self.service.tls_context() if callable(self.service.tls_context) else self.service.tls_context
            if context is not None:
                self.sock.settimeout(10)
                self.sock = context.wrap_socket(self.sock, server_side=True)
                self.sock.settimeout(None)
            reader = SentenceReader(self.sock)
            while not self.closed.is_set():
                words = reader.read_sentence()
                if not words:
                    continue
                self.sentences += 1
                stats.bump("sentences")
                self.service.count_sentence()
                limit = self.service.faults.drop_after_sentences
                if limit is not None and self.sentences > limit:
                    stats.bump("dropped_by_fault")
                    break
                self.handle(words)
        except ProtocolViolation:
            stats.bump("protocol_errors")
        except (EOFError, OSError, ssl.SSLError):
            pass
        finally:
            stats.bump("active_connections", -1)
            self.close()

    def handle(self, words):
        command = words[0]
        args, queries, tag, proplist = {}, [], None, None
        for word in words[1:]:
            if word.startswith(".tag="):
                tag = word[5:]
            elif word.startswith("=.proplist="):
                proplist = word[len("=.proplist="):]
            elif word.startswith("="):
                name, sep, value = word[1:].partition("=")
                args[name] = value if sep else ""
            elif word.startswith("?"):
                queries.append(word)
            elif word.startswith(".proplist="):
                proplist = word[len(".proplist="):]
            # RouterOS ignores words it does not recognise as attributes, queries or API words.
        self.service.stats.bump("commands")
        log = self.service.command_log
        if log is not None and command != "/login":  # /login words carry the password
            log.append([word for word in words if not word.startswith(".tag=")])
        if command == "/login":
            return self.login(args, tag)
        if command == "/quit":
            return self.fatal(ERRORS["quit"][0])
        if command == "/cancel":
            return self.cancel(args, tag)
        if not self.logged_in:
            return self.trap(RouterError("not_logged_in"), tag)
        if command == "/import":
            # The root menu's import (script.SOURCES "issue-librouteros-228": /import =file-name=NAME).
            try:
                self.router.check_permission("/", "import", args, self.policies)
                file_name = args.pop("file-name", None)
                self.router.import_file(file_name, args, max_delay=self.service.import_max_delay)
            except RouterError as error:
                return self.trap(error, tag)
            return self.reply("!done", {}, tag)
        if not command.startswith("/") or command.count("/") < 2:
            return self.trap(RouterError("no_such_command_prefix"), tag)
        path, _slash, name = command.rpartition("/")
        try:
            if path == "/interface/ovpn-client" and name == "monitor" and "once" not in args \
                    and self.router.menu_exists(path):
                return self.start_monitor(path, args, tag)
            self.router.check_permission(path, name, args, self.policies)
            rows, done, _changed = self.router.execute(path, name, args, queries, proplist)
        except RouterError as error:
            return self.trap(error, tag)
        for row in rows:
            self.reply("!re", row, tag)
        if not rows and name in ("print", "getall") and not done and self.service.empty_reply:
            self.reply("!empty", {}, tag)
        self.reply("!done", done, tag)

    def login(self, args, tag):
        router = self.router
        if "name" not in args:
            # Legacy challenge: send a token, expect name= and response=00<md5(0 + password + token)>.
            self.challenge = secrets.token_bytes(16)
            return self.reply("!done", {"ret": self.challenge.hex()}, tag)
        policies = None
        if "password" in args:
            policies = router.authenticate(args["name"], args["password"])
        elif "response" in args and self.challenge is not None:
            # The legacy challenge proves the password without sending it: try the user's own.
            for candidate in router.login_secrets(args["name"]):
                digest = hashlib.md5(b"\x00" + candidate.encode() + self.challenge).hexdigest()
                if secrets.compare_digest(args["response"], "00" + digest):
                    policies = router.authenticate(args["name"], candidate)
                    break
        if policies is None:
            self.service.stats.bump("login_failures")
            return self.trap(RouterError("login_failed"), tag)
        if "api" not in policies:
            self.service.stats.bump("login_failures")
            return self.trap(RouterError("login_not_allowed"), tag)
        # The factory user has every policy; others what their group grants.
        self.policies = None if args["name"] == router.username and policies >= {"api", "read", "write", "policy"} \
            else policies
        self.logged_in = True
        self.service.stats.bump("logins")
        self.reply("!done", {}, tag)

    def cancel(self, args, tag):
        target = args.get("tag")
        stops = [self.streams.pop(target)] if target in self.streams else \
            ([] if target is not None else [self.streams.pop(t) for t in list(self.streams)])
        for stop in stops:
            stop.set()
        if target is not None and not stops:
            return self.trap(RouterError("no_such_item"), tag)
        self.reply("!done", {}, tag)

    def start_monitor(self, path, args, tag):
        # Validate once up front so a bad id or argument traps immediately.
        try:
            self.router.execute(path, "monitor", args)
        except RouterError as error:
            return self.trap(error, tag)
        stop = threading.Event()
        self.streams[tag] = stop

        def stream():
            try:
                while not stop.is_set() and not self.closed.is_set():
                    for row in self.router.monitor_values(path, args):
                        self.reply("!re", row, tag)
                    stop.wait(1.0)
                if not self.closed.is_set():
                    self.send(_trap_words(RouterError("interrupted"), tag))
                    self.reply("!done", {}, tag)
            except (OSError, RouterError):
                pass

        threading.Thread(target=stream, daemon=True, name="monitor-%s" % tag).start()


class Service:
    """One router's API (and optionally API-SSL) listener."""

    def __init__(self, router, host="127.0.0.1", port=0, tls_port=None, certfile=None, keyfile=None):
        self.router = router
        self.stats = Stats()
        self.faults = Faults()
        # '!empty' from 7.18 (evidence.FACTS["api_empty_reply"]: MikroTik API docs).
        self.empty_reply = evidence.has(router.release, "api_empty_reply")
        self.tls_context = None
        self.host = host
        self.listeners = []
        self.connections = set()
        self.conn_lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.plain = self._listen(family, host, port)
        self.port = self.plain.getsockname()[1]
        self.tls = None
        self.tls_port = None
        self.tls_context_for_tls = None
        self._bound_contexts = {}
        if certfile == ANONYMOUS:
            # api-ssl as a router ships: no certificate, anonymous Diffie-Hellman only.
            self.tls_context_for_tls = _anonymous_context()
            self.tls = self._listen(family, host, tls_port or 0)
            self.tls_port = self.tls.getsockname()[1]
        elif certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.tls_context_for_tls = context
            self.tls = self._listen(family, host, tls_port or 0)
            self.tls_port = self.tls.getsockname()[1]
        self._sentence_hook = None
        # Longest :delay an /import over the API sleeps (None: as written); tests shorten it.
        self.import_max_delay = None
        self.command_log = None  # a list while someone records the commands (EmulatedRouter.recording)

    def api_ssl_context(self):
        """The TLS context of a new API-SSL connection: the certificate bound to the api-ssl service
        (/ip service set api-ssl certificate=NAME) once there is one, else the listener's own."""
        bound = self.router.api_ssl_certificate()
        if bound is None:
            return self.tls_context_for_tls
        context = self._bound_contexts.get(bound)
        if context is None:
            directory = tempfile.mkdtemp(prefix="routeros-emu-tls-")
            try:
                path = os.path.join(directory, "bound.pem")
                with open(path, "w") as handle:
                    handle.write(bound[0] + bound[1])
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(path)
            finally:
                shutil.rmtree(directory, ignore_errors=True)
            self._bound_contexts = {bound: context}
        return context

    def listeners_all(self):
        return [sock for sock in [self.plain, self.tls] + self.listeners if sock is not None]

    @staticmethod
    def _listen(family, host, port):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
        return sock

    def count_sentence(self):
        if self._sentence_hook:
            self._sentence_hook()

    def accept(self, listener):
        try:
            sock, peer = listener.accept()
        except (BlockingIOError, OSError):
            return
        sock.setblocking(True)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        handler = _ServiceView(self, listener is self.tls)
        connection = Connection(handler, sock, peer)
        with self.conn_lock:
            self.connections.add(connection)

        def run():
            try:
                connection.run()
            finally:
                with self.conn_lock:
                    self.connections.discard(connection)

        threading.Thread(target=run, daemon=True, name="api-%s" % (peer,)).start()

    def close_connections(self):
        with self.conn_lock:
            connections = list(self.connections)
        for connection in connections:
            connection.close()

    def close(self):
        for sock in self.listeners_all():
            sock.close()
        self.close_connections()


class _ServiceView:
    """What a connection sees of its service; TLS connections get the TLS context."""

    def __init__(self, service, tls):
        self._service = service
        self.tls_context = service.api_ssl_context if tls else None

    def __getattr__(self, name):
        return getattr(self._service, name)


class Hub:
    """Many emulated routers in one process, one acceptor thread for every listener."""

    def __init__(self, stats_file=None):
        self.services = []
        self.selector = selectors.DefaultSelector()
        self.stats_file = stats_file
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="routeros-emu-acceptor")
        self._thread.start()
        self._stats_thread = None
        if stats_file:
            self._stats_thread = threading.Thread(target=self._stats_loop, daemon=True, name="routeros-emu-stats")
            self._stats_thread.start()

    def add(self, router, host="127.0.0.1", port=0, tls_port=None, certfile=None, keyfile=None):
        service = Service(router, host, port, tls_port, certfile, keyfile)
        self.services.append(service)
        for listener in service.listeners_all():
            self.selector.register(listener, selectors.EVENT_READ, service)
        self._wake_w.send(b"x")
        return service

    def add_listener(self, service, listener):
        """Serve ``service``'s plain API on one more listening socket too."""
        service.listeners.append(listener)
        self.selector.register(listener, selectors.EVENT_READ, service)
        self._wake_w.send(b"x")

    def remove(self, service):
        for listener in service.listeners_all():
            if listener is not None:
                try:
                    self.selector.unregister(listener)
                except (KeyError, ValueError):
                    pass
        self._wake_w.send(b"x")
        service.close()
        if service in self.services:
            self.services.remove(service)

    def _loop(self):
        while not self._stop.is_set():
            try:
                events = self.selector.select(timeout=0.5)
            except (OSError, ValueError):
                continue
            for key, _mask in events:
                if key.data is None:
                    try:
                        self._wake_r.recv(4096)
                    except BlockingIOError:
                        pass
                    continue
                key.data.accept(key.fileobj)

    def stats(self):
        return [dict(service.stats.snapshot(), port=service.port, tls_port=service.tls_port,
                     release=service.router.release, faults=service.faults.as_dict())
                for service in self.services]

    def write_stats(self):
        if not self.stats_file:
            return
        tmp = self.stats_file + ".tmp"
        with open(tmp, "w") as handle:
            json.dump({"routers": self.stats(), "time": time.time()}, handle)
        os.replace(tmp, self.stats_file)

    def _stats_loop(self):
        while not self._stop.wait(0.5):
            try:
                self.write_stats()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        for service in list(self.services):
            self.remove(service)
        self._wake_w.send(b"x")
        self._thread.join(timeout=2)
        self.write_stats() if self.stats_file else None
        self.selector.close()
        self._wake_r.close()
        self._wake_w.close()


class ControlServer:
    """JSON lines on 127.0.0.1 for tools outside the process: stats, faults, reset, rows."""

    def __init__(self, hub, port=0, host="127.0.0.1"):
        self.hub = hub
        self.sock = socket.create_server((host, port))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._loop, daemon=True, name="routeros-emu-control").start()

    def _loop(self):
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn, conn.makefile("rwb") as stream:
            for line in stream:
                try:
                    answer = {"ok": True, "result": self.handle(json.loads(line))}
                except Exception as error:  # a bad control request must not stop the service
                    answer = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
                stream.write(json.dumps(answer).encode() + b"\n")
                stream.flush()

    def handle(self, request):
        op = request.get("op")
        if op == "stats":
            return self.hub.stats()
        service = self.hub.services[int(request.get("router", 0))]
        if op == "fault":
            service.faults.drop_after_sentences = request.get("drop_after_sentences")
            service.faults.delay = float(request.get("delay") or 0)
            return service.faults.as_dict()
        if op == "reset":
            service.router.reset()
            return True
        if op == "rows":
            return service.router.rows(request["path"])
        raise ValueError("unknown control operation %r (known: stats, fault, reset, rows)" % (op,))

    def close(self):
        self.sock.close()
