# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OpenVPN data channel a RouterOS router uses, and the hub settings that accept every router.

RouterOS does not negotiate the data channel cipher: each router speaks exactly the cipher and
digest configured on its ovpn-client, so the hub must list that cipher in ``data-ciphers``.
The router role and the hub role both call :func:`router_data_channel`, so they can never
disagree. Which release can do what comes from ``_releases`` (one table).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._releases import (
    UnknownReleaseError,
    check_supported,
    ovpn_auths,
    ovpn_ciphers,
)

# When a router's release is not known yet (the router role has not run), assume the oldest
# release we support: its cipher also works on every newer release, so the hub accepts it.
ASSUMED_RELEASE = "6.49"

# Strongest first: the first one a release offers is the one it uses.
_PREFERRED_CIPHERS = ("aes256-gcm", "aes256-cbc", "aes256")

# RouterOS cipher name -> OpenVPN cipher name.
_OPENVPN_CIPHERS = {
    "aes128": "AES-128-CBC",
    "aes192": "AES-192-CBC",
    "aes256": "AES-256-CBC",
    "aes128-cbc": "AES-128-CBC",
    "aes192-cbc": "AES-192-CBC",
    "aes256-cbc": "AES-256-CBC",
    "aes128-gcm": "AES-128-GCM",
    "aes192-gcm": "AES-192-GCM",
    "aes256-gcm": "AES-256-GCM",
    "blowfish128": "BF-CBC",
}

# RouterOS auth name -> OpenVPN digest name.
_OPENVPN_AUTHS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512"}

# The digest CBC routers use unless told otherwise: the strongest one RouterOS 6.49 has, so a
# fleet mixing 6.x and 7.x routers agrees on one hub `auth`.
DEFAULT_CBC_AUTH = "sha1"

# Private IPv4 space (RFC 1918) and shared address space (RFC 6598): what must be masqueraded
# to reach the internet. Python's is_private also counts documentation ranges, which are used
# as stand-ins for public addresses in examples, so the list is explicit.
_PRIVATE_IPV4 = tuple(ipaddress.ip_network(net)
                      for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))


class ProfileError(ValueError):
    """A router setting the hub cannot serve; the message names the value and the rule."""


def router_data_channel(name, version=None, cipher=None, auth=None):
    """The data channel router ``name`` uses.

    ``version`` is its RouterOS release (None: not known yet), ``cipher``/``auth`` optional
    RouterOS names chosen by the user. Returns RouterOS and OpenVPN names of both.
    """
    release = version or ASSUMED_RELEASE
    try:
        check_supported(release)
    except UnknownReleaseError as exc:
        raise ProfileError("router %s: %s" % (name, exc))
    offered = ovpn_ciphers(release)
    if cipher is None:
        cipher = next(choice for choice in _PREFERRED_CIPHERS if choice in offered)
    elif cipher not in offered:
        raise ProfileError("router %s: cipher %r is not one RouterOS %s offers (%s)"
                           % (name, cipher, release, ", ".join(offered)))
    if cipher == "null":
        raise ProfileError("router %s: cipher 'null' sends the tunnel unencrypted; the hub refuses it" % (name,))
    aead = cipher.endswith("-gcm")
    if auth is None:
        auth = "null" if aead else DEFAULT_CBC_AUTH
    elif auth not in ovpn_auths(release):
        raise ProfileError("router %s: auth %r is not one RouterOS %s offers (%s)"
                           % (name, auth, release, ", ".join(ovpn_auths(release))))
    if aead and auth != "null":
        raise ProfileError("router %s: cipher %r authenticates itself; RouterOS requires auth 'null' with it, not %r"
                           % (name, cipher, auth))
    if not aead and auth == "null":
        raise ProfileError("router %s: cipher %r needs a digest (auth), not 'null'" % (name, cipher))
    # The router module takes AES as strength and mode (it speaks the release's word for them).
    strength, _dash, mode = cipher[len("aes"):].partition("-") if cipher.startswith("aes") else (None, "", None)
    return {
        "release": release,
        "release_known": version is not None,
        "routeros_cipher": cipher,
        "routeros_auth": auth,
        "cipher_strength": int(strength) if strength else None,
        "cipher_mode": (mode or "cbc") if strength else None,
        "openvpn_cipher": _OPENVPN_CIPHERS[cipher],
        "openvpn_auth": _OPENVPN_AUTHS.get(auth),
    }


def hub_profile(routers):
    """The hub's data-channel settings for ``routers`` (name -> {version, cipher, auth}).

    Every router's cipher is in ``data_ciphers`` (strongest first); CBC routers must share one
    digest because the hub has one ``auth``; the legacy OpenSSL provider is asked for only
    when a router really uses Blowfish.
    """
    channels = {}
    for name in sorted(routers):
        settings = routers[name] or {}
        channels[name] = router_data_channel(name, settings.get("version"), settings.get("cipher"),
                                             settings.get("auth"))
    ciphers = ["AES-256-GCM"]
    for channel in sorted(channels.values(), key=lambda item: _strength(item["openvpn_cipher"]), reverse=True):
        if channel["openvpn_cipher"] not in ciphers:
            ciphers.append(channel["openvpn_cipher"])
    digests = sorted(set(channel["openvpn_auth"] for channel in channels.values() if channel["openvpn_auth"]))
    if len(digests) > 1:
        users = ", ".join("%s=%s" % (name, channel["routeros_auth"]) for name, channel in sorted(channels.items())
                          if channel["openvpn_auth"])
        raise ProfileError("routers using CBC ciphers must share one digest (the hub has one 'auth'), got %s" % users)
    cbc = [channel["openvpn_cipher"] for channel in channels.values() if not channel["openvpn_cipher"].endswith("GCM")]
    return {
        "data_ciphers": ciphers,
        # Peers that announce no cipher list (old RouterOS) end up on the fallback: the CBC cipher they use.
        "data_ciphers_fallback": sorted(cbc, key=_strength, reverse=True)[0] if cbc else None,
        "auth": digests[0] if digests else "SHA256",
        "legacy_provider": "BF-CBC" in ciphers,
        "routers": channels,
    }


def _strength(openvpn_cipher):
    """Sort key: AEAD before CBC, longer keys first, Blowfish last."""
    if openvpn_cipher == "BF-CBC":
        return (0, 0)
    bits = int(openvpn_cipher.split("-")[1])
    return (2 if openvpn_cipher.endswith("GCM") else 1, bits)


def private_ipv4_networks(networks):
    """The networks of ``networks`` (strings, None ignored) that lie in private IPv4 space."""
    found = []
    for text in networks:
        if not text:
            continue
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as exc:
            raise ProfileError("%r is not an IPv4 network: %s" % (text, exc))
        if network.version == 4 and any(network.subnet_of(space) for space in _PRIVATE_IPV4):
            found.append(str(network))
    return found


def openvpn_network(text):
    """'192.0.2.0/26' -> '192.0.2.0 255.255.255.192', the form OpenVPN's route and iroute take."""
    try:
        network = ipaddress.IPv4Network(text, strict=True)
    except ValueError as exc:
        raise ProfileError("%r is not an IPv4 network: %s" % (text, exc))
    return "%s %s" % (network.network_address, network.netmask)
