# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ovpn-client interface: one set of intent, spoken in the router's dialect."""

from __future__ import annotations

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _releases
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import MenuSpec, sync

PATH = "/interface/ovpn-client"


def dialect_fields(version, params):
    """The ovpn-client fields for ``params`` on release ``version``; InvalidInputError for what it cannot do.

    Returns (fields, notes) where notes say which intent the release had no word for.
    """
    release = ".".join(str(part) for part in version)
    notes = []
    for option in ("connect_to", "ovpn_user", "certificate"):
        if not params.get(option):
            raise InvalidInputError("%s is required with state=present" % option)
    port = 1194 if params.get("connect_port") is None else params["connect_port"]
    if not 1 <= int(port) <= 65535:
        raise InvalidInputError("connect_port %s is not a TCP/UDP port (1-65535)" % port)
    cipher = _releases.ovpn_cipher_word(version, params["cipher_strength"], params["cipher_mode"])
    if cipher is None:
        raise InvalidInputError(
            "cipher AES-%s-%s is not available on RouterOS %s (it offers: %s)"
            % (params["cipher_strength"], params["cipher_mode"].upper(), release,
               ", ".join(_releases.ovpn_ciphers(version)))
        )
    auth = params.get("auth")
    if _releases.ovpn_cipher_needs_null_auth(cipher):
        if auth not in (None, "null"):
            raise InvalidInputError(
                "auth %s cannot go with %s: RouterOS needs auth=null for GCM ciphers (leave auth unset)" % (auth, cipher)
            )
        auth = "null"
    elif auth is None:
        auth = "sha256" if "sha256" in _releases.ovpn_auths(version) else "sha1"
    elif auth not in _releases.ovpn_auths(version):
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
    elif transport != "tcp":
        raise InvalidInputError("transport %s is not available on RouterOS %s: its ovpn-client speaks TCP only"
                                % (transport, release))
    if params.get("max_mtu"):
        fields["max-mtu"] = str(params["max_mtu"])
    if _releases.has_feature(version, "ovpn_verify_server_certificate"):
        fields["verify-server-certificate"] = bool(params.get("verify_server_certificate", True))
    elif params.get("verify_server_certificate", True):
        notes.append("RouterOS %s has no verify-server-certificate setting: the hub's certificate is not checked "
                     "against the CA by this release" % release)
    return fields, notes


def ensure(session, params, check_mode):
    owner = params.get("owner") or "ovpn"
    if params["state"] == "absent":
        spec = MenuSpec(PATH, owner, state="absent")
        return sync(session, [spec], check_mode)
    fields, notes = dialect_fields(session.version, params)
    entry = dict(fields, key=params["name"])
    result = sync(session, [MenuSpec(PATH, owner, [entry])], check_mode)
    result["warnings"] = notes
    result["cipher"] = fields["cipher"]
    result["auth"] = fields["auth"]
    result["protocol"] = fields.get("protocol", "tcp")
    return result
