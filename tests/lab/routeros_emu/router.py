# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One emulated router: its configuration, the API commands over it, persistence."""

from __future__ import annotations

import copy
import datetime
import ipaddress
import json
import os
import threading
import time

from . import certs, evidence, factory as factories
from .facts import (BOOLEAN_ARGS, BOOLEAN_VALUES, FLAG_ARGS, OPEN_COMPLETION_ARGS, REFERENCES,
                    ROS6_ARGS_ADDED, ROS6_ARGS_REMOVED, ROS6_COMMANDS_ABSENT, ROS6_MENUS_ABSENT,
                    ROUTING_TABLE_REFERENCES, RouterError, load_schema, schema_release_for)
from .menus import MENUS
from .query import evaluate_queries
from .values import normalise

# Words every command takes that are not arguments of the command itself.
_API_WORDS = {".id", ".proplist", ".tag", ".query"}
_PRINT_NOOPS = {"detail", "terse", "brief", "without-paging", "as-value", "show-ids", "stats", "value-list",
                "append", "from", "where", "interval", "follow", "follow-only", "proplist", "list"}
_INTERFACE_MENUS = ("/interface/ethernet", "/interface/bridge", "/interface/ovpn-client", "/interface/6to4")
_STATE_VERSION = 1
# Packages a 6.49 CHR lists (v6 manual, System/Packages); 7.x has one 'routeros' package
# (the 7.x dumps' /system/package enable completion lists only 'routeros').
_ROS6_PACKAGES = ("system", "ipv6", "ppp", "dhcp", "routing", "security", "advanced-tools")
# What 7.21+ print shows for a hidden password when assume print_sensitive="mask".
_MASK = "********"


