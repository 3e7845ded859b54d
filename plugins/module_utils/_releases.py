# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each RouterOS release can do, in one table.

The modules read it to speak a release's dialect; the lab's RouterOS emulator reads the
same table to refuse what that release refuses. Rows marked ``certain=False`` come from
forum posts and third-party code rather than from a router: correct them here, once.
"""

from __future__ import annotations

import re

_VERSION_RE = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?")


class UnknownReleaseError(ValueError):
    """A version string that is not a RouterOS release this collection knows how to speak to."""


def parse_version(text):
    """'7.16.2 (stable)' -> (7, 16, 2); raise UnknownReleaseError for anything else."""
    match = _VERSION_RE.match(str(text or ""))
    if not match:
        raise UnknownReleaseError("RouterOS version %r is not a version number such as '7.16.2'" % (text,))
    major, minor, patch = (int(part) if part else 0 for part in match.groups())
    return (major, minor, patch)


# Each feature: (first release that has it, last release that has it or None, certain?).
# Versions are (major, minor, patch) tuples and compare as such.
FEATURES = {
    # /routing/table with fib; 6.x marks routes with routing-mark instead.
    "routing_table": ((7, 0, 0), None, True),
    # routing-mark argument on /ip/route (gone in every 7.x schema we hold).
    "route_routing_mark": ((6, 0, 0), (6, 99, 99), True),
    # UDP transport on ovpn-client ("protocol" argument): the 7.10.2 /console/inspect tree
    # (shared/routeros-schema) already has "protocol", so it predates 7.15; first release unknown.
    "ovpn_udp": ((7, 0, 0), None, False),
    # cipher names aes128 / aes192 / aes256 (without mode).
    "ovpn_cipher_legacy_names": ((6, 0, 0), (7, 7, 99), False),
    # cipher names aes128-cbc ... aes256-gcm.
    "ovpn_cipher_mode_names": ((7, 0, 0), None, False),
    # auth sha256 / sha384 / sha512.
    "ovpn_auth_sha2": ((7, 8, 0), None, False),
    # verify-server-certificate on ovpn-client.
    "ovpn_verify_server_certificate": ((7, 0, 0), None, False),
    # tls-version on ovpn-client.
    "ovpn_tls_version": ((7, 0, 0), None, False),
    # '!empty' reply to a print that finds nothing.
    "api_empty_reply": ((7, 18, 0), None, True),
    # /file add name= contents=.
    "file_add_contents": ((7, 0, 0), None, False),
    # /file add answers with =ret=<id> (older 7.x answer an empty !done; librouteros PR 388).
    "file_add_returns_id": ((7, 13, 0), None, False),
    # trusted= and no-key-export= on /certificate import.
    "certificate_import_trusted": ((7, 16, 0), None, True),
}

# The releases the lab's emulator can be and the tests run against.
LAB_RELEASES = ("6.49.18", "7.10.2", "7.16", "7.22.3")


def has_feature(version, feature):
    """True when the release ``version`` (string or tuple) has ``feature``."""
    if isinstance(version, str):
        version = parse_version(version)
    first, last, _certain = FEATURES[feature]
    return version >= first and (last is None or version <= last)


def check_supported(version):
    """Refuse releases outside 6.49 .. 7.x with a message naming the value."""
    parsed = parse_version(version) if isinstance(version, str) else version
    if parsed[0] == 6 and parsed[1] >= 49 or parsed[0] == 7:
        return parsed
    raise UnknownReleaseError(
        "RouterOS %s is not supported: this collection speaks RouterOS 6.49 (long-term) and 7.x" % (version,)
    )


# The newest release whose words the table above has been checked against; anything newer
# is refused rather than guessed at (a new release may rename what we set).
NEWEST_KNOWN = (7, 22)


def check_known(version):
    """check_supported, and refuse releases newer than NEWEST_KNOWN."""
    parsed = check_supported(version)
    if parsed[:2] > NEWEST_KNOWN:
        raise UnknownReleaseError(
            "RouterOS %s is newer than any release this collection knows (up to %d.%d): "
            "refusing to guess its dialect" % (version if isinstance(version, str) else ".".join(map(str, parsed)),
                                               NEWEST_KNOWN[0], NEWEST_KNOWN[1])
        )
    return parsed


_CIPHER_STRENGTHS = ("aes128", "aes192", "aes256")


def ovpn_ciphers(version):
    """The cipher names ovpn-client accepts on ``version``, weakest first (blowfish and null aside)."""
    names = ["blowfish128", "null"]
    if has_feature(version, "ovpn_cipher_legacy_names"):
        names.extend(_CIPHER_STRENGTHS)
    if has_feature(version, "ovpn_cipher_mode_names"):
        names.extend("%s-%s" % (strength, mode) for mode in ("cbc", "gcm") for strength in _CIPHER_STRENGTHS)
    return names


def ovpn_auths(version):
    """The auth (digest) names ovpn-client accepts on ``version``."""
    names = ["md5", "sha1", "null"]
    if has_feature(version, "ovpn_auth_sha2"):
        names.extend(["sha256", "sha384", "sha512"])
    return names


def ovpn_cipher_word(version, strength, mode):
    """The ovpn-client cipher word for AES of ``strength`` bits in ``mode`` (cbc/gcm) on ``version``.

    Returns None when the release has no such cipher (GCM before the mode names existed).
    """
    base = "aes%d" % int(strength)
    candidates = ["%s-%s" % (base, mode)]
    if mode == "cbc":
        # The old names (without mode) are CBC; prefer them where the new ones do not exist yet.
        candidates.insert(0 if not has_feature(version, "ovpn_cipher_mode_names") else 1, base)
    available = ovpn_ciphers(version)
    for candidate in candidates:
        if candidate in available:
            return candidate
    return None


def ovpn_cipher_needs_null_auth(cipher_word):
    """GCM carries its own authentication: RouterOS wants auth=null with it."""
    return cipher_word.endswith("-gcm")
