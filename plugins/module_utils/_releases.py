# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each RouterOS release can do, in one table, every row with its source.

A feature is known present, known absent, or unknown for a release. The modules use only
what is known present by default; where a release is unknown for a feature they act in a way
that works either way (or try one word and fall back to the other) and say which they met.

Sources named below:
- "dump X": the ``/console/inspect`` argument tree of release X (tikoci/restraml, public
  domain), releases 7.9 ... 7.24 (the first and last of every 7.x minor line).
- "v6 manual": MikroTik's RouterOS 6 manual pages (wiki.mikrotik.com Manual:Interface/OVPN,
  Manual:IP/Route, Manual:System/Packages).
- "export X": a public ``/export`` whose header names release X.
"""

from __future__ import annotations

import re
from collections import namedtuple

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


def _as_version(version):
    return parse_version(version) if isinstance(version, str) else tuple(version)


# The feature is known present from ``present`` through ``present_through`` (None: up to the newest
# release), known absent up to ``absent_through`` and from ``absent_from`` on; unknown in between.
Feature = namedtuple("Feature", "present present_through absent_through absent_from source")

_V6_LAST = (6, 99, 99)

FEATURES = {
    "routing_table": Feature(
        (7, 0, 0), None, _V6_LAST, None,
        "/routing/table in dumps 7.9-7.24; RouterOS 7 docs (Policy Routing): tables are made with fib; v6 manual "
        "(IP/Route) marks routes with routing-mark instead"),
    "route_routing_mark": Feature(
        (6, 0, 0), _V6_LAST, None, (7, 0, 0),
        "v6 manual (IP/Route) routing-mark; RouterOS 7 docs (Policy Routing) route by routing-table; absent "
        "from /ip/route add in every dump 7.9-7.24"),
    "ovpn_udp": Feature(
        (7, 9, 0), None, _V6_LAST, None,
        "ovpn-client add 'protocol' in dumps 7.9-7.24; v6 manual (Interface/OVPN): TCP only. 7.0-7.8 unknown "
        "(third-party pages say 7.1 or 7.4)"),
    # The cipher words without a mode: aes128/aes192/aes256 (CBC).
    "ovpn_cipher_plain_words": Feature(
        (6, 0, 0), (7, 5, 99), None, (7, 11, 0),
        "v6 manual (Interface/OVPN cipher: aes128, aes192, aes256, blowfish128, null); export 7.5 prints "
        "cipher=aes256 (github LexxaPressF/2022_2023-network_programming-k34202-filianin_i_v lab2/router2.rsc); "
        "export 7.11.2 prints cipher=aes256-cbc (github Sbitnev/2023_2024-network_programming-k34202-sbitnev_a_s "
        "lab2/files/chr1.rsc); cipher completion of dumps 7.21.5 and 7.22.3 has no plain word. 7.6-7.10 unknown"),
    # The cipher words with a mode: aes128-cbc ... aes256-cbc.
    "ovpn_cipher_mode_words": Feature(
        (7, 11, 0), None, _V6_LAST, None,
        "export 7.11.2 prints cipher=aes256-cbc; cipher completion of dumps 7.21.5 and 7.22.3; v6 manual lists "
        "no mode words. 7.0-7.10 unknown (export 7.5 still prints the plain word)"),
    "ovpn_cipher_gcm": Feature(
        (7, 21, 0), None, _V6_LAST, None,
        "aes128-gcm/aes192-gcm/aes256-gcm in the cipher completion of dumps 7.21.5 and 7.22.3 (the earliest "
        "dumps with completions); not in the v6 manual. 7.0-7.20 unknown"),
    "ovpn_auth_sha2": Feature(
        (7, 21, 0), None, _V6_LAST, None,
        "sha256/sha384/sha512 in the auth completion of dumps 7.21.5 and 7.22.3; v6 manual: md5, sha1, null. "
        "7.0-7.20 unknown"),
    "ovpn_verify_server_certificate": Feature(
        (7, 9, 0), None, _V6_LAST, None,
        "ovpn-client add 'verify-server-certificate' in dumps 7.9-7.24; not in the v6 manual. 7.0-7.8 unknown"),
    "ovpn_tls_version": Feature(
        (7, 9, 0), None, _V6_LAST, None,
        "ovpn-client add 'tls-version' in dumps 7.9-7.24; not in the v6 manual. 7.0-7.8 unknown"),
    "ovpn_print_show_sensitive": Feature(
        (7, 21, 0), None, (7, 20, 99), None,
        "ovpn-client print 'show-sensitive' in dumps 7.21-7.24, absent in dumps 7.9-7.20.8"),
    "api_empty_reply": Feature(
        (7, 18, 0), None, (7, 17, 99), None,
        "MikroTik docs (API, help.mikrotik.com/docs/display/ROS/API): a print that finds nothing answers "
        "!empty from RouterOS 7.18"),
    "file_add": Feature(
        (7, 9, 0), None, _V6_LAST, None,
        "/file add in dumps 7.9-7.24; v6 manual (System/File) has no add. 7.0-7.8 unknown: the upload then "
        "uses /file print file= and /file set contents=, which every release has"),
    "certificate_import_trusted": Feature(
        (7, 15, 0), None, (7, 14, 99), None,
        "/certificate import 'trusted' in dumps 7.15-7.24, absent in dumps 7.9-7.14.3"),
    "certificate_import_no_key_export": Feature(
        (7, 16, 0), None, (7, 15, 99), None,
        "/certificate import 'no-key-export' in dumps 7.16-7.24, absent in dumps 7.9-7.15.3"),
    # IPv6 (and 6to4) in a package of its own that can be disabled.
    "ipv6_package": Feature(
        (6, 0, 0), _V6_LAST, None, (7, 0, 0),
        "v6 manual (System/Packages): the ipv6 package; RouterOS 7 docs (Packages): IPv6 is part of the "
        "routeros package"),
}

# The releases the dumps cover: 7.9 ... 7.24. Newer releases are spoken to as the newest known one,
# with a warning (a new release may rename what we set).
NEWEST_KNOWN = (7, 24)
NEWEST_KNOWN_SOURCE = "dump 7.24 (the newest /console/inspect tree held)"


def feature_state(version, feature):
    """'yes', 'no' or 'unknown': what the evidence says of ``feature`` on release ``version``."""
    version = _as_version(version)
    row = FEATURES[feature]
    if row.absent_from is not None and version >= row.absent_from:
        return "no"
    if version >= row.present and (row.present_through is None or version <= row.present_through):
        return "yes"
    if row.absent_through is not None and version <= row.absent_through:
        return "no"
    return "unknown"


def has_feature(version, feature):
    """True when ``feature`` is known to exist on release ``version`` (string or tuple)."""
    return feature_state(version, feature) == "yes"


def check_supported(version):
    """Refuse releases outside 6.49 .. 7.x with a message naming the value."""
    parsed = _as_version(version)
    if parsed[0] == 6 and parsed[1] >= 49 or parsed[0] == 7:
        return parsed
    raise UnknownReleaseError(
        "RouterOS %s is not supported: this collection speaks RouterOS 6.49 (long-term) and 7.x" % (version,)
    )


def newer_than_known(version):
    """True for a 7.x release past the newest one whose dialect the table was checked against."""
    return _as_version(version)[:2] > NEWEST_KNOWN


def newer_release_warning(version):
    parsed = _as_version(version)
    return ("RouterOS %s is newer than any release this collection was checked against (up to %d.%d, %s): "
            "speaking the %d.%d dialect; set refuse_newer_release to refuse such routers instead"
            % (".".join(map(str, parsed)), NEWEST_KNOWN[0], NEWEST_KNOWN[1], NEWEST_KNOWN_SOURCE,
               NEWEST_KNOWN[0], NEWEST_KNOWN[1]))


def check_known(version, refuse_newer=False):
    """check_supported; with ``refuse_newer``, also refuse releases newer than NEWEST_KNOWN."""
    parsed = check_supported(version)
    if refuse_newer and newer_than_known(parsed):
        raise UnknownReleaseError(
            "RouterOS %s is newer than any release this collection was checked against (up to %d.%d) and "
            "refuse_newer_release is set" % (".".join(map(str, parsed)), NEWEST_KNOWN[0], NEWEST_KNOWN[1]))
    return parsed


_AES_BITS = (128, 192, 256)


def ovpn_cipher_candidates(version, strength, mode):
    """The ovpn-client words for AES-``strength`` in ``mode`` (cbc/gcm) on ``version``, to try in order.

    Empty when the release is known not to have it. Where the evidence leaves the dialect open
    (7.6-7.10), both words are returned, the one of the newer dialect first.
    """
    strength, mode = int(strength), str(mode).lower()
    plain, moded = "aes%d" % strength, "aes%d-%s" % (strength, mode)
    if mode == "gcm":
        return [moded] if feature_state(version, "ovpn_cipher_gcm") != "no" else []
    states = ((feature_state(version, "ovpn_cipher_mode_words"), moded),
              (feature_state(version, "ovpn_cipher_plain_words"), plain))
    known = [word for state, word in states if state == "yes"]
    # A word known to work is the only one needed; else try both, the newer dialect first.
    return known[:1] or [word for state, word in states if state == "unknown"]


def ovpn_ciphers(version):
    """The cipher words ovpn-client is known to offer on ``version`` (weakest first after blowfish and null).

    AES-CBC exists on every release, in one dialect or the other; where the evidence leaves the
    dialect open (7.6-7.10) the newer words stand for it (the module falls back to the older ones).
    """
    words = ["blowfish128", "null"]
    if has_feature(version, "ovpn_cipher_plain_words"):
        words.extend("aes%d" % bits for bits in _AES_BITS)
    else:
        words.extend("aes%d-cbc" % bits for bits in _AES_BITS)
    if has_feature(version, "ovpn_cipher_gcm"):
        words.extend("aes%d-gcm" % bits for bits in _AES_BITS)
    return words


def ovpn_auths(version):
    """The auth (digest) words ovpn-client is known to accept on ``version``."""
    words = ["md5", "sha1", "null"]
    if has_feature(version, "ovpn_auth_sha2"):
        words.extend(["sha256", "sha384", "sha512"])
    return words


def ovpn_cipher_word(version, strength, mode):
    """The first word to try for AES of ``strength`` bits in ``mode`` on ``version``; None when it has none."""
    candidates = ovpn_cipher_candidates(version, strength, mode)
    return candidates[0] if candidates else None


def same_cipher(word_a, word_b):
    """aes256 and aes256-cbc name the same cipher in two dialects."""
    def canonical(word):
        word = str(word or "").lower()
        return word + "-cbc" if re.match(r"^aes\d+$", word) else word
    return canonical(word_a) == canonical(word_b)


def ovpn_cipher_needs_null_auth(cipher_word):
    """GCM carries its own authentication: RouterOS wants auth=null with it."""
    return cipher_word.endswith("-gcm")
