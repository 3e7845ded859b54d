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
    parse_version,
)

# When a router's release is known neither from the router (playbooks/routeros_releases.yml reads it)
# nor from the inventory, assume the oldest release we support: its cipher also works on every
# newer release, so the hub accepts it.
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


def router_data_channel(name, version=None, cipher=None, auth=None, prefer=None):
    """The data channel router ``name`` uses.

    ``version`` is its RouterOS release (None: not known yet), ``cipher``/``auth`` optional
    RouterOS names chosen by the user. ``prefer`` is the OpenVPN cipher its hub instance agreed
    on (see :func:`fleet_cipher`): used when the user chose no cipher and the release has it.
    Returns RouterOS and OpenVPN names of both.
    """
    release = version or ASSUMED_RELEASE
    try:
        check_supported(release)
    except UnknownReleaseError as exc:
        raise ProfileError("router %s: %s" % (name, exc))
    offered = ovpn_ciphers(release)
    if cipher is None:
        choices = [choice for choice in _PREFERRED_CIPHERS if choice in offered]
        if not choices:
            raise ProfileError("router %s: RouterOS %s offers no AES cipher this collection knows (%s); "
                               "set ovpn6_ovpn_cipher" % (name, release, ", ".join(offered)))
        agreed = [choice for choice in choices if _OPENVPN_CIPHERS[choice] == prefer]
        cipher = (agreed or choices)[0]
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


def router_release(name, declared=None, seen=None, read_error=None):
    """The release to plan router ``name`` with, where it came from, and warnings naming it.

    ``seen`` is what the router reported (playbooks/routeros_releases.yml, module routeros_release),
    ``declared`` the inventory's ``ovpn6_routeros_version``, ``read_error`` why the router could
    not be read. The router's own word wins: the inventory may be stale after an upgrade.
    """
    warnings = []
    if seen:
        if declared and _same_release(declared, seen) is False:
            warnings.append("router %s runs RouterOS %s but the inventory declares ovpn6_routeros_version %s: "
                            "using %s, the release the router reported" % (name, seen, declared, seen))
        return seen, "router", warnings
    if read_error:
        fallback = ("the declared RouterOS %s" % declared if declared
                    else "the safe choice for RouterOS %s (assumed), which may lower the whole fleet's cipher; "
                         "declare ovpn6_routeros_version to avoid that" % ASSUMED_RELEASE)
        warnings.append("router %s could not be read (%s): planning its data channel with %s"
                        % (name, read_error, fallback))
    if declared:
        return declared, "inventory", warnings
    return None, "assumed", warnings


def _same_release(one, other):
    """True/False when both parse; None when either does not (router_data_channel reports that)."""
    try:
        return parse_version(one) == parse_version(other)
    except UnknownReleaseError:
        return None


def fleet_cipher(releases):
    """The strongest default cipher (OpenVPN name) that every release of ``releases`` offers.

    A hub instance serves all its routers with one cipher when it can, because RouterOS does not
    negotiate (see hub_profile): then the hub's data-ciphers-fallback fits every router. None
    when no default cipher is common to all of them (each router then uses its strongest).
    """
    common = None
    for release in releases:
        offered = set(ovpn_ciphers(release or ASSUMED_RELEASE))
        names = [_OPENVPN_CIPHERS[choice] for choice in _PREFERRED_CIPHERS if choice in offered]
        common = names if common is None else [name for name in common if name in names]
    return common[0] if common else None


