# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every fact about RouterOS the emulator relies on, in tables that are easy to correct.

Which release has what lives in evidence.py (the emulator's own, cited table); nothing here or
there is imported from the collection's plugins.
"""

from __future__ import annotations

import gzip
import json
import os
from functools import lru_cache
from pathlib import Path

from . import evidence

_HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# Error words. `certain` marks wording seen in public RouterOS output (issue trackers, client
# libraries' tests); the others are our best reading and are the first place to correct.
# ---------------------------------------------------------------------------------------------
ERRORS = {
    # key: (message template, category or None, certain)
    "login_failed": ("invalid user name or password (6)", None, True),
    "not_logged_in": ("not logged in", None, False),
    "no_such_command_prefix": ("no such command prefix", 0, True),
    "no_such_command": ("no such command", 0, True),
    "unknown_parameter": ("unknown parameter", 0, True),
    "no_such_item": ("no such item", 0, True),
    "invalid_item_number": ("invalid internal item number", 0, False),
    "no_match": ("input does not match any value of {arg}", 1, True),
    "invalid_value": ("invalid value for argument {arg}", 1, False),
    "out_of_range": ("value of {arg} out of range ({low}..{high})", 1, False),
    "missing_value": ("missing value(s) of argument(s) {arg}", 1, False),
    "already_have_entry": ("failure: already have such entry", None, True),
    "already_have_interface": ("failure: already have interface with such name", None, True),
    "already_have_address": ("failure: already have such address", None, False),
    "already_have_certificate": ("failure: already have certificate with such name", None, False),
    "cannot_remove_builtin": ("failure: can not remove builtin entry", None, False),
    "cannot_remove_dynamic": ("failure: can not remove dynamic entry", None, False),
    "cannot_change_dynamic": ("failure: can not change dynamic", None, False),
    # pear2/Net_RouterOS issue 36: disabling the dummy fasttrack counters rule over the API.
    "cannot_change_builtin": ("failure: cannot change builtin", None, True),
    # Moving a rule above / placing it before that dynamic rule: refused (nasnet-community/nasnet-panel
    # PR 509, 'RouterOS rejects' destination=0 with dynamic rules on top); the words are not quoted there.
    "move_before_builtin": ("failure: cannot change builtin", None, False),
    "already_bridge_port": ("failure: device already added as bridge port", None, False),
    "file_not_found": ("failure: file not found", None, False),
    "wrong_passphrase": ("failure: unable to decrypt, wrong passphrase?", None, False),
    "cert_parse": ("failure: not a valid certificate or key file", None, False),
    "interrupted": ("interrupted", 2, True),
    "quit": ("session terminated on request", None, True),
    "gcm_needs_null_auth": ("failure: gcm ciphers require auth=null", None, False),
    # /import of a script that fails: "Script Error: syntax error (line 4 column 10)" (script.SOURCES
    # "issue-blacklist-5", RouterOS 7.19.6 console); the API's words for it are not seen: assumed the same.
    "script_error": ("Script Error: {detail}", None, False),
    # A user whose group lacks the policy a command needs (MikroTik manual "User"); words not seen.
    "not_enough_permissions": ("not enough permissions (9)", None, False),
    # A login of a user whose group has no 'api' policy (tik4net wiki, "API connection": the router
    # refuses the login with "std failure: not allowed (9)"; the API's message word assumed the same).
    "login_not_allowed": ("not allowed (9)", None, False),
}


class RouterError(Exception):
    """A refusal the emulator reports as ``!trap`` with RouterOS's own words."""

    def __init__(self, key, **values):
        template, category, _certain = ERRORS[key]
        self.key = key
        self.message = template.format(**values)
        self.category = category
        super().__init__(self.message)


# ---------------------------------------------------------------------------------------------
# Argument trees: 7.x from /console/inspect data (schema/<release>.json.gz, a copy of
# shared/routeros-schema); 6.49 is the oldest 7.x tree with the explicit differences below.
# ---------------------------------------------------------------------------------------------
SCHEMA_DIR = Path(os.environ.get("ROUTEROS_EMU_SCHEMA_DIR", str(_HERE / "schema")))
SCHEMA_RELEASES = evidence.DUMPS


@lru_cache(maxsize=None)
def load_schema(name):
    plain = SCHEMA_DIR / ("%s.json" % name)
    if plain.exists():
        return json.loads(plain.read_text())
    with gzip.open(SCHEMA_DIR / ("%s.json.gz" % name), "rt") as handle:
        return json.load(handle)


def schema_release_for(version):
    """The schema a release validates against: its own, else the nearest older one (evidence.dump_for)."""
    return evidence.dump_for(version)


# RouterOS 6.49 compared with the 7.10.2 tree (evidence.ROS6_BASE_DUMP; v6 manuals): (menu, command) -> args removed / added.
# A menu mapped to None does not exist on 6.49; a command mapped to None does not exist.
ROS6_MENUS_ABSENT = {"/routing/table"}
ROS6_COMMANDS_ABSENT = {("/file", "add")}
ROS6_ARGS_REMOVED = {
    ("/ip/route", "add"): {"routing-table", "suppress-hw-offload", "vrf-interface"},
    ("/ip/route", "set"): {"routing-table", "suppress-hw-offload", "vrf-interface"},
    ("/ipv6/route", "add"): {"routing-table", "suppress-hw-offload", "vrf-interface"},
    ("/ipv6/route", "set"): {"routing-table", "suppress-hw-offload", "vrf-interface"},
    ("/interface/ovpn-client", "add"): {"protocol", "tls-version", "verify-server-certificate"},
    ("/interface/ovpn-client", "set"): {"protocol", "tls-version", "verify-server-certificate"},
    ("/certificate", "import"): {"trusted", "no-key-export", "trust-store"},
    # evidence "filter_hw_offload": no 6.x source shows fasttrack hw-offload=.
    ("/ip/firewall/filter", "add"): {"hw-offload"},
    ("/ip/firewall/filter", "set"): {"hw-offload"},
}
ROS6_ARGS_ADDED = {
    ("/ip/route", "add"): {"routing-mark"},
    ("/ip/route", "set"): {"routing-mark"},
    ("/ipv6/route", "add"): set(),
}

# Args whose completion list (7.22.3 style "none"/"arg" entries) is only a suggestion, not the
# full set of accepted values: numbers, names the user makes up, or object references.
OPEN_COMPLETION_ARGS = {
    "mtu", "dscp", "chain", "jump-target", "new-packet-mark", "new-connection-mark", "new-dscp",
    "new-mss", "new-priority", "new-ttl", "ttl", "key-size", "max-learned-entries", "arp-timeout",
    "mlag-heartbeat", "mlag-peer-port", "gateway", "vrf-interface", "interface", "certificate",
    "file-name", "name", "address-list-timeout", "dont-fragment", "copy-from", "trust-store",
    "key-usage", "subject-alt-name", "ether-type",
    # Firewall filter / address lists: comma lists and names the user makes up, 'equal:1' forms.
    "ipsec-policy", "hop-limit", "src-address-list", "dst-address-list", "address-list", "list",
    "dhcp-options", "horizon", "mdns-repeat-ifaces", "servers", "timeout",
    # /user/group policy is a comma list of words (checked by Router._access_values); /ip/service numbers.
    "policy", "numbers",
}

# Object references: (menu, arg) -> (menu holding the objects, key field, extra accepted values,
# accepts a leading "!"). 7.x checks routing-table/new-routing-mark against /routing/table.
REFERENCES = {
    ("/ip/address", "interface"): ("/interface", "name", (), False),
    ("/ipv6/address", "interface"): ("/interface", "name", (), False),
    ("/ip/firewall/mangle", "in-interface"): ("/interface", "name", ("all-ethernet", "all-ppp", "all-vlan", "all-wireless"), True),
    ("/ip/firewall/mangle", "out-interface"): ("/interface", "name", ("all-ethernet", "all-ppp", "all-vlan", "all-wireless"), True),
    ("/ip/firewall/nat", "in-interface"): ("/interface", "name", ("all-ethernet", "all-ppp", "all-vlan", "all-wireless"), True),
    ("/ip/firewall/nat", "out-interface"): ("/interface", "name", ("all-ethernet", "all-ppp", "all-vlan", "all-wireless"), True),
    ("/interface/ovpn-client", "certificate"): ("/certificate", "name", ("none",), False),
    ("/interface/list/member", "interface"): ("/interface", "name", (), False),
    ("/interface/list/member", "list"): ("/interface/list", "name", (), False),
    ("/interface/list", "include"): ("/interface/list", "name", ("",), False),
    ("/interface/list", "exclude"): ("/interface/list", "name", ("",), False),
    ("/interface/list", "copy-from"): ("/interface/list", "name", (), False),
    ("/ip/dhcp-client", "interface"): ("/interface", "name", (), False),
    ("/interface/bridge/port", "interface"): ("/interface", "name", (), False),
    ("/interface/bridge/port", "bridge"): ("/interface/bridge", "name", (), False),
    ("/user", "group"): ("/user/group", "name", (), False),
    ("/ip/service", "certificate"): ("/certificate", "name", ("none",), False),
}
# Firewall menus: interfaces and interface lists must exist (a list name RouterOS does not know is
# refused like any unknown reference); address-list names may be anything (an empty list matches nothing).
_ANY_KIND = ("all-ethernet", "all-ppp", "all-vlan", "all-wireless")
for _menu in ("/ip/firewall/filter", "/ipv6/firewall/filter", "/ipv6/firewall/mangle"):
    REFERENCES[(_menu, "in-interface")] = ("/interface", "name", _ANY_KIND, True)
    REFERENCES[(_menu, "out-interface")] = ("/interface", "name", _ANY_KIND, True)
for _menu in ("/ip/firewall/filter", "/ipv6/firewall/filter", "/ipv6/firewall/mangle", "/ip/firewall/mangle",
              "/ip/firewall/nat"):
    REFERENCES[(_menu, "in-interface-list")] = ("/interface/list", "name", (), True)
    REFERENCES[(_menu, "out-interface-list")] = ("/interface/list", "name", (), True)
# Only on releases with a /routing/table (7.x): the mark must be an existing table.
ROUTING_TABLE_REFERENCES = {
    ("/ip/route", "routing-table"): False,
    ("/ipv6/route", "routing-table"): False,
    ("/ip/firewall/mangle", "new-routing-mark"): False,
    ("/ip/firewall/mangle", "routing-mark"): True,
    ("/ip/firewall/nat", "routing-mark"): True,
    ("/ip/firewall/filter", "routing-mark"): True,
}

# Flag arguments: given with any value they are set and print as an empty value; "!flag" clears
# (evidence.SOURCES["design-flags"]: blackhole=no SETS blackhole over the API).
FLAG_ARGS = {("/routing/table", "fib"), ("/ip/route", "blackhole"), ("/ipv6/route", "blackhole")}

# Booleans print as true/false and accept yes/no/true/false.
BOOLEAN_VALUES = {"yes": "true", "true": "true", "no": "false", "false": "false"}
BOOLEAN_ARGS = {
    "disabled", "add-default-route", "route-nopull", "verify-server-certificate", "clamp-tcp-mss",
    "advertise", "eui-64", "no-dad", "passthrough", "log", "trusted", "no-key-export", "once",
    "auto-mac", "fast-forward", "igmp-snooping", "vlan-filtering", "suppress-hw-offload", "disconnect-notify",
    "auto-link-local", "randomise-ports", "fragment", "dhcp-snooping", "ingress-filtering",
    "hw-offload", "allow-remote-requests", "verify-doh-cert", "hw", "builtin",
}
