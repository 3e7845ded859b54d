# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ovpn-client interface: one set of intent, spoken in the router's dialect."""

from __future__ import annotations

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _releases
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._ovpn_profile import DEFAULT_CBC_AUTH
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError, RouterCommandError
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import MenuSpec, sync

PATH = "/interface/ovpn-client"
_SHA2_AUTHS = ("sha256", "sha384", "sha512")


def dialect_fields(version, params):
    """The ovpn-client fields for ``params`` on release ``version``; InvalidInputError for what it cannot do.

    Returns (fields, other cipher words to try if the router refuses the first, notes) where notes
    say which intent the release had no word for.
    """
    release = ".".join(str(part) for part in version)
    notes = []
    for option in ("connect_to", "ovpn_user", "certificate"):
        if not params.get(option):
            raise InvalidInputError("%s is required with state=present" % option)
    port = 1194 if params.get("connect_port") is None else params["connect_port"]
    if not 1 <= int(port) <= 65535:
        raise InvalidInputError("connect_port %s is not a TCP/UDP port (1-65535)" % port)
    candidates = _releases.ovpn_cipher_candidates(version, params["cipher_strength"], params["cipher_mode"])
    if not candidates:
        raise InvalidInputError(
            "cipher AES-%s-%s is not available on RouterOS %s (it offers: %s)"
            % (params["cipher_strength"], params["cipher_mode"].upper(), release,
               ", ".join(_releases.ovpn_ciphers(version)))
        )
    cipher = candidates[0]
    if cipher.endswith("-gcm") and cipher not in _releases.ovpn_ciphers(version):
        notes.append("RouterOS %s is not known to offer cipher %s (%s); sending it, the router decides"
                     % (release, cipher, _releases.FEATURES["ovpn_cipher_gcm"].source))
    auth = params.get("auth")
    if _releases.ovpn_cipher_needs_null_auth(cipher):
        if auth not in (None, "null"):
            raise InvalidInputError(
                "auth %s cannot go with %s: RouterOS needs auth=null for GCM ciphers (leave auth unset)" % (auth, cipher)
            )
        auth = "null"
    elif auth is None:
        # The hub's rule for CBC routers (one digest for the whole fleet), so both ends agree.
        auth = DEFAULT_CBC_AUTH
    elif auth not in _releases.ovpn_auths(version):
        if auth in _SHA2_AUTHS and _releases.feature_state(version, "ovpn_auth_sha2") == "unknown":
            notes.append("RouterOS %s is not known to offer auth %s (%s); sending it, the router decides"
                         % (release, auth, _releases.FEATURES["ovpn_auth_sha2"].source))
        else:
            raise InvalidInputError(
                "auth %s is not available on RouterOS %s (it offers: %s)"
                % (auth, release, ", ".join(_releases.ovpn_auths(version)))
            )
    fields = {
        "name": params["name"],
        "connect-to": params["connect_to"],
        "port": str(port),
        "mode": params.get("mode", "ip"),
        "user": params["ovpn_user"],
        "password": params.get("ovpn_password") or "",
        "certificate": params["certificate"],
        "cipher": cipher,
        "auth": auth,
        "add-default-route": bool(params.get("add_default_route")),
        "disabled": bool(params.get("disabled")),
    }
    transport = params.get("transport", "tcp")
    if _releases.has_feature(version, "ovpn_udp"):
        fields["protocol"] = transport
    elif transport != "tcp" and _releases.feature_state(version, "ovpn_udp") == "no":
        raise InvalidInputError("transport %s is not available on RouterOS %s: its ovpn-client speaks TCP only"
                                % (transport, release))
    elif transport != "tcp" and _releases.feature_state(version, "ovpn_udp") == "unknown":
        raise InvalidInputError("transport %s is not known to exist on RouterOS %s (%s): use tcp, or upgrade the router"
                                % (transport, release, _releases.FEATURES["ovpn_udp"].source))
    if params.get("max_mtu"):
        fields["max-mtu"] = str(params["max_mtu"])
    if _releases.has_feature(version, "ovpn_verify_server_certificate"):
        fields["verify-server-certificate"] = bool(params.get("verify_server_certificate", True))
    elif params.get("verify_server_certificate", True):
        notes.append("RouterOS %s has no verify-server-certificate setting: the hub's certificate is not checked "
                     "against the CA by this release" % release)
    return fields, candidates[1:], notes


def _spec(session, owner, entries=(), state="present"):
    # From 7.21 print takes show-sensitive (dumps 7.21-7.24); without it the password may be hidden.
    words = ["=show-sensitive="] if session.has("ovpn_print_show_sensitive") else []
    return MenuSpec(PATH, owner, entries, state=state, print_words=words)


def _refused_cipher(exc):
    return "cipher" in (exc.router_message or "")


def ensure(session, params, check_mode):
    owner = params.get("owner") or "ovpn"
    if params["state"] == "absent":
        return sync(session, [_spec(session, owner, state="absent")], check_mode)
    fields, other_words, notes = dialect_fields(session.version, params)
    if other_words and check_mode:
        notes.append("RouterOS %s: which cipher word it takes is not known (%s); check mode shows %s, a real run "
                     "falls back to %s if the router refuses it" % (session.release, _releases.FEATURES[
                         "ovpn_cipher_mode_words"].source, fields["cipher"], " or ".join(other_words)))
    while True:
        entry = dict(fields, key=params["name"])
        try:
            result = sync(session, [_spec(session, owner, [entry])], check_mode)
            break
        except RouterCommandError as exc:
            # 7.6-7.10: the evidence does not say which cipher dialect the release speaks; the
            # router's refusal of one word tells, and the other word is tried.
            if not other_words or not _refused_cipher(exc):
                raise
            notes.append("router %s refused cipher %s; RouterOS %s speaks the other dialect: using %s"
                         % (session.where, fields["cipher"], session.release, other_words[0]))
            fields["cipher"] = other_words.pop(0)
    result["warnings"] = notes
    result["cipher"] = fields["cipher"]
    result["auth"] = fields["auth"]
    result["protocol"] = fields.get("protocol", "tcp")
    return result