def hub_profile(routers):
    """The hub's data-channel settings for ``routers``.

    ``routers`` maps name -> {version (declared), seen (reported by the router), read_error,
    cipher, auth}. Routers that leave the cipher to us all get the strongest cipher every one of
    them has (fleet_cipher); every router's cipher is in ``data_ciphers`` (strongest first); CBC
    routers must share one digest because the hub has one ``auth``; the legacy OpenSSL provider is
    asked for only when a router really uses Blowfish. ``warnings`` name routers and values.
    """
    warnings = []
    releases = {}
    for name in sorted(routers):
        settings = routers[name] or {}
        release, source, found = router_release(name, settings.get("version"), settings.get("seen"),
                                                settings.get("read_error"))
        try:
            if release:
                check_supported(release)
        except UnknownReleaseError as exc:
            raise ProfileError("router %s: %s" % (name, exc))
        releases[name] = (release, source)
        warnings.extend(found)
    agreed = fleet_cipher(release for name, (release, _source) in releases.items()
                          if not (routers[name] or {}).get("cipher"))
    channels = {}
    for name, (release, source) in releases.items():
        settings = routers[name] or {}
        channel = router_data_channel(name, release, settings.get("cipher"), settings.get("auth"), prefer=agreed)
        channel["release_source"] = source
        channels[name] = channel
    ciphers = ["AES-256-GCM"]
    for channel in sorted(channels.values(), key=lambda item: _strength(item["openvpn_cipher"]), reverse=True):
        if channel["openvpn_cipher"] not in ciphers:
            ciphers.append(channel["openvpn_cipher"])
    digests = sorted(set(channel["openvpn_auth"] for channel in channels.values() if channel["openvpn_auth"]))
    if len(digests) > 1:
        users = ", ".join("%s=%s" % (name, channel["routeros_auth"]) for name, channel in sorted(channels.items())
                          if channel["openvpn_auth"])
        raise ProfileError("routers using CBC ciphers must share one digest (the hub has one 'auth'), got %s" % users)
    fallback = _fallback(channels, agreed)
    strays = sorted(name for name, channel in channels.items() if channel["openvpn_cipher"] != fallback)
    if strays:
        warnings.append(
            "routers %s use a cipher other than the hub's data-ciphers-fallback %s (%s): OpenVPN accepts them only "
            "if RouterOS names its cipher in the options string it sends, which no RouterOS documentation states; "
            "give every router of the hub the same ovpn6_ovpn_cipher to be safe"
            % (", ".join(strays), fallback,
               ", ".join("%s=%s" % (name, channels[name]["routeros_cipher"]) for name in strays)))
    return {
        "data_ciphers": ciphers,
        "data_ciphers_fallback": fallback,
        "auth": digests[0] if digests else "SHA256",
        "legacy_provider": "BF-CBC" in ciphers,
        "routers": channels,
        "warnings": warnings,
    }


# Why the hub always sets data-ciphers-fallback, to the one cipher its routers share.
#
# RouterOS's ovpn-client does not negotiate: no MikroTik documentation mentions IV_CIPHERS or
# IV_NCP, and a router speaks exactly the cipher set on its ovpn-client. What an OpenVPN 2.6
# server does with a client that announces no cipher list (OpenVPN's
# doc/man-sections/cipher-negotiation.rst, "OpenVPN 2.3 and older clients", and
# src/openvpn/multi.c / ssl_ncp.c of the 2.6 branch):
#   - it takes the first cipher of its data-ciphers that equals the "cipher" the client names in
#     its OCC options string ("poor man's NCP"); a named cipher that is not in data-ciphers is
#     refused, whatever data-ciphers-fallback says;
#   - only when the client names no cipher at all (an options string without "cipher", as
#     OpenVPN's own --enable-small builds send) does it use data-ciphers-fallback; without one it
#     refuses with "Data channel cipher negotiation failed (no shared cipher)".
# Whether RouterOS puts "cipher" in its options string is not documented anywhere we found. So
# the fallback must be the cipher the routers really use: with every router on one cipher (what
# fleet_cipher gives) the hub accepts them either way, AES-256-GCM included, which the old rule
# (fallback only for CBC) left out. tests/integration/openvpn_server/test_openvpn_server_interop.py
# proves both cases with the real openvpn 2.6.
def _fallback(channels, agreed):
    """The cipher most routers use (the agreed one on a tie; then the strongest)."""
    if not channels:
        return None
    counts = {}
    for channel in channels.values():
        counts[channel["openvpn_cipher"]] = counts.get(channel["openvpn_cipher"], 0) + 1
    return max(counts, key=lambda cipher: (counts[cipher], cipher == agreed, _strength(cipher)))


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
