# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RouterOS API connection every module of the collection shares.

One session per module run: connect, log in, read the release from /system/resource and
refuse releases we do not speak. Every librouteros or socket error is turned into one of
the exceptions below, whose messages name the router (host:port) and the rule broken, so
the one caller, _module_specs.execute() (run by a module or by its action plugin), lets its
callers catch RouterOSError alone and fail with its message.
"""

from __future__ import annotations

import socket
import ssl
import traceback

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _releases
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._menus import SECRET_FIELDS

LIBROUTEROS_IMPORT_ERROR = None
try:
    import librouteros
    from librouteros.exceptions import ConnectionClosed, FatalError, LibRouterosError, MultiTrapError, TrapError
except ImportError:  # pragma: no cover - reported by the module through missing_required_lib
    LIBROUTEROS_IMPORT_ERROR = traceback.format_exc()


# The connection options, the same names community.routeros uses; written once here and in
# the doc fragment tunnelworks.ovpn6.routeros_api.
CONNECTION_ARGUMENT_SPEC = dict(
    hostname=dict(type="str"),
    username=dict(type="str", default="admin"),
    password=dict(type="str", default="", no_log=True),
    port=dict(type="int"),
    tls=dict(type="bool", default=False, aliases=["ssl"]),
    force_no_cert=dict(type="bool", default=False),
    validate_certs=dict(type="bool", default=True),
    validate_cert_hostname=dict(type="bool", default=False),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=10),
    refuse_newer_release=dict(type="bool", default=False),
)

# Where the action plugins take an option the task does not give: the host's inventory variables, so a
# role or playbook never maps them itself. hostname comes from ansible_host, else the host's name.
CONNECTION_INVENTORY_VARIABLES = dict(
    (option, "ovpn6_routeros_" + option) for option in CONNECTION_ARGUMENT_SPEC if option != "hostname")

PLAIN_PORT = 8728
TLS_PORT = 8729


class RouterOSError(Exception):
    """Base class: anything that went wrong talking to a router."""


class RouterUnreachableError(RouterOSError):
    """No TCP connection could be made."""


class RouterLoginError(RouterOSError):
    """The router refused the user name or password."""


class RouterTLSError(RouterOSError):
    """The TLS handshake failed, usually because the router's certificate did not validate."""


class RouterConnectionLostError(RouterOSError):
    """The connection broke after it had been made (mid-command)."""


class RouterCommandError(RouterOSError):
    """The router answered a command with !trap: it refused the command."""

    def __init__(self, message, path=None, command=None, router_message=None):
        super().__init__(message)
        self.path = path
        self.command = command
        self.router_message = router_message


class InvalidInputError(RouterOSError):
    """Module input that breaks a rule; raised before anything is changed on the router."""


class PackageMissingError(RouterOSError):
    """A menu the run needs comes from a RouterOS package that is disabled or not installed."""


class UnsupportedReleaseError(RouterOSError):
    """The router runs a release this collection does not speak."""


