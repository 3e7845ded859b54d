# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declarative engine the RouterOS modules share.

For each menu: read it with one print, pick out the entries we own (their comment starts with
``ovpn6:<owner>:``, the rest of the tag is the entry's key), compare them with the desired
entries, and plan the smallest list of add / set / remove / move operations. The plan is
computed against a simulated copy of the menu, operation by operation, so check mode reports
exactly what a real run then does. Entries without our tag are never in a plan.

Ordered menus (firewall chains) keep our entries as one block per chain in the given order,
placed first in the chain, or right before a user's entry named by ``place_before``.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._releases import same_cipher
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._menus import SECRET_FIELDS, menu
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError

TAG = "ovpn6"

# IP protocol names RouterOS takes and prints (the protocol completion of /ip/firewall/mangle in dumps
# 7.21.5 and 7.22.3), by their IANA protocol numbers; a rule may say either.
PROTOCOL_NUMBERS = {
    "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5, "tcp": 6, "egp": 8, "pup": 12, "udp": 17,
    "hmp": 20, "xns-idp": 22, "rdp": 27, "iso-tp4": 29, "dccp": 33, "xtp": 36, "ddp": 37, "idpr-cmtp": 38,
    "ipv6-encap": 41, "ipv6-route": 43, "ipv6-frag": 44, "rsvp": 46, "gre": 47, "ipsec-esp": 50,
    "ipsec-ah": 51, "icmpv6": 58, "ipv6-nonxt": 59, "ipv6-opts": 60, "rspf": 73, "vmtp": 81, "ospf": 89,
    "ipip": 94, "etherip": 97, "encap": 98, "pim": 103, "vrrp": 112, "l2tp": 115, "sctp": 132,
    "udp-lite": 136,
}


def _is_unset(path, name, value):
    text = _canonical(name, value)
    return text in ("", "no") or text in menu(path).unset.get(name, ())


# Fields never shown when rendering rows for diffs.
_NOT_SHOWN = frozenset([".id", "bytes", "packets", "dynamic", "invalid", "running", "actual-mtu", ".nextid", ".dead"])


def tag(owner, key):
    return "%s:%s:%s" % (TAG, owner, key)


def owned_key(comment, owner):
    """The key of an entry we own, or None when its comment is not ours."""
    prefix = "%s:%s:" % (TAG, owner)
    if not comment or not comment.startswith(prefix):
        return None
    return comment[len(prefix):]


def word(value):
    """A desired value as the word RouterOS takes."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return ""
    return str(value)


def _canonical(field, value):
    text = word(value).strip()
    lowered = text.lower()
    if lowered in ("yes", "true"):
        return "yes"
    if lowered in ("no", "false"):
        return "no"
    if field == "protocol":
        return str(PROTOCOL_NUMBERS.get(lowered, lowered))
    if field == "policy":
        # /user/group policy: print lists every policy, the ones not granted negated (MikroTik manual
        # "User", default groups: policy=local,telnet,...,!ftp,!write,!policy): compare what is granted.
        return ",".join(sorted(set(item for item in lowered.split(",") if item and not item.startswith("!"))))
    if field == "cipher" and same_cipher(lowered, lowered + "-cbc"):
        return lowered + "-cbc"  # aes256 (to 7.5) and aes256-cbc (from 7.11) are one cipher
    if text and (":" in text or "." in text) and text[0] in "0123456789abcdefABCDEF:":
        try:
            # an interface keeps the host part: 2001:db8::2/64 and 2001:db8::1/64 differ
            return str(ipaddress.ip_interface(text))
        except ValueError:
            pass
    return text


def same_value(field, actual, desired):
    """True when the router's value and the desired one mean the same (yes/true, 41/ipv6-encap, ::/0)."""
    return _canonical(field, actual) == _canonical(field, desired)


def field_matches(path, name, row, desired):
    """Does the printed ``row`` carry field ``name`` as ``desired``?"""
    if name in menu(path).flags:
        present = name in row and _canonical(name, row[name]) != "no"
        return present == (_canonical(name, desired) == "yes")
    if name in menu(path).cleared and word(desired) == "":
        return _is_unset(path, name, row.get(name, ""))
    return same_value(name, row.get(name, ""), desired)


def _arguments(path, fields):
    """The API arguments for ``fields``: flags sent bare when set, as !name when cleared, never name=no."""
    arguments = {}
    for name, value in fields.items():
        if name in menu(path).flags:
            arguments[name if _canonical(name, value) == "yes" else "!" + name] = ""
        elif name in menu(path).cleared and word(value) == "":
            arguments["!" + name] = ""
        else:
            arguments[name] = value
    return arguments


class MenuSpec:
    """What one menu should hold for one owner.

    ``entries`` are dicts of RouterOS field names, each with a ``key`` unique within the owner.
    ``state='absent'`` removes every entry of the owner in the menu.
    """

    def __init__(self, path, owner, entries=(), ordered=None, place_before=None, state="present",
                 chain_field="chain", print_words=()):
        if not owner or any(char in owner for char in ": \t"):
            raise InvalidInputError("owner %r must be a non-empty word without ':' or spaces" % (owner,))
        self.path = "/" + path.strip("/")
        self.owner = owner
        # Unless told, as the menu table says (firewall chains are ordered).
        self.ordered = menu(self.path).ordered if ordered is None else ordered
        self.place_before = place_before
        self.state = state
        self.chain_field = chain_field
        self.print_words = list(print_words)  # extra words for the menu's print (show-sensitive)
        self.entries = self._check_entries(entries if state == "present" else ())

    def _check_entries(self, entries):
        checked = []
        seen = set()
        for position, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise InvalidInputError("%s entry %d must be a dict of field names, got %r" % (self.path, position, entry))
            key = entry.get("key")
            if key is None or word(key) == "" or any(char.isspace() for char in word(key)):
                raise InvalidInputError(
                    "%s entry %d needs a 'key' without spaces (it becomes the comment %s)"
                    % (self.path, position, tag(self.owner, "<key>"))
                )
            key = word(key)
            if key in seen:
                raise InvalidInputError("%s: key %r is used twice for owner %r" % (self.path, key, self.owner))
            seen.add(key)
            fields = {}
            for name, value in entry.items():
                if name == "key":
                    continue
                if name in ("comment", ".id", "place-before", "numbers"):
                    raise InvalidInputError(
                        "%s entry %r: field %r is set by the engine (comment is the ownership tag %s)"
                        % (self.path, key, name, tag(self.owner, key))
                    )
                if isinstance(value, (dict, list)):
                    raise InvalidInputError("%s entry %r: field %r must be a single value, got %r" % (self.path, key, name, value))
                fields[name] = word(value)
            if self.ordered and not fields.get(self.chain_field):
                raise InvalidInputError("%s entry %r needs a %r: the menu is ordered by chain" % (self.path, key, self.chain_field))
            fields["comment"] = tag(self.owner, key)
            checked.append((key, fields))
        return checked


class Operation:
    """One planned change. ``target`` is an .id, or 'new:<key>' for an entry added earlier in the plan.

    ``text`` is the line reported in ``changes``; ``source`` says why the change is planned (for the
    caller's messages and tests: 'not desired', 'replaced', 'left by an interrupted run', ...).
    """

    def __init__(self, action, path, key, target=None, fields=None, destination=None, text="", source=""):
        self.action = action
        self.path = path
        self.key = key
        self.target = target
        self.fields = fields or {}
        self.destination = destination
        self.text = text
        self.source = source

    def __repr__(self):
        return "Operation(%r)" % self.text


class Plan:
    """Operations planned from one read of the router, and what it holds before and after them.

    ``apply_plans`` carries out the menu actions (add, set, remove, move) itself; a plan whose
    operations include others (a certificate import) carries those out in ``perform``.
    """

    def __init__(self, operations, before="", after=""):
        self.operations = operations
        self.before = before
        self.after = after

    def perform(self, session, operation):
        raise InvalidInputError("the engine cannot carry out %r on %s" % (operation.action, operation.path))


class MenuPlan(Plan):
    def __init__(self, spec, before_rows, after_rows, operations):
        Plan.__init__(self, operations, render(before_rows, spec), render(after_rows, spec))
        self.spec = spec
        self.before_rows = before_rows
        self.after_rows = after_rows


def _row_key(row, owner):
    if _is_true(row.get("dynamic")):
        return None
    return owned_key(row.get("comment"), owner)


def _is_true(value):
    return word(value).lower() in ("true", "yes")


def _label(row, owner):
    key = _row_key(row, owner)
    if key is not None:
        return tag(owner, key)
    comment = row.get("comment")
    return "%s (%s)" % (row.get(".id"), comment) if comment else str(row.get(".id"))


def _fields_text(fields):
    parts = []
    for name, value in fields.items():
        if name in SECRET_FIELDS:
            value = "********"
        parts.append("%s=%s" % (name, _quote(value)))
    return " ".join(parts)


def _quote(value):
    text = word(value)
    return '"%s"' % text if (not text or " " in text) else text


def plan_menu(spec, rows):
    """Plan the operations that turn ``rows`` (a print of the menu, in order) into the spec."""
    rows = [dict(row) for row in rows]
    operations = []
    before = [dict(row) for row in rows]
    desired = dict(spec.entries)
    meaningful = menu(spec.path).meaningful

    def emit(operation):
        operations.append(operation)

    # 1. Remove ours that are not desired, duplicates of a key, and entries carrying a field
    #    that changes their meaning which we did not set (replaced below by an add).
    seen = set()
    for row in list(rows):
        key = _row_key(row, spec.owner)
        if key is None:
            continue
        reason = None
        if key not in desired:
            reason = "not desired"
        elif key in seen:
            reason = "duplicate"
        else:
            unwanted = sorted(name for name in meaningful
                              if name not in desired[key] and not _is_unset(spec.path, name, row.get(name, "")))
            if unwanted:
                reason = "has %s set by hand" % ", ".join(unwanted)
        if reason:
            rows.remove(row)
            emit(Operation("remove", spec.path, key, target=row[".id"], source=reason,
                           text="remove %s %s (%s)" % (spec.path, tag(spec.owner, key), reason)))
        else:
            seen.add(key)

    # 2. Set fields that differ on ours that stay.
    by_key = dict((_row_key(row, spec.owner), row) for row in rows if _row_key(row, spec.owner) is not None)
    for key, fields in spec.entries:
        row = by_key.get(key)
        if row is None:
            continue
        # A secret the print does not show cannot be compared: it is left as it is.
        changes = dict((name, value) for name, value in fields.items()
                       if not (name in SECRET_FIELDS and name not in row)
                       and not field_matches(spec.path, name, row, value))
        if not changes:
            continue
        described = ", ".join(
            "%s: %s -> %s" % (name, "********" if name in SECRET_FIELDS else _quote(row.get(name, "")),
                              "********" if name in SECRET_FIELDS else _quote(value))
            for name, value in changes.items()
        )
        row.update(changes)
        emit(Operation("set", spec.path, key, target=row[".id"], fields=changes, source="fields differ",
                       text="set %s %s %s" % (spec.path, tag(spec.owner, key), described)))

    # 3. Add the missing ones; in ordered menus also move ours into place.
    if spec.ordered:
        _plan_order(spec, rows, by_key, emit)
    else:
        for key, fields in spec.entries:
            if key in by_key:
                continue
            new = dict(fields)
            new[".id"] = "new:%s" % key
            rows.append(new)
            emit(Operation("add", spec.path, key, fields=fields, source="missing",
                           text="add %s %s" % (spec.path, _fields_text(fields))))
    return MenuPlan(spec, before, rows, operations)


def _plan_order(spec, rows, by_key, emit):
    chain_field = spec.chain_field
    anchor_row = None
    if spec.place_before:
        for row in rows:
            if _row_key(row, spec.owner) is None and not _is_true(row.get("dynamic")) and (
                    row.get("comment") == spec.place_before or row.get(".id") == spec.place_before):
                anchor_row = row
                break
        else:
            raise InvalidInputError(
                "place_before %r matches no entry in %s that is not ours (give the comment or .id of one of "
                "your entries)" % (spec.place_before, spec.path)
            )
    chains = []
    for _key, fields in spec.entries:
        if fields[chain_field] not in chains:
            chains.append(fields[chain_field])

    def chain_rows(chain):
        return [row for row in rows if row.get(chain_field) == chain and not _is_true(row.get("dynamic"))]

    def next_in_chain(row, chain):
        # Blocks of other owners of ours (two roles each first in one chain) are stepped over, so that
        # neither block moves the other on every run.
        members = [member for member in chain_rows(chain) if member is row or not _other_owner(member, spec.owner)]
        position = members.index(row)
        return members[position + 1][".id"] if position + 1 < len(members) else None

    for chain in chains:
        if anchor_row is not None and anchor_row.get(chain_field) == chain:
            target = anchor_row[".id"]
        else:
            users = [row for row in chain_rows(chain)
                     if _row_key(row, spec.owner) is None and not _other_owner(row, spec.owner)]
            target = users[0][".id"] if users else None
        block = [(key, fields) for key, fields in spec.entries if fields[chain_field] == chain]
        for key, fields in reversed(block):
            row = by_key.get(key)
            where = _describe_target(rows, target, spec.owner)
            if row is None:
                new = dict(fields)
                new[".id"] = "new:%s" % key
                _insert_before(rows, new, target)
                by_key[key] = new
                emit(Operation("add", spec.path, key, fields=fields, destination=target, source="missing",
                               text="add %s %s (%s)" % (spec.path, _fields_text(fields), where)))
                target = new[".id"]
                continue
            if next_in_chain(row, chain) != target:
                rows.remove(row)
                _insert_before(rows, row, target)
                emit(Operation("move", spec.path, key, target=row[".id"], destination=target, source="out of place",
                               text="move %s %s %s" % (spec.path, tag(spec.owner, key), where)))
            target = row[".id"]


def _other_owner(row, owner):
    """An entry tagged by another owner of this collection (``ovpn6:<other>:...``)."""
    comment = str(row.get("comment") or "")
    return comment.startswith(TAG + ":") and owned_key(comment, owner) is None


def _describe_target(rows, target, owner):
    if target is None:
        return "at the end"
    for row in rows:
        if row.get(".id") == target:
            return "before %s" % _label(row, owner)
    return "before %s" % target


def _insert_before(rows, row, target):
    if target is None:
        rows.append(row)
        return
    for position, other in enumerate(rows):
        if other.get(".id") == target:
            rows.insert(position, row)
            return
    rows.append(row)


def render(plan_rows, spec):
    """Export-like lines for diff mode: our entries in full, others as one placeholder line each."""
    desired_fields = dict(spec.entries)
    lines = []
    for row in plan_rows:
        key = _row_key(row, spec.owner)
        if key is None:
            if spec.ordered and not _is_true(row.get("dynamic")):
                lines.append("# %s %s=%s (an entry of yours, left as it is)" % (
                    row.get(".id"), spec.chain_field, row.get(spec.chain_field)))
            continue
        names = list(desired_fields[key]) if key in desired_fields else [
            name for name in row if name not in _NOT_SHOWN]
        shown = dict((name, row.get(name, "")) for name in names)
        shown["comment"] = row.get("comment", "")
        lines.append("%s add %s" % (spec.path, _fields_text(shown)))
    return "\n".join(lines) + ("\n" if lines else "")


def read_and_plan(session, specs):
    """One print per menu, then a plan for every spec; raises before anything is changed."""
    plans = []
    for spec in specs:
        if spec.path.startswith("/ipv6/") or spec.path == "/interface/6to4":
            session.require_ipv6(spec.path)
    for spec in specs:
        rows = session.print_menu(spec.path, query=spec.print_words)
        plans.append(plan_menu(spec, rows))
    return plans


def apply_plans(session, plans):
    """Carry out the planned operations in order; ids of entries added earlier stand in for 'new:<key>'."""
    for plan in plans:
        new_ids = {}

        def real(target):
            return new_ids.get(target, target) if target else target

        for operation in plan.operations:
            if operation.action == "remove":
                session.run(operation.path, "remove", **{".id": real(operation.target)})
            elif operation.action == "set":
                arguments = {".id": real(operation.target)}
                arguments.update(_arguments(operation.path, operation.fields))
                session.run(operation.path, "set", **arguments)
            elif operation.action == "move":
                arguments = {"numbers": real(operation.target)}
                if operation.destination:
                    arguments["destination"] = real(operation.destination)
                session.run(operation.path, "move", **arguments)
            elif operation.action == "add":
                arguments = dict((name, value) for name, value in _arguments(operation.path, operation.fields).items()
                                 if not name.startswith("!"))  # a new entry has no flag to clear
                if operation.destination:
                    arguments["place-before"] = real(operation.destination)
                rows = session.run(operation.path, "add", **arguments)
                new_ids["new:%s" % operation.key] = rows[0].get("ret") if rows else None
            else:
                plan.perform(session, operation)


def summarize(plans):
    """changed, the list of changes (text) and the diff (before/after of every plan)."""
    changes = [operation.text for plan in plans for operation in plan.operations]
    before = "".join(plan.before for plan in plans)
    after = "".join(plan.after for plan in plans)
    return dict(changed=bool(changes), changes=changes, diff=dict(before=before, after=after))


def converge(session, plans, check_mode):
    """Apply ``plans`` unless check_mode; the summary either way, so check mode reports what a run does."""
    if not check_mode:
        apply_plans(session, plans)
    return summarize(plans)


def sync(session, specs, check_mode):
    """Read, plan, and (unless check_mode) apply; return the summary the modules report."""
    return converge(session, read_and_plan(session, specs), check_mode)