class NullRealiser:
    """Hook for issue 6: a realiser applies the configuration to a Linux network namespace.

    The emulator calls ``changed(router, path)`` after every change it accepts, and asks
    ``link_state(router, path, row)`` whether a tunnel interface is up (None: no opinion).
    """

    def changed(self, router, path):
        return None

    def link_state(self, router, path, row):
        return None


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class Router:
    def __init__(self, release="7.16", username="admin", password="", state_file=None, reset=False,
                 realiser=None, identity="MikroTik", assume=None, factory=None):
        """``assume``: answers where evidence is silent (evidence.ASSUMPTIONS lists keys and defaults).

        ``factory``: the state a new or reset router starts from, "minimal" (default), "defconf" or
        "blank" (factory.py). None: the one saved in ``state_file``, else "minimal". A state file
        saved from another factory state is another router: it starts afresh from ``factory``.
        """
        if factory is not None and factory not in factories.FACTORIES:
            raise ValueError("unknown factory state %r (known: %s)" % (factory, ", ".join(factories.FACTORIES)))
        evidence.check_supported(release)
        self.release = release
        self.version = evidence.parse_version(release)
        self.ros7 = self.version[0] >= 7
        self.assume = evidence.assumptions(assume)
        self._timers = []
        self.username = username
        self.password = password
        self.state_file = state_file
        self.realiser = realiser or NullRealiser()
        self.lock = threading.RLock()
        self.boot = time.monotonic()
        self._schema = None if not self.ros7 else load_schema(schema_release_for(release))
        self._schema_ros6_base = load_schema(evidence.ROS6_BASE_DUMP)
        # Closed value sets for trees without `_completion` (most dumps, and 6.x).
        self._schema_completion = load_schema(evidence.COMPLETION_DUMPS[-1])
        self._initial_identity = identity
        self.factory = factory or factories.DEFAULT_FACTORY
        if state_file and os.path.exists(state_file) and not reset:
            self._load(state_file, factory)
        else:
            self._factory()
            self._save()

    # ------------------------------------------------------------------ state
    def _factory(self):
        self.tables = {path: [] for path, spec in MENUS.items() if spec.kind in ("table", "fixed")}
        self.next_id = {}
        self.identity = {"name": self._initial_identity}
        self.singles = {}
        self.packages = self._factory_packages()
        factories.build(self, self.factory)

    def _factory_packages(self):
        """name -> {"disabled": bool, "scheduled": "" | "scheduled for enable" | "scheduled for disable"}."""
        if not self.ros7:
            return {name: {"disabled": name == "ipv6" and not self.assume["ipv6_package"], "scheduled": ""}
                    for name in _ROS6_PACKAGES}
        return {"routeros": {"disabled": False, "scheduled": ""}}

    def state(self):
        return {"version": _STATE_VERSION, "release": self.release, "factory": self.factory,
                "tables": self.tables, "next_id": self.next_id, "identity": self.identity,
                "singles": self.singles, "packages": self.packages}

    def _load(self, path, factory=None):
        with open(path) as handle:
            data = json.load(handle)
        saved_factory = data.get("factory", factories.DEFAULT_FACTORY)
        if data.get("version") != _STATE_VERSION or data.get("release") != self.release or \
                (factory is not None and factory != saved_factory):
            # A state file from another release or factory state is a different router: start afresh.
            self._factory()
            return
        self.factory = saved_factory
        self.tables = data["tables"]
        for path_name, spec in MENUS.items():
            if spec.kind in ("table", "fixed"):
                self.tables.setdefault(path_name, [])
        if not self.tables["/user/group"]:
            # A state file written before the emulator had users, groups and services.
            factories.access_builtins(self)
        if not any(row.get("_builtin") for row in self.tables["/interface/list"]):
            # A state file written before the emulator had interface lists: RouterOS always has these.
            builtins = [{".id": ident, "name": name, "comment": comment, "builtin": "true", "_builtin": "true"}
                        for ident, name, comment in factories.BUILTIN_LISTS]
            self.tables["/interface/list"][:0] = builtins
        self.next_id = data["next_id"]
        self.identity = data["identity"]
        self.singles = data.get("singles") or {}
        self.packages = data.get("packages") or self._factory_packages()
        # A boot applies what /system/package enable|disable scheduled.
        for package in self.packages.values():
            if package.get("scheduled"):
                package["disabled"] = package["scheduled"] == "scheduled for disable"
                package["scheduled"] = ""

    def _save(self):
        if not self.state_file:
            return
        tmp = "%s.tmp.%d" % (self.state_file, threading.get_ident())
        with open(tmp, "w") as handle:
            json.dump(self.state(), handle)
        os.replace(tmp, self.state_file)

    def reset(self):
        with self.lock:
            self._factory()
            self._save()

    def _new_id(self, path):
        domain = MENUS[path].id_domain or path
        number = self.next_id.get(domain, 0) + 1
        self.next_id[domain] = number
        return "*%X" % number

    def _insert(self, path, values, before=None):
        row = {".id": self._new_id(path)}
        row.update(values)
        rows = self.tables[path]
        rows.insert(before if before is not None else len(rows), row)
        return row

    # ------------------------------------------------------------------ schema
    def menu_exists(self, path):
        spec = MENUS.get(path)
        if spec is None:
            return False
        if spec.feature and not evidence.has(self.release, spec.feature, self.assume):
            return False
        if not self.ros7 and path in ROS6_MENUS_ABSENT:
            return False
        if (path.startswith("/ipv6/") or path == "/interface/6to4") and not self.ipv6_enabled():
            return False
        return True

    def ipv6_enabled(self):
        """6.x: IPv6 and 6to4 come with the 'ipv6' package (evidence "ipv6_separate_package")."""
        if not evidence.has(self.release, "ipv6_separate_package"):
            return True
        return not self.packages.get("ipv6", {}).get("disabled", False)

    def _schema_node(self, path, command):
        schema = self._schema if self.ros7 else self._schema_ros6_base
        node = schema.get(path)
        if node is None:
            return None
        return node.get(command)

    def command_args(self, path, command):
        """The argument names ``command`` takes in ``path`` on this release; None: no such command."""
        if path == "/interface/ethernet":
            return {"print": set(), "getall": set(), "set": {"numbers", "name", "mtu", "disabled", "comment"},
                    "enable": {"numbers"}, "disable": {"numbers"}, "comment": {"numbers", "comment"},
                    "get": {"number", "value-name"}}.get(command)
        lookup = "print" if command == "getall" else command
        if not self.ros7 and (path, lookup) in ROS6_COMMANDS_ABSENT:
            return None
        if (path, lookup) == ("/file", "add") and not evidence.has(self.release, "file_add", self.assume):
            return None  # 7.0 .. 7.8 on the 7.9 tree: /file add is one of the differences
        node = self._schema_node(path, lookup)
        if node is None or node.get("_type") != "cmd":
            return None
        args = {key for key in node if not key.startswith("_")}
        if not self.ros7:
            args -= ROS6_ARGS_REMOVED.get((path, lookup), set())
            args |= ROS6_ARGS_ADDED.get((path, lookup), set())
        if path == "/interface/ovpn-client" and not evidence.has(self.release, "ovpn_protocol", self.assume):
            args.discard("protocol")
        if lookup == "print":
            args |= {"proplist", "file", "count-only"}
        if lookup == "get":
            args |= {"number", "value-name"}
        return args

    def _closed_values(self, path, command, arg):
        """The full set of values ``arg`` accepts when it is a closed enumeration, else None."""
        if path == "/interface/ovpn-client" and command in ("add", "set"):
            if arg == "cipher":
                return evidence.ovpn_ciphers(self.release, self.assume)
            if arg == "auth":
                return evidence.ovpn_auths(self.release, self.assume)
            if arg == "protocol":
                return ["tcp", "udp"]
        if arg in OPEN_COMPLETION_ARGS or (path, arg) in REFERENCES or (path, arg) in ROUTING_TABLE_REFERENCES:
            return None
        for schema in ((self._schema,) if self.ros7 else ()) + (self._schema_completion,):
            node = (schema.get(path) or {}).get(command) or {}
            spec = node.get(arg)
            if not spec or "_completion" not in spec:
                continue
            completion = spec["_completion"]
            if spec.get("desc") or any(v.get("style") not in ("none", "arg") for v in completion.values()):
                return None
            return sorted(completion)
        return None

    # ------------------------------------------------------------------ views
    def _interfaces(self):
        """Every interface as /interface prints it, in id order."""
        rows = []
        for path in _INTERFACE_MENUS:
            spec = MENUS[path]
            for row in self.tables[path]:
                shown = self._render(path, row)
                entry = {".id": row[".id"], "name": shown.get("name")}
                if path == "/interface/ethernet":
                    entry["default-name"] = row.get("default-name")
                entry["type"] = row.get("_type", spec.interface_type)
                mtu = shown.get("mtu", shown.get("max-mtu", "1500"))
                entry["mtu"] = mtu
                entry["actual-mtu"] = shown.get("actual-mtu", mtu if mtu != "auto" else "1500")
                if shown.get("mac-address"):
                    entry["mac-address"] = shown["mac-address"]
                if shown.get("comment") is not None:
                    entry["comment"] = shown["comment"]
                entry["running"] = shown.get("running", "true" if shown.get("disabled") != "true" else "false")
                entry["dynamic"] = "false"
                entry["slave"] = "false"
                entry["disabled"] = shown.get("disabled", "false")
                if not entry.get("default-name"):
                    entry.pop("default-name", None)
                rows.append((path, row, entry))
        rows.sort(key=lambda item: int(item[1][".id"][1:], 16))
        return rows

    def interface_names(self):
        return {entry["name"] for _path, _row, entry in self._interfaces()}

    def _render(self, path, row):
        """A row as print shows it: defaults filled in, read-only fields computed, hidden ones dropped."""
        spec = MENUS[path]
        if path == "/interface/ethernet":
            shown = {".id": row[".id"]}
            for key in ("name", "default-name", "mtu", "mac-address", "comment"):
                if row.get(key) is not None:
                    shown[key] = row[key]
            shown["running"] = "false" if row.get("disabled") == "true" else "true"
            shown["disabled"] = row.get("disabled", "false")
            return shown
        defaults = spec.defaults(self.release)
        if path == "/interface/ovpn-client":
            settable = self.command_args(path, "set") or set()
            defaults = {k: v for k, v in defaults.items()
                        if k not in ("protocol", "verify-server-certificate", "tls-version") or k in settable}
        elif path == "/interface/6to4":
            defaults = dict(defaults, keepalive=self.assume["sixtofour_keepalive"])
        shown = {".id": row[".id"]}
        for key, default in defaults.items():
            value = row.get(key, default)
            if value is not None:
                shown[key] = value
        for key, value in row.items():
            if key not in shown and not key.startswith("_") and value is not None:
                shown[key] = value
        disabled = shown.get("disabled") == "true"
        if path in ("/interface/6to4", "/interface/bridge"):
            shown["running"] = "false" if disabled else "true"
        elif path == "/interface/ovpn-client":
            state = None if disabled else self.realiser.link_state(self, path, row)
            shown["running"] = "true" if state else "false"
        elif path in ("/ip/address", "/ipv6/address"):
            exists = shown.get("interface") in self.interface_names()
            shown["actual-interface"] = shown.get("interface")
            shown["invalid"] = "false" if exists and not disabled else "true"
            if path == "/ip/address":
                shown["network"] = str(ipaddress.IPv4Interface(shown["address"]).network.network_address)
        elif path in ("/ip/route", "/ipv6/route"):
            shown["active"] = "false" if disabled else "true"
            shown["inactive"] = "true" if disabled else "false"
        elif path == "/file" and "contents" in row:
            shown["size"] = str(len(row["contents"].encode("utf-8")))
            if len(row["contents"].encode("utf-8")) > 4095:
                shown.pop("contents", None)
        return shown

    def rows(self, path):
        """Rows of ``path`` as print shows them (for tests and instrumentation)."""
        with self.lock:
            return self._print_rows(path)

    def _print_rows(self, path):
        spec = MENUS[path]
        if spec.kind == "interfaces":
            return [entry for _p, _r, entry in self._interfaces()]
        if spec.kind == "single":
            return [self._single(path)]
        if spec.kind == "packages":
            return self._package_rows()
        rows = [self._render(path, row) for row in self.tables[path]]
        if path == "/ip/firewall/filter" and self._fasttrack_dummy_shown():
            rows.insert(0, self._fasttrack_dummy())
        return rows

    def _fasttrack_dummy_shown(self):
        """RouterOS shows a dynamic counters rule first while FastTrack is configured (factory.SOURCES
        "pastebin-RE5PPm6u"); when a disabled fasttrack rule is enough is assume fasttrack_counter_rule."""
        mode = self.assume["fasttrack_counter_rule"]
        if mode == "never":
            return False
        return any(row.get("action") == "fasttrack-connection" and (mode == "any" or row.get("disabled") != "true")
                   for row in self.tables["/ip/firewall/filter"])

    def _fasttrack_dummy(self):
        shown = {".id": factories.FASTTRACK_DUMMY_ID}
        for key, default in MENUS["/ip/firewall/filter"].defaults(self.release).items():
            value = factories.FASTTRACK_DUMMY.get(key, default)
            if value is not None:
                shown[key] = value
        shown["dynamic"] = "true"
        return shown

    def _package_rows(self):
        version = self.release.split()[0]
        rows = []
        for number, (name, package) in enumerate(self.packages.items()):
            rows.append({".id": "*%X" % (number + 1), "name": name, "version": version,
                         "build-time": "2024-01-01 00:00:00" if self.ros7 else "jan/01/2024 00:00:00",
                         "scheduled": package.get("scheduled", ""),
                         "disabled": "true" if package["disabled"] else "false"})
        return rows

    def _cmd_package(self, command, args):
        """enable/disable only schedule the change: it takes effect at the next boot (restart)."""
        numbers = args.pop("numbers", None) or args.pop(".id", None)
        for arg in args:
            raise RouterError("unknown_parameter")
        if numbers is None:
            raise RouterError("missing_value", arg="numbers")
        rows = {row[".id"]: row["name"] for row in self._package_rows()}
        for part in numbers.split(","):
            name = rows.get(part, part)
            if name not in self.packages:
                raise RouterError("no_such_item")
            package = self.packages[name]
            wanted_disabled = command == "disable"
            package["scheduled"] = "" if package["disabled"] == wanted_disabled else \
                "scheduled for %s" % command
        self._save()
        return [], {}, True

    def _single(self, path):
        if path == "/system/identity":
            return dict(self.identity)
        if path != "/system/resource":
            values = dict(MENUS[path].defaults(self.release))
            values.update(self.singles.get(path, {}))
            return {key: value for key, value in values.items() if value is not None}
        uptime = int(time.monotonic() - self.boot)
        weeks, rest = divmod(uptime, 7 * 86400)
        days, rest = divmod(rest, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        text = "".join("%d%s" % (n, u) for n, u in ((weeks, "w"), (days, "d"), (hours, "h"), (minutes, "m")) if n)
        channel = "stable" if self.ros7 else "long-term"
        return {"uptime": text + "%ds" % seconds, "version": "%s (%s)" % (self.release, channel),
                "build-time": "2024-01-01 00:00:00" if self.ros7 else "jan/01/2024 00:00:00",
                "factory-software": "7.1" if self.ros7 else "6.44", "free-memory": "220000256",
                "total-memory": "268435456", "cpu": "QEMU", "cpu-count": "1", "cpu-frequency": "2400",
                "cpu-load": "0", "free-hdd-space": "90000000", "total-hdd-space": "94371840",
                "architecture-name": "x86_64" if self.ros7 else "x86", "board-name": "CHR",
                "platform": "MikroTik"}

    # ------------------------------------------------------------------ lookup
    def _find(self, path, ident, error="cannot_change_builtin"):
        """The table and index of the row named by ``ident`` (``*HEX`` id, or a name).

        The dynamic fasttrack counters rule cannot be the object of a command (``error``).
        """
        if path == "/ip/firewall/filter" and ident == factories.FASTTRACK_DUMMY_ID and self._fasttrack_dummy_shown():
            raise RouterError(error)
        tables = _INTERFACE_MENUS if path == "/interface" else (path,)
        for table in tables:
            for index, row in enumerate(self.tables[table]):
                if row[".id"] == ident or (not ident.startswith("*") and row.get("name") == ident):
                    return table, index
        if ident.startswith("*"):
            try:
                int(ident[1:], 16)
            except ValueError:
                raise RouterError("invalid_item_number")
        raise RouterError("no_such_item")

    def _targets(self, path, args, key="numbers"):
        idents = args.pop(".id", None)
        numbers = args.pop(key, None)
        text = idents if idents is not None else numbers
        if text is None or text == "":
            raise RouterError("missing_value", arg="numbers")
        return [self._find(path, part.strip()) for part in text.split(",")]

    # ------------------------------------------------------------------ values
    def _check_value(self, path, command, arg, value):
        if (path, arg) in FLAG_ARGS:
            return ""
        if arg in BOOLEAN_ARGS:
            if value not in BOOLEAN_VALUES:
                raise RouterError("no_match", arg=arg)
            return BOOLEAN_VALUES[value]
        closed = self._closed_values(path, command, arg)
        if closed is not None and value not in closed:
            raise RouterError("no_match", arg=arg)
        reference = REFERENCES.get((path, arg))
        if reference:
            target, _key, extra, negatable = reference
            bare = value[1:] if negatable and value.startswith("!") else value
            known = self.interface_names() if target == "/interface" else \
                {row.get("name") for row in self.tables[target]}
            if bare not in known and bare not in extra:
                raise RouterError("no_match", arg=arg)
        if (path, arg) in ROUTING_TABLE_REFERENCES:
            if evidence.has(self.release, "routing_table"):
                negatable = ROUTING_TABLE_REFERENCES[(path, arg)]
                bare = value[1:] if negatable and value.startswith("!") else value
                if bare not in {row.get("name") for row in self.tables["/routing/table"]}:
                    raise RouterError("no_match", arg=arg)
        value = normalise(path, arg, value)
        if arg == "gateway":
            for part in value.split(","):
                host = part.split("%", 1)
                try:
                    ipaddress.ip_address(host[0])
                except ValueError:
                    if host[0] not in self.interface_names():
                        raise RouterError("invalid_value", arg=arg)
        return value

    def _parse_args(self, path, command, args):
        """Check argument names against the release and values against their rules."""
        allowed = self.command_args(path, command)
        changes, unsets = {}, []
        for arg, value in args.items():
            if arg.startswith("!") and command == "set":
                if arg[1:] not in allowed:
                    raise RouterError("unknown_parameter")
                unsets.append(arg[1:])
                continue
            if arg not in allowed:
                raise RouterError("unknown_parameter")
            changes[arg] = self._check_value(path, command, arg, value)
        return changes, unsets

    # ------------------------------------------------------------------ commands
    def execute(self, path, command, args, queries=(), proplist=None):
        """Run one API command; returns (rows for !re, attributes for !done, changed?)."""
        with self.lock:
            result = self._dispatch(path, command, dict(args), list(queries), proplist)
        return result

    def _dispatch(self, path, command, args, queries, proplist):
        if not self.menu_exists(path):
            raise RouterError("no_such_command_prefix")
        allowed = self.command_args(path, command)
        if allowed is None:
            raise RouterError("no_such_command")
        spec = MENUS[path]
        if command in ("print", "getall"):
            return self._cmd_print(path, command, args, queries, proplist)
        if command == "get":
            return self._cmd_get(path, args)
        if command in ("reset-counters", "reset-counters-all"):
            return [], {}, False
        if spec.kind == "single":
            if command != "set":
                raise RouterError("no_such_command")
            changes, unsets = self._parse_args(path, "set", args)
            if path == "/system/identity":
                self.identity.update(changes)
            elif path != "/system/resource":
                values = self.singles.setdefault(path, {})
                values.update(changes)
                for name in unsets:
                    values.pop(name, None)
            return self._changed(path)
        if path == "/interface/ovpn-client" and command == "monitor":
            return self._cmd_monitor(path, args)
        if path == "/certificate" and command == "import":
            return self._cmd_import(args)
        if spec.kind == "packages":
            if command not in ("enable", "disable"):
                raise RouterError("no_such_command")
            return self._cmd_package(command, args)
        handler = {
            "add": self._cmd_add, "set": self._cmd_set, "remove": self._cmd_remove, "unset": self._cmd_unset,
            "enable": self._cmd_enable, "disable": self._cmd_enable, "comment": self._cmd_comment,
            "move": self._cmd_move,
        }.get(command)
        if handler is None or (spec.kind == "interfaces" and command not in ("set", "enable", "disable", "comment")):
            raise RouterError("no_such_command")
        return handler(path, command, args)

    def _changed(self, path):
        self._save()
        self.realiser.changed(self, path)
        return [], {}, True

    def _cmd_print(self, path, command, args, queries, proplist):
        file_name = args.pop("file", None)
        count_only = args.pop("count-only", None) is not None
        allowed = self.command_args(path, command)
        for arg in args:
            if arg not in allowed:
                raise RouterError("unknown_parameter")
        show_sensitive = "show-sensitive" in args
        rows = [row for row in self._print_rows(path) if evaluate_queries(queries, row)]
        if path == "/interface/ovpn-client" and "show-sensitive" in allowed and not show_sensitive:
            rows = [self._hide_sensitive(row) for row in rows]
        if file_name is not None:
            self._print_to_file(file_name, rows)
            return [], {}, True
        if count_only:
            return [], {"ret": str(len(rows))}, False
        if proplist is not None:
            wanted = [name for name in proplist.split(",") if name]
            rows = [{key: row[key] for key in wanted if key in row} for row in rows]
        return rows, {}, False

    def _hide_sensitive(self, row):
        """7.21+ (dumps: print has show-sensitive): the password only with show-sensitive.

        How the API shows it without is undocumented: assume print_sensitive ("omit" by default,
        the case that makes a password-comparing module change something on every run).
        """
        mode = self.assume["print_sensitive"]
        if mode == "show" or "password" not in row:
            return row
        row = dict(row)
        if mode == "omit":
            row.pop("password")
        else:
            row["password"] = _MASK
        return row

    def _print_to_file(self, file_name, rows):
        """RouterOS writes the listing to NAME.txt; RouterOS 6 users create files this way.

        6.x creates the file after the command has returned (evidence "file_print_async"): after
        assume file_print_delay seconds, named NAME.txt or NAME (assume file_print_name).
        """
        name = file_name if file_name.endswith(".txt") else file_name + ".txt"
        asynchronous = evidence.has(self.release, "file_print_async")
        if asynchronous and self.assume["file_print_name"] == "bare":
            name = file_name
        text = "\n".join(" ".join("%s=%s" % (k, v) for k, v in row.items() if k != ".id") for row in rows)

        def write():
            with self.lock:
                existing = [row for row in self.tables["/file"] if row.get("name") == name]
                if existing:
                    existing[0]["contents"] = text
                else:
                    self._insert("/file", self._file_values(name, text))
                self._save()

        delay = float(self.assume["file_print_delay"] or 0) if asynchronous else 0
        if delay <= 0:
            write()
            return
        timer = threading.Timer(delay, write)
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def wait_pending(self, timeout=5.0):
        """Let files still being written by an asynchronous print file= appear (for tests)."""
        for timer in list(self._timers):
            timer.join(timeout)

    def cancel_pending(self):
        """Drop writes not yet done (the router is going away with its state directory)."""
        for timer in list(self._timers):
            timer.cancel()
            timer.join(5.0)
        self._timers = []

    def _file_values(self, name, contents):
        extension = name.rsplit(".", 1)[1] if "." in name.rsplit("/", 1)[-1] else None
        return {"name": name, "type": (".%s file" % extension) if extension else "file",
                "creation-time": certs.format_time(_now(), self.ros7), "contents": contents}

    def _cmd_get(self, path, args):
        number = args.get("number")
        value_name = args.get("value-name")
        if MENUS[path].kind == "single":
            row = self._single(path)
        elif MENUS[path].kind == "packages":
            row = next((r for r in self._package_rows() if number in (r[".id"], r["name"])), None)
            if row is None:
                raise RouterError("no_such_item")
        elif path == "/ip/firewall/filter" and number == factories.FASTTRACK_DUMMY_ID and \
                self._fasttrack_dummy_shown():
            row = self._fasttrack_dummy()
        else:
            if number is None:
                raise RouterError("missing_value", arg="number")
            table, index = self._find(path, number)
            row = self._render(table, self.tables[table][index]) if path != "/interface" else \
                next(e for _p, r, e in self._interfaces() if r is self.tables[table][index])
        if value_name is None:
            raise RouterError("missing_value", arg="value-name")
        if value_name not in row:
            raise RouterError("no_match", arg="value-name")
        return [], {"ret": row[value_name]}, False

    def _cmd_add(self, path, command, args):
        spec = MENUS[path]
        place_before = args.pop("place-before", None)
        copy_from = args.pop("copy-from", None)
        if place_before is not None and "place-before" not in (self.command_args(path, "add") or ()):
            raise RouterError("unknown_parameter")
        values, _unsets = self._parse_args(path, "add", args)
        values = self._access_values(path, values)
        if copy_from is not None:
            table, index = self._find(path, copy_from)
            base = {k: v for k, v in self.tables[table][index].items() if k != ".id" and not k.startswith("_")}
            base.update(values)
            values = base
        for required in spec.required:
            if required not in values:
                raise RouterError("missing_value", arg=required)
        if spec.auto_name and "name" not in values:
            taken = self.interface_names()
            number = 1
            while "%s%d" % (spec.auto_name, number) in taken:
                number += 1
            values["name"] = "%s%d" % (spec.auto_name, number)
        self._check_unique(path, values, None)
        if path == "/file":
            values = dict(self._file_values(values["name"], values.get("contents", "")), **values)
            values.pop("type", None) if values.get("type") == "file" else None
            values["type"] = self._file_values(values["name"], "")["type"]
        before = None
        if place_before is not None:
            table, before = self._find(path, place_before, error="move_before_builtin")
        row = self._insert(path, values, before)
        if path in ("/interface/ovpn-client", "/interface/bridge") and "mac-address" not in row:
            number = int(row[".id"][1:], 16)
            row["mac-address"] = "02:00:00:00:%02X:%02X" % (number >> 8 & 0xFF, number & 0xFF)
        self._changed(path)
        if path == "/file" and not evidence.has(self.release, "file_add_returns_id"):
            return [], {}, True
        return [], {"ret": row[".id"]}, True

    def _check_unique(self, path, values, skip_id):
        spec = MENUS[path]
        if not spec.unique:
            return
        if spec.unique_error == "already_have_interface":
            if values.get("name") is None:
                return
            for _p, row, entry in self._interfaces():
                if row[".id"] != skip_id and entry["name"] == values["name"]:
                    raise RouterError("already_have_interface")
            return
        key = tuple(values.get(name) for name in spec.unique)
        for row in self.tables[path]:
            if row[".id"] != skip_id and tuple(row.get(name) for name in spec.unique) == key:
                raise RouterError(spec.unique_error)

    def _guard_dynamic(self, row, removing=False):
        if row.get("builtin") == "true":
            # builtin interface lists (pear2-issue-36 words for a builtin entry)
            raise RouterError("cannot_remove_builtin" if removing else "cannot_change_builtin")
        if row.get("_builtin") == "true" or row.get("dynamic") == "true":
            raise RouterError("cannot_remove_builtin" if removing else "cannot_change_dynamic")

    def _cmd_set(self, path, command, args):
        targets = self._targets(path, args)
        for table, index in targets:
            row = self.tables[table][index]
            sub_args = dict(args)
            changes, unsets = self._parse_args(table if path != "/interface" else "/interface", "set", sub_args)
            changes = self._access_values(table, changes)
            if table == "/interface/ethernet" and row.get("_builtin") == "true" and "name" in changes:
                raise RouterError("cannot_change_dynamic")
            if table not in ("/interface/ethernet", "/ip/service", "/user", "/user/group"):
                # services, the default user and the system groups take set (User and Services manuals)
                self._guard_dynamic(row)
            candidate = dict(row)
            candidate.update(changes)
            for name in unsets:
                candidate.pop(name, None)
            for required in MENUS[table].required:
                if required not in candidate:
                    raise RouterError("missing_value", arg=required)
            self._check_unique(table, candidate, row[".id"])
            if "name" in changes and row.get("name") != changes["name"]:
                self._rename_references(table, row.get("name"), changes["name"])
            if table == "/file" and "name" in changes:
                candidate["type"] = self._file_values(changes["name"], "")["type"]
            row.clear()
            row.update(candidate)
        return self._changed(path)

    def _access_values(self, path, values):
        """/user: the password is kept but never printed; /user/group: policy as print shows it."""
        values = dict(values)
        if path == "/user" and "password" in values:
            values["_password"] = values.pop("password")
        if path == "/user/group" and "policy" in values:
            known = factories.policy_words(self.ros7)
            granted = set()
            for word in [w for w in values["policy"].split(",") if w]:
                bare = word[1:] if word.startswith("!") else word
                if bare not in known:
                    raise RouterError("no_match", arg="policy")
                if not word.startswith("!"):
                    granted.add(bare)
            values["policy"] = factories.format_policy(granted, self.ros7)
        return values

    # ------------------------------------------------------------------ access
    def authenticate(self, name, password):
        """The policies of the user ``name`` when ``password`` is theirs, else None.

        The factory user logs in with the router's password (``Router(password=)``); users added with
        /user add with theirs. A user is refused while disabled.
        """
        with self.lock:
            for row in self.tables["/user"]:
                if row.get("name") != name or row.get("disabled") == "true":
                    continue
                secret = self.password if row.get("_admin") == "true" else row.get("_password", "")
                if secret != password:
                    return None
                group = next((g for g in self.tables["/user/group"] if g.get("name") == row.get("group")), None)
                if group is None:
                    return set()
                return {w for w in group.get("policy", "").split(",") if w and not w.startswith("!")}
            return None

    def login_secrets(self, name):
        """Passwords a legacy (challenge) login of ``name`` may prove."""
        with self.lock:
            return [self.password if row.get("_admin") == "true" else row.get("_password", "")
                    for row in self.tables["/user"] if row.get("name") == name]

    @staticmethod
    def check_permission(path, command, args, policies):
        """Refuse what the user's group does not allow (MikroTik manual "User", policies: read to see the
        configuration, write to change it, policy to manage users, sensitive for what is hidden)."""
        if policies is None:
            return
        reading = command in ("print", "getall", "get", "monitor")
        needed = {"read"} if reading else {"write"}
        if path in ("/user", "/user/group") and not reading:
            needed.add("policy")
        if reading and "show-sensitive" in args:
            needed.add("sensitive")
        if not needed <= policies:
            raise RouterError("not_enough_permissions")

    def api_ssl_certificate(self):
        """(certificate PEM, key PEM) of the certificate bound to the api-ssl service, or None."""
        with self.lock:
            service = next((r for r in self.tables["/ip/service"] if r.get("name") == "api-ssl"), None)
            name = (service or {}).get("certificate", "none")
            if not name or name == "none":
                return None
            cert = next((r for r in self.tables["/certificate"] if r.get("name") == name), None)
            if not cert or not cert.get("_pem") or not cert.get("_key_pem"):
                return None
            return cert["_pem"], cert["_key_pem"]

    def service_enabled(self, name):
        with self.lock:
            service = next((r for r in self.tables["/ip/service"] if r.get("name") == name), None)
            return service is None or service.get("disabled") != "true"

    def _rename_references(self, table, old, new):
        """RouterOS references objects, not names: a rename shows up everywhere it is used."""
        if table in _INTERFACE_MENUS:
            pairs = [("/ip/address", "interface"), ("/ipv6/address", "interface"),
                     ("/ip/firewall/mangle", "in-interface"), ("/ip/firewall/mangle", "out-interface"),
                     ("/ip/firewall/nat", "in-interface"), ("/ip/firewall/nat", "out-interface"),
                     ("/ip/route", "gateway"), ("/ipv6/route", "gateway"),
                     ("/interface/list/member", "interface"), ("/ip/dhcp-client", "interface"),
                     ("/interface/bridge/port", "interface")]
            pairs += [(menu, field)
                      for menu in ("/ip/firewall/filter", "/ipv6/firewall/filter", "/ipv6/firewall/mangle")
                      for field in ("in-interface", "out-interface")]
            if table == "/interface/bridge":
                pairs.append(("/interface/bridge/port", "bridge"))
        elif table == "/interface/list":
            pairs = [("/interface/list/member", "list"), ("/interface/list", "include"),
                     ("/interface/list", "exclude")]
            pairs += [(menu, field)
                      for menu in ("/ip/firewall/filter", "/ipv6/firewall/filter", "/ipv6/firewall/mangle",
                                   "/ip/firewall/mangle", "/ip/firewall/nat")
                      for field in ("in-interface-list", "out-interface-list")]
        elif table == "/routing/table":
            pairs = [("/ip/route", "routing-table"), ("/ipv6/route", "routing-table"),
                     ("/ip/firewall/mangle", "new-routing-mark"), ("/ip/firewall/mangle", "routing-mark"),
                     ("/ip/firewall/nat", "routing-mark")]
        elif table == "/certificate":
            pairs = [("/interface/ovpn-client", "certificate"), ("/ip/service", "certificate")]
        elif table == "/user/group":
            pairs = [("/user", "group")]
        else:
            return
        for menu, field in pairs:
            for row in self.tables[menu]:
                if row.get(field) == old:
                    row[field] = new
                elif row.get(field) == "!" + str(old):
                    row[field] = "!" + new

    def _cmd_unset(self, path, command, args):
        value_name = args.pop("value-name", None)
        targets = self._targets(path, args)
        if value_name is None:
            raise RouterError("missing_value", arg="value-name")
        allowed = self.command_args(path, "set")
        for name in value_name.split(","):
            if name not in allowed:
                raise RouterError("unknown_parameter")
        for table, index in targets:
            row = self.tables[table][index]
            self._guard_dynamic(row)
            for name in value_name.split(","):
                if name in MENUS[table].required:
                    raise RouterError("missing_value", arg=name)
                row.pop(name, None)
        return self._changed(path)

    def _cmd_enable(self, path, command, args):
        targets = self._targets(path, args)
        for table, index in targets:
            if self.tables[table][index].get("dynamic") == "true" and table != "/routing/table":
                raise RouterError("cannot_change_dynamic")
            self.tables[table][index]["disabled"] = "true" if command == "disable" else "false"
        return self._changed(path)

    def _cmd_comment(self, path, command, args):
        comment = args.pop("comment", "")
        targets = self._targets(path, args)
        for table, index in targets:
            self.tables[table][index]["comment"] = comment
        return self._changed(path)

    def _cmd_remove(self, path, command, args):
        targets = self._targets(path, args)
        doomed = set()
        for table, index in targets:
            row = self.tables[table][index]
            self._guard_dynamic(row, removing=True)
            doomed.add(row[".id"])
        self.tables[path] = [row for row in self.tables[path] if row[".id"] not in doomed]
        return self._changed(path)

    def _cmd_move(self, path, command, args):
        destination = args.pop("destination", None)
        targets = self._targets(path, args)
        for arg in args:
            raise RouterError("unknown_parameter")
        rows = self.tables[path]
        moving_ids = [rows[index][".id"] for _table, index in targets]
        dest_id = None
        if destination is not None:
            _table, dest_index = self._find(path, destination, error="move_before_builtin")
            dest_id = rows[dest_index][".id"]
        moving = [row for row in rows if row[".id"] in moving_ids]
        moving.sort(key=lambda row: moving_ids.index(row[".id"]))
        remaining = [row for row in rows if row[".id"] not in moving_ids]
        if dest_id is None or dest_id in moving_ids:
            position = len(remaining) if dest_id is None else \
                next((i for i, row in enumerate(remaining) if rows.index(row) > rows.index(moving[0])), len(remaining))
        else:
            position = next(i for i, row in enumerate(remaining) if row[".id"] == dest_id)
        self.tables[path] = remaining[:position] + moving + remaining[position:]
        return self._changed(path)

    def monitor_values(self, path, args):
        with self.lock:
            targets = self._targets(path, dict(args))
            result = []
            for table, index in targets:
                row = self.tables[table][index]
                shown = self._render(table, row)
                if shown.get("disabled") == "true":
                    result.append({"status": "disabled"})
                    continue
                state = self.realiser.link_state(self, path, row)
                if state:
                    values = {"status": "connected", "uptime": state.get("uptime", "1s"),
                              "encoding": "%s/%s" % (shown["cipher"], shown["auth"]), "mtu": shown["max-mtu"]}
                    values.update({k: v for k, v in state.items() if k in ("local-address", "remote-address")})
                    result.append(values)
                else:
                    result.append({"status": "connecting..."})
            return result

    def _cmd_monitor(self, path, args):
        allowed = self.command_args(path, "monitor")
        for arg in args:
            if arg not in allowed and arg != ".id":
                raise RouterError("unknown_parameter")
        return self.monitor_values(path, args), {}, False

    def _cmd_import(self, args):
        allowed = self.command_args("/certificate", "import")
        for arg in args:
            if arg not in allowed:
                raise RouterError("unknown_parameter")
        file_name = args.get("file-name")
        if not file_name:
            raise RouterError("missing_value", arg="file-name")
        trusted = args.get("trusted")
        if trusted is not None:
            trusted = self._check_value("/certificate", "import", "trusted", trusted)
        files = [row for row in self.tables["/file"] if row.get("name") == file_name]
        if not files:
            raise RouterError("file_not_found")
        bundle = certs.parse_pem_bundle(files[0].get("contents", "").encode("utf-8"), args.get("passphrase", ""))
        now = _now()
        imported = keys_imported = keys_orphan = 0
        table = self.tables["/certificate"]
        for cert in bundle.certificates:
            fields = certs.certificate_fields(cert, self.ros7, now)
            if any(row.get("fingerprint") == fields["fingerprint"] for row in table):
                continue
            base = args.get("name") or file_name
            name = "%s_%d" % (base, 0)
            number = 0
            while any(row.get("name") == name for row in table):
                number += 1
                name = "%s_%d" % (base, number)
            fields["name"] = name
            fields["trusted"] = trusted or "true"
            fields["_pem"] = certs.certificate_pem(cert)
            self._insert("/certificate", fields)
            imported += 1
        for key in bundle.keys:
            public = certs.key_public_hex(key)
            matches = [row for row in table if row.get("_public") == public]
            if not matches:
                keys_orphan += 1
                continue
            for row in matches:
                if row.get("private-key") != "true":
                    row["private-key"] = "true"
                    row["_key_pem"] = certs.key_pem(key)
                    keys_imported += 1
        self._changed("/certificate")
        return [{"certificates-imported": str(imported), "private-keys-imported": str(keys_imported),
                 "files-imported": "1", "decryption-failures": str(bundle.decryption_failures),
                 "keys-with-no-certificate": str(keys_orphan)}], {}, True

    # ------------------------------------------------------------------ scripts
    def script_menu_exists(self, path):
        """A menu a script may name: a modelled menu of this release, or a menu above one (``/ip``)."""
        if path == "/":
            return True
        if self.menu_exists(path):
            return True
        prefix = path.rstrip("/") + "/"
        return any(name.startswith(prefix) and self.menu_exists(name) for name in MENUS)

    def rows_for_script(self, path):
        """Rows a script's ``find`` looks at: print's rows (with ``default-name`` for ethernet)."""
        with self.lock:
            if not self.menu_exists(path):
                raise RouterError("no_such_command_prefix")
            if path == "/interface/ethernet":
                return [self._render(path, row) for row in self.tables[path]]
            return self._print_rows(path)

    def put_file(self, name, contents):
        """A file uploaded to the router (FTP, SFTP, WinBox drag and drop): it appears in /file."""
        with self.lock:
            existing = [row for row in self.tables["/file"] if row.get("name") == name]
            if existing:
                existing[0]["contents"] = contents
            else:
                self._insert("/file", self._file_values(name, contents))
            self._save()

    def import_file(self, file_name, args=None, sleep=None, max_delay=None):
        """``/import file-name=NAME``: run a script file stored on the router (script.SOURCES
        "issue-librouteros-228"). The first refused line stops it; what ran before it stays. A script
        error is reported as ``Script Error: <words> (line L column C)`` (script.SOURCES "issue-blacklist-5")."""
        from . import script as scripts

        for arg in (args or {}):
            if arg not in ("verbose", "dry-run"):
                raise RouterError("unknown_parameter")
        if not file_name:
            raise RouterError("missing_value", arg="file-name")
        with self.lock:
            files = [row for row in self.tables["/file"] if row.get("name") == file_name]
            if not files:
                raise RouterError("file_not_found")
            text = files[0].get("contents", "")
        depth = getattr(self, "_import_depth", 0)
        if depth > 8:
            raise RouterError("script_error", detail="too deep imports")
        self._import_depth = depth + 1
        try:
            scripts.run(self, text, sleep=sleep or time.sleep, max_delay=max_delay)
        except scripts.ScriptError as error:
            raise RouterError("script_error", detail=str(error))
        finally:
            self._import_depth = depth
        return [], {}, True

    def snapshot(self):
        with self.lock:
            return copy.deepcopy(self.state())