def to_text(value):
    """librouteros turns 'yes'/'true' into True and digits into int: give back RouterOS words."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _tls_context(params):
    if params.get("force_no_cert"):
        # A router's api-ssl with no certificate (as it ships) negotiates anonymous Diffie-Hellman only;
        # community.routeros' force_no_cert asks for the same ciphers ("ADH:@SECLEVEL=0"). No certificate,
        # so nothing is checked: for a first contact on a link you trust.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.maximum_version = ssl.TLSVersion.TLSv1_2  # TLS 1.3 has no anonymous key exchange
        context.set_ciphers("ADH:@SECLEVEL=0")
        return context
    if params.get("validate_certs", True):
        context = ssl.create_default_context(cafile=params.get("ca_path") or None)
        context.check_hostname = bool(params.get("validate_cert_hostname"))
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class RouterSession:
    """A logged-in API connection to one router, with its release known.

    ``sentences`` counts the sentences this session sent, for callers that report cost.
    """

    def __init__(self, api, host, port, version_text):
        self.api = api
        self.host = host
        self.port = port
        self.version_text = version_text
        self.version = None
        self.sentences = 0
        # Said once per run to the user (a release newer than the table, a dialect met by trying).
        self.warnings = []

    @property
    def where(self):
        return "%s:%s" % (self.host, self.port)

    @property
    def release(self):
        return ".".join(str(part) for part in self.version)

    def has(self, feature):
        return _releases.has_feature(self.version, feature)

    def feature_state(self, feature):
        """'yes', 'no' or 'unknown' for ``feature`` on this router's release (see _releases)."""
        return _releases.feature_state(self.version, feature)

    def require_ipv6(self, path):
        """Before touching an IPv6 menu: on a release where IPv6 is a package of its own, fail unless
        that package is installed and enabled (``_releases`` row ipv6_package). Read once per session."""
        if not self.has("ipv6_package"):
            return
        if getattr(self, "_ipv6_package", None) is None:
            rows = self.print_menu("/system/package", proplist=["name", "disabled", "version"])
            found = [row for row in rows if row.get("name") == "ipv6"]
            self._ipv6_package = "missing" if not found else (
                "disabled" if str(found[0].get("disabled")).lower() in ("true", "yes") else "enabled")
        if self._ipv6_package == "disabled":
            raise PackageMissingError(
                "router %s: %s needs the RouterOS package 'ipv6', which is disabled on this RouterOS %s router; "
                "enable it with '/system package enable ipv6' and reboot the router, then run again"
                % (self.where, path, self.release))
        if self._ipv6_package == "missing":
            raise PackageMissingError(
                "router %s: %s needs the RouterOS package 'ipv6', which is not installed on this RouterOS %s router; "
                "upload the ipv6 package of release %s for its architecture, reboot, then run again"
                % (self.where, path, self.release, self.release))

    def run(self, path, command, **arguments):
        """Run ``<path>/<command>`` with ``=name=value`` arguments; return the rows as text dicts."""
        words = ["=%s=%s" % (name, to_text(value)) for name, value in arguments.items()]
        return self.raw(path, command, words)

    def raw(self, path, command, words):
        full = "%s/%s" % (path.rstrip("/"), command)
        self.sentences += 1
        try:
            rows = list(self.api.rawCmd(full, *words))
        except (TrapError, MultiTrapError) as exc:
            raise RouterCommandError(
                "router %s refused %s: %s" % (self.where, _describe(full, words), exc),
                path=path,
                command=command,
                router_message=str(exc),
            )
        except FatalError as exc:
            raise RouterConnectionLostError("router %s closed the connection during %s: %s" % (self.where, full, exc))
        except (ConnectionClosed, OSError, LibRouterosError) as exc:
            raise RouterConnectionLostError(
                "lost the connection to router %s during %s: %s" % (self.where, full, exc or type(exc).__name__)
            )
        return [dict((key, to_text(value)) for key, value in row.items()) for row in rows]

    def print_menu(self, path, proplist=None, query=None):
        """One print of a menu; ``query`` is a list of API query words such as '?name=x'."""
        words = []
        if proplist:
            words.append("=.proplist=%s" % ",".join(proplist))
        words.extend(query or [])
        return self.raw(path, "print", words)

    def close(self):
        try:
            self.api.close()
        except Exception:  # closing a broken socket must not hide the real error
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _describe(full, words):
    """A command for error messages, with secrets masked."""
    shown = []
    for word in words:
        name = word[1:].split("=", 1)[0] if word.startswith("=") else ""
        if name in SECRET_FIELDS:
            shown.append("=%s=********" % name)
        elif name == "contents":
            shown.append("=contents=<%d bytes>" % (len(word) - len("=contents=")))
        else:
            shown.append(word)
    return " ".join([full] + shown)


def connect(params):
    """Open a RouterSession from the module's connection options.

    Raises RouterUnreachableError, RouterTLSError, RouterLoginError, UnsupportedReleaseError.
    """
    if LIBROUTEROS_IMPORT_ERROR:
        raise RouterOSError("the Python library librouteros is required on the controller: %s" % LIBROUTEROS_IMPORT_ERROR)
    host = params.get("hostname")
    if not host:
        raise RouterOSError("hostname is not set: give it, or run the task on an inventory host (its ansible_host "
                            "or its name is the router's address)")
    tls = bool(params.get("tls"))
    port = params.get("port") or (TLS_PORT if tls else PLAIN_PORT)
    where = "%s:%s" % (host, port)
    timeout = params.get("timeout") or 10
    kwargs = dict(port=port, timeout=timeout)
    if tls:
        context = _tls_context(params)
        server_hostname = host if context.check_hostname else None
        kwargs["ssl_wrapper"] = lambda sock: context.wrap_socket(sock, server_hostname=server_hostname)
    try:
        api = librouteros.connect(host, params.get("username") or "admin", params.get("password") or "", **kwargs)
    except ssl.SSLCertVerificationError as exc:
        raise RouterTLSError(
            "TLS certificate of router %s did not validate (%s); give ca_path the CA that signed the "
            "router's API certificate, or set validate_certs=false" % (where, exc.verify_message or exc)
        )
    except ssl.SSLError as exc:
        raise RouterTLSError("TLS handshake with router %s failed: %s" % (where, exc))
    except (TrapError, MultiTrapError) as exc:
        raise RouterLoginError(
            "router %s refused the login of user %r: %s" % (where, params.get("username") or "admin", exc)
        )
    except socket.timeout:
        raise RouterUnreachableError("router %s is unreachable: no answer within %s seconds" % (where, timeout))
    except (ConnectionClosed, FatalError) as exc:
        raise RouterUnreachableError("router %s closed the connection during login: %s" % (where, exc))
    except (OSError, LibRouterosError) as exc:
        raise RouterUnreachableError("router %s is unreachable: %s" % (where, exc))
    session = RouterSession(api, host, port, None)
    session.sentences = 1  # the login
    try:
        rows = session.print_menu("/system/resource", proplist=["version"])
        session.version_text = rows[0].get("version", "") if rows else ""
        try:
            session.version = _releases.check_known(_releases.parse_version(session.version_text),
                                                    refuse_newer=bool(params.get("refuse_newer_release")))
        except _releases.UnknownReleaseError as exc:
            raise UnsupportedReleaseError("router %s: %s" % (where, exc))
        if _releases.newer_than_known(session.version):
            session.warnings.append("router %s: %s" % (where, _releases.newer_release_warning(session.version)))
    except Exception:
        session.close()
        raise
    return session
