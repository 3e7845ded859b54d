# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each RouterOS release can do, as far as evidence shows: the emulator's own table.

The emulator never reads the collection's release table (plugins/module_utils/_releases.py):
a test world built on the product's assumptions can only agree with them. Every row below
names its source. Where the evidence is silent the row says ``UNKNOWN`` and the answer is an
emulator option (``Router(..., assume={...})``, see ASSUMPTIONS), so tests can run both worlds.
Rows cite SOURCES by key.
"""

from __future__ import annotations

import re

SOURCES = {
    "dumps": "shared/routeros-schema/<release>.json (/console/inspect on a CHR, tikoci/restraml), 7.9 .. 7.24",
    "v6-manual-ovpn": "MikroTik wiki, Manual:Interface/OVPN (RouterOS v6): cipher aes128|aes192|aes256|blowfish128|"
                      "null, auth md5|sha1|null, TCP only",
    "v6-manual-certificates": "MikroTik wiki, Manual:System/Certificates (v6.0+): 'All certificate fingerprints are SHA1'",
    "v7-docs-certificates": "help.mikrotik.com/docs/display/ROS/Certificates: print example with 64 hex digit "
                            "(SHA-256) fingerprints",
    "v6-manual-file": "MikroTik wiki, Manual:System/File (v6): no 'add'; 'print file=NAME' writes NAME.txt",
    "v6-manual-packages": "MikroTik wiki, Manual:System/Packages (v6): IPv6 is the separate 'ipv6' package, "
                          "disabled by default on many v6 installs",
    "v7-docs-packages": "help.mikrotik.com/docs/display/ROS/Packages: v7 has IPv6 in the 'routeros' package "
                        "(the 7.x dumps' /system/package enable completion lists only 'routeros')",
    "v7-docs-6to4": "help.mikrotik.com/docs/display/ROS/6to4: keepalive Default: 0,0",
    "api-docs": "help.mikrotik.com/docs/display/ROS/API: '!empty' reply from RouterOS 7.18",
    "design-flags": "DESIGN.md section 4 Evidence: over the API a flag argument ignores its value "
                    "(blackhole=no sets blackhole; clear with =!blackhole=)",
    "export-7.5": "public export 'dec/21/2022 13:11:31 by RouterOS 7.5' with cipher=aes256 (github "
                  "LexxaPressF/2022_2023-network_programming-k34202-filianin_i_v lab2/router2.rsc)",
    "export-7.11.2": "public export 'by RouterOS 7.11.2' with cipher=aes256-cbc (github "
                     "Sbitnev/2023_2024-network_programming-k34202-sbitnev_a_s lab2/files/chr1.rsc)",
    "v7-routing": "help.mikrotik.com/docs/display/ROS/Policy+Routing: 7.x uses /routing/table; 6.x routing-mark "
                  "(no 7.x dump has routing-mark on /ip/route)",
    "iana-protocols": "IANA Assigned Internet Protocol Numbers (protocol-numbers.xhtml)",
    "librouteros-388": "librouteros pull request 388 (third party): /file add answers without =ret= before 7.13",
    "export-7.20.5-defconf": "public export 'by RouterOS 7.20.5' with 'defconf: fasttrack6' (factory.SOURCES)",
    "export-7.x-undated": "public 7.x export without a version line and without fasttrack6 (factory.SOURCES)",
    "pear2-issue-36": "github pear2/Net_RouterOS issue 36: 'failure: cannot change builtin' for the dummy "
                      "fasttrack counters rule",
}

# ------------------------------------------------------------------------------ versions
_VERSION_RE = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\s*(?:\(\w+\)|\w+\d*))?\s*$")


class UnsupportedRelease(ValueError):
    """A version string no RouterOS release the emulator can be has."""


def parse_version(text):
    """'7.16.2', '7.16.2 (stable)', '6.49.18' -> (major, minor, patch); anything else raises."""
    if isinstance(text, tuple):
        return text
    match = _VERSION_RE.match(str(text or ""))
    if not match:
        raise UnsupportedRelease("%r is not a RouterOS version such as 7.16.2" % (text,))
    return tuple(int(part) if part else 0 for part in match.groups()[:3])


def check_supported(text):
    """6.49.x and every 7.x (newer than any dump included); nothing else is a release we emulate.

    Nothing shows a RouterOS 8 or a 6.x after 6.49, and 5.x and older are another machine.
    """
    version = parse_version(text)
    if (version[0] == 6 and version[1] == 49) or version[0] == 7:
        return version
    raise UnsupportedRelease("RouterOS %s is not emulated: the emulator is RouterOS 6.49.x or 7.x" % (text,))


# ------------------------------------------------------------------------------ dumps
# Every /console/inspect dump shipped in schema/ (source: "dumps"), oldest first.
DUMPS = ("7.9", "7.9.2", "7.10.2", "7.11.3", "7.12.2", "7.13.5", "7.14.3", "7.15", "7.15.3", "7.16", "7.16.2",
         "7.17", "7.17.1", "7.18", "7.18.2", "7.19", "7.19.6", "7.20", "7.20.8", "7.21", "7.21.5", "7.22",
         "7.22.3", "7.23", "7.23.3", "7.24")
# The dumps whose `_completion` lists ovpn-client cipher/auth and mangle protocol values.
COMPLETION_DUMPS = ("7.21.5", "7.22.3")
# 6.49 has no dump: it validates against this tree minus/plus facts.ROS6_* (the differences
# were written against 7.10.2, the oldest tree the emulator shipped then).
ROS6_BASE_DUMP = "7.10.2"


def dump_for(text):
    """The dump a 7.x release validates against: its own, else the nearest older one.

    7.0 .. 7.8 use 7.9 (the oldest dump) with their FACTS rows applied (no /file add, cipher
    words, protocol=); releases newer than 7.24
    use 7.24. 6.49 uses ROS6_BASE_DUMP.
    """
    version = check_supported(text)
    if version[0] == 6:
        return ROS6_BASE_DUMP
    best = DUMPS[0]
    for name in DUMPS:
        if parse_version(name) <= version:
            best = name
    return best


# ------------------------------------------------------------------------------ facts
UNKNOWN = "unknown"

# Each row: feature -> list of (first, last, value, source). Ranges are inclusive, versions
# compare as (major, minor, patch); the first matching row wins. value is True, False or
# UNKNOWN (then ASSUMPTIONS[feature] decides).
_V6 = ((6, 0, 0), (6, 99, 99))
_ANY7 = ((7, 0, 0), (7, 999, 999))
FACTS = {
    # /file add name= contents=
    "file_add": [
        (_V6[0], _V6[1], False, "v6-manual-file"),
        ((7, 0, 0), (7, 8, 99), False, "dumps"),  # the oldest dump (7.9) is the first with it; issue 9
        ((7, 9, 0), _ANY7[1], True, "dumps"),
    ],
    # /file add answers with =ret=*ID (older 7.x: an empty !done)
    "file_add_returns_id": [
        ((7, 0, 0), (7, 12, 99), False, "librouteros-388"),
        ((7, 13, 0), _ANY7[1], True, "librouteros-388"),
    ],
    # ovpn-client cipher words: True = with mode (aes256-cbc ... aes256-gcm), False = without (aes256)
    "cipher_mode_words": [
        (_V6[0], _V6[1], False, "v6-manual-ovpn"),
        ((7, 0, 0), (7, 6, 99), False, "export-7.5"),  # 7.5 prints aes256; issue 9 reports 7.6 exports alike
        ((7, 7, 0), (7, 10, 99), UNKNOWN, "no export or dump with cipher values"),
        ((7, 11, 0), (7, 20, 99), True, "export-7.11.2"),
        ((7, 21, 0), _ANY7[1], True, "dumps"),  # 7.21.5 / 7.22.3 completions
    ],
    # ovpn-client auth sha256 / sha384 / sha512
    "auth_sha2": [
        (_V6[0], _V6[1], False, "v6-manual-ovpn"),
        ((7, 0, 0), (7, 20, 99), UNKNOWN, "first release with sha2 auth not shown by any source"),
        ((7, 21, 0), _ANY7[1], True, "dumps"),  # 7.21.5 / 7.22.3 completions
    ],
    # ovpn-client protocol= (udp)
    "ovpn_protocol": [
        (_V6[0], _V6[1], False, "v6-manual-ovpn"),
        ((7, 0, 0), (7, 8, 99), UNKNOWN, "only third-party pages (claims of 7.1 / 7.4)"),
        ((7, 9, 0), _ANY7[1], True, "dumps"),
    ],
    # /routing/table with fib (7.x) vs routing-mark on /ip/route (6.x)
    "routing_table": [
        (_V6[0], _V6[1], False, "v7-routing"),
        (_ANY7[0], _ANY7[1], True, "v7-routing"),
    ],
    # '!empty' reply to a print that finds nothing
    "api_empty_reply": [
        ((6, 0, 0), (7, 17, 99), False, "api-docs"),
        ((7, 18, 0), _ANY7[1], True, "api-docs"),
    ],
    # IPv6 and /interface/6to4 live in a separate 'ipv6' package that can be disabled
    "ipv6_separate_package": [
        (_V6[0], _V6[1], True, "v6-manual-packages"),
        (_ANY7[0], _ANY7[1], False, "v7-docs-packages"),
    ],
    # /file print file=NAME creates the file after the command returns
    "file_print_async": [
        (_V6[0], _V6[1], True, "issue 9 / v6-manual-file (asynchronous on 6.x)"),
        (_ANY7[0], _ANY7[1], False, "no evidence of delay on 7.x: modelled synchronous"),
    ],
}

FACTS.update({
    # fasttrack-connection hw-offload= on /ip/firewall/filter (the defconf fasttrack rule sets it)
    "filter_hw_offload": [
        (_V6[0], _V6[1], False, "no 6.x source shows hw-offload; the 6.x defconf rule has none (factory.SOURCES)"),
        ((7, 0, 0), (7, 8, 99), True, "dumps"),  # the oldest (7.9) has it; 7.0-7.8 assumed alike
        ((7, 9, 0), (7, 20, 99), True, "dumps"),  # 7.9 .. 7.20.8 trees
        ((7, 21, 0), _ANY7[1], False, "dumps"),  # gone from the 7.21 .. 7.24 trees
    ],
    # the 7.x defconf IPv6 filter has 'defconf: fasttrack6'
    "defconf_fasttrack6": [
        (_V6[0], _V6[1], False, "no 6.49 source for its defconf IPv6 rules: not modelled (factory.py)"),
        ((7, 0, 0), (7, 19, 99), UNKNOWN, "export-7.x-undated has none, export-7.20.5-defconf has it"),
        ((7, 20, 0), _ANY7[1], True, "export-7.20.5-defconf"),  # later releases assumed to keep it
    ],
})

# Facts derived from a dump's argument tree at run time (menus/arguments), listed here with
# their boundaries so the table can be read in one place; tests check them against the dumps.
DUMP_FACTS = {
    "/certificate import trusted=": ("7.15", "dumps"),
    "/certificate import no-key-export=": ("7.16", "dumps"),
    "/interface/ovpn-client print show-sensitive": ("7.21", "dumps"),
    "/file add": ("7.9", "dumps"),
    "/interface/ovpn-client protocol=": ("7.9", "dumps"),
}

# Defaults for what the evidence does not settle; Router(assume={...}) overrides them.
ASSUMPTIONS = {
    # 7.7 .. 7.10 cipher dialect: "mode" (aes256-cbc ...) or "legacy" (aes256 ...). 7.6 and 7.11
    # are equally near; "mode" picked so the default 7.9/7.10.2 routers agree with their successors.
    "cipher_words": "mode",
    # sha256/384/512 on 7.0 .. 7.20: None = follow the cipher dialect (with mode words: yes).
    "auth_sha2": None,
    # protocol= on ovpn-client 7.0 .. 7.8: third-party pages claim it from 7.1 / 7.4.
    "ovpn_protocol": True,
    # 7.21+ print without show-sensitive: "omit" the password, "mask" it, or "show" it. The API
    # behaviour is undocumented; "omit" is the harshest for a module that compares passwords.
    "print_sensitive": "omit",
    # 6.x /file print file=NAME: seconds until the file exists, and the name it gets
    # ("txt": NAME.txt as the v6 manual says; "bare": NAME, as some API users report).
    "file_print_delay": 0.7,
    "file_print_name": "txt",
    # 6.x: the 'ipv6' package enabled? (False: no /ipv6/* nor /interface/6to4 menus)
    "ipv6_package": True,
    # /interface/6to4 keepalive as print shows it when never set. 7.x docs: 0,0 ("v7-docs-6to4");
    # no 6.x source found: the same value is assumed.
    "sixtofour_keepalive": "0,0",
    # defconf 'fasttrack6' rule on 7.0 .. 7.19 (evidence "defconf_fasttrack6"): an undated older 7.x
    # export lacks it, so False is picked.
    "defconf_fasttrack6": False,
    # When /ip/firewall/filter shows the dynamic "special dummy rule to show fasttrack counters":
    # "enabled" (an enabled fasttrack-connection rule exists: the case every source shows), "any"
    # (a disabled one is enough) or "never". No source shows a router with only a disabled one.
    "fasttrack_counter_rule": "enabled",
}


def assumptions(overrides=None):
    """ASSUMPTIONS with ``overrides`` applied; unknown keys are refused (a typo is not a world)."""
    values = dict(ASSUMPTIONS)
    for key, value in (overrides or {}).items():
        if key not in ASSUMPTIONS:
            raise KeyError("unknown emulator assumption %r (known: %s)" % (key, ", ".join(sorted(ASSUMPTIONS))))
        values[key] = value
    if values["cipher_words"] not in ("mode", "legacy"):
        raise ValueError("cipher_words must be 'mode' or 'legacy'")
    if values["print_sensitive"] not in ("omit", "mask", "show"):
        raise ValueError("print_sensitive must be 'omit', 'mask' or 'show'")
    if values["fasttrack_counter_rule"] not in ("enabled", "any", "never"):
        raise ValueError("fasttrack_counter_rule must be 'enabled', 'any' or 'never'")
    if values["file_print_name"] not in ("txt", "bare"):
        raise ValueError("file_print_name must be 'txt' or 'bare'")
    return values


def fact(text, feature):
    """(value, source) of the row covering release ``text`` (value may be UNKNOWN)."""
    version = parse_version(text)
    for first, last, value, source in FACTS[feature]:
        if first <= version <= last:
            return value, source
    raise UnsupportedRelease("no %s row covers RouterOS %s" % (feature, text))


def has(text, feature, assume=None):
    """True when release ``text`` has ``feature``, settling UNKNOWN rows with ``assume``."""
    value, _source = fact(text, feature)
    if value != UNKNOWN:
        return value
    values = assumptions(assume)
    if feature == "cipher_mode_words":
        return values["cipher_words"] == "mode"
    if feature == "auth_sha2":
        if values["auth_sha2"] is None:
            return has(text, "cipher_mode_words", assume)
        return bool(values["auth_sha2"])
    if feature == "ovpn_protocol":
        return bool(values["ovpn_protocol"])
    if feature == "defconf_fasttrack6":
        return bool(values["defconf_fasttrack6"])
    raise KeyError("no assumption settles %s" % feature)


_STRENGTHS = ("aes128", "aes192", "aes256")


def ovpn_ciphers(text, assume=None):
    """ovpn-client cipher words of a release (sources: see cipher_mode_words)."""
    if has(text, "cipher_mode_words", assume):
        words = ["%s-%s" % (s, m) for s in _STRENGTHS for m in ("cbc", "gcm")]
    else:
        words = list(_STRENGTHS)
    return words + ["blowfish128", "null"]


def ovpn_auths(text, assume=None):
    """ovpn-client auth words (v6 manual: md5 sha1 null; sha2 per auth_sha2)."""
    words = ["md5", "sha1", "null"]
    if has(text, "auth_sha2", assume):
        words += ["sha256", "sha384", "sha512"]
    return words


def fingerprint_hash(text):
    """'sha1' on 6.x (v6-manual-certificates), 'sha256' on 7.x (v7-docs-certificates)."""
    return "sha1" if parse_version(text)[0] == 6 else "sha256"


# ------------------------------------------------------------------------------ protocols
# IP protocol names as the dumps' `_completion` of /ip/firewall/mangle protocol lists them
# (7.21.5, 7.22.3: 'ipencap', no 'ip-encap', no 'idrp'), with IANA numbers ("iana-protocols").
PROTOCOL_NUMBERS = {
    "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5, "tcp": 6, "egp": 8, "pup": 12, "udp": 17,
    "hmp": 20, "xns-idp": 22, "rdp": 27, "iso-tp4": 29, "dccp": 33, "xtp": 36, "ddp": 37, "idpr-cmtp": 38,
    "ipv6-encap": 41, "ipv6-route": 43, "ipv6-frag": 44, "rsvp": 46, "gre": 47, "ipsec-esp": 50,
    "ipsec-ah": 51, "icmpv6": 58, "ipv6-nonxt": 59, "ipv6-opts": 60, "rspf": 73, "vmtp": 81, "ospf": 89,
    "ipip": 94, "etherip": 97, "encap": 98, "pim": 103, "vrrp": 112, "l2tp": 115, "sctp": 132,
    "udp-lite": 136,
}

# ------------------------------------------------------------------------------ tests
# The releases the emulator's own tests (and, once the lead switches tests/integration/conftest.py,
# every integration test) run against: 6.49, a 7.x before 7.9 without /file add and with the old
# cipher words (7.6: issue 9's exports), and releases with their own dumps up to the newest.
TEST_RELEASES = ("6.49.18", "7.6", "7.12.2", "7.16", "7.20.8", "7.24")
