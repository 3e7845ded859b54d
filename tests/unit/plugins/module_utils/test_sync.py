# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sync engine's planning logic, against a small in-memory menu (no protocol involved)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import (
    MenuSpec,
    apply_plans,
    plan_menu,
    read_and_plan,
    same_value,
    summarize,
    sync,
)

MANGLE = "/ip/firewall/mangle"


class FakeMenuSession:
    """Just enough of a menu for the engine: ordered rows, add/set/remove/move by .id."""

    def __init__(self, rows_by_path):
        self.menus = dict((path, [dict(row) for row in rows]) for path, rows in rows_by_path.items())
        self.next_id = 100
        self.commands = []

    def require_ipv6(self, path):
        self.commands.append((path, "require_ipv6"))

    def print_menu(self, path, proplist=None, query=None):
        self.commands.append((path, "print"))
        return [dict(row) for row in self.menus.setdefault(path, [])]

    def _index(self, path, entry_id):
        return [row[".id"] for row in self.menus[path]].index(entry_id)

    def run(self, path, command, **arguments):
        self.commands.append((path, command))
        rows = self.menus.setdefault(path, [])
        if command == "add":
            self.next_id += 1
            row = dict((name, value) for name, value in arguments.items() if name != "place-before")
            row[".id"] = "*%X" % self.next_id
            before = arguments.get("place-before")
            rows.insert(self._index(path, before) if before else len(rows), row)
            return [{"ret": row[".id"]}]
        if command == "set":
            rows[self._index(path, arguments[".id"])].update(
                (name, value) for name, value in arguments.items() if name != ".id")
        elif command == "remove":
            del rows[self._index(path, arguments[".id"])]
        elif command == "move":
            row = rows.pop(self._index(path, arguments["numbers"]))
            destination = arguments.get("destination")
            rows.insert(self._index(path, destination) if destination else len(rows), row)
        return []


SEED_BLOCK = [
    {"key": "lan-vpn", "chain": "prerouting", "action": "mark-routing", "new-routing-mark": "vpn", "in-interface": "bridge"},
    {"key": "ssh-direct", "chain": "prerouting", "action": "mark-routing", "new-routing-mark": "main",
     "protocol": "tcp", "dst-port": "22"},
    {"key": "dns-direct", "chain": "prerouting", "action": "mark-routing", "new-routing-mark": "main",
     "protocol": "udp", "dst-port": "53"},
    {"key": "sit-vpn", "chain": "output", "action": "mark-routing", "new-routing-mark": "vpn", "protocol": "41"},
]
USER_RULES = [
    {".id": "*1", "chain": "prerouting", "action": "accept", "src-address": "10.9.0.0/16", "comment": "user one"},
    {".id": "*2", "chain": "forward", "action": "accept", "comment": "user two"},
    {".id": "*3", "chain": "prerouting", "action": "mark-connection", "new-connection-mark": "x"},
    {".id": "*4", "chain": "output", "action": "accept", "comment": "user out"},
]


def converge(session, spec):
    apply_plans(session, read_and_plan(session, [spec]))


def ours(session, path=MANGLE):
    return [row["comment"] for row in session.menus[path] if row.get("comment", "").startswith("ovpn6:p:")]


def foreign(session, path=MANGLE):
    return [row for row in session.menus[path] if not row.get("comment", "").startswith("ovpn6:")]


def test_converge_places_block_first_in_each_chain_and_leaves_user_rules_alone():
    session = FakeMenuSession({MANGLE: USER_RULES})
    spec = MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True)
    converge(session, spec)
    ids = [row.get("comment") or row[".id"] for row in session.menus[MANGLE]]
    assert ids == ["ovpn6:p:lan-vpn", "ovpn6:p:ssh-direct", "ovpn6:p:dns-direct", "user one",
                   "user two", "*3", "ovpn6:p:sit-vpn", "user out"]
    assert foreign(session) == USER_RULES
    # the second run plans nothing and only reads
    session.commands.clear()
    plan = plan_menu(spec, session.print_menu(MANGLE))
    assert plan.operations == []


def test_place_before_a_user_entry():
    session = FakeMenuSession({MANGLE: USER_RULES})
    converge(session, MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True, place_before="*3"))
    names = [row.get("comment") or row[".id"] for row in session.menus[MANGLE]]
    assert names[:6] == ["user one", "user two", "ovpn6:p:lan-vpn", "ovpn6:p:ssh-direct", "ovpn6:p:dns-direct", "*3"]


def test_place_before_unknown_entry_is_refused_before_any_change():
    session = FakeMenuSession({MANGLE: USER_RULES})
    with pytest.raises(InvalidInputError, match="place_before 'nope' matches no entry"):
        sync(session, [MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True, place_before="nope")], check_mode=False)
    assert session.menus[MANGLE] == USER_RULES


def test_drift_repair_touches_only_the_drifted_entry():
    session = FakeMenuSession({MANGLE: USER_RULES})
    spec = MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True)
    converge(session, spec)
    rows = session.menus[MANGLE]
    ssh = next(row for row in rows if row["comment"] == "ovpn6:p:ssh-direct")
    ssh["dst-port"] = "2222"
    summary = sync(session, [spec], check_mode=False)
    assert summary["changes"] == ["set /ip/firewall/mangle ovpn6:p:ssh-direct dst-port: 2222 -> 22"]
    # reorder: swap two of ours
    rows = session.menus[MANGLE]
    rows[0], rows[1] = rows[1], rows[0]
    summary = sync(session, [spec], check_mode=False)
    assert len(summary["changes"]) == 1 and summary["changes"][0].startswith("move")
    assert ours(session)[:3] == ["ovpn6:p:lan-vpn", "ovpn6:p:ssh-direct", "ovpn6:p:dns-direct"]
    # a field added by hand that changes the match: the entry is replaced
    next(row for row in session.menus[MANGLE] if row["comment"] == "ovpn6:p:dns-direct")["src-address"] = "192.0.2.9"
    summary = sync(session, [spec], check_mode=False)
    assert [change.split()[0] for change in summary["changes"]] == ["remove", "add"]
    assert sync(session, [spec], check_mode=False)["changed"] is False
    assert foreign(session) == USER_RULES


def test_check_mode_reports_what_the_real_run_does():
    session = FakeMenuSession({MANGLE: USER_RULES})
    spec = MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True)
    checked = sync(session, [spec], check_mode=True)
    assert session.menus[MANGLE] == USER_RULES
    real = sync(session, [spec], check_mode=False)
    assert checked["changes"] == real["changes"] and real["changed"]
    assert checked["diff"] == real["diff"]
    assert "ovpn6:p:sit-vpn" in real["diff"]["after"] and "ovpn6:p" not in real["diff"]["before"]


def test_absent_removes_only_the_owner():
    other = {".id": "*9", "chain": "prerouting", "action": "accept", "comment": "ovpn6:someoneelse:x"}
    session = FakeMenuSession({MANGLE: USER_RULES + [other]})
    converge(session, MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True))
    summary = sync(session, [MenuSpec(MANGLE, "p", state="absent", ordered=True)], check_mode=False)
    assert len(summary["changes"]) == 4
    assert session.menus[MANGLE] == USER_RULES + [other]


def test_duplicates_and_stale_keys_are_removed():
    rows = [
        {".id": "*A", "chain": "prerouting", "action": "accept", "comment": "ovpn6:p:lan-vpn"},
        {".id": "*B", "chain": "prerouting", "action": "accept", "comment": "ovpn6:p:lan-vpn"},
        {".id": "*C", "chain": "prerouting", "action": "accept", "comment": "ovpn6:p:old"},
    ]
    session = FakeMenuSession({MANGLE: rows})
    spec = MenuSpec(MANGLE, "p", SEED_BLOCK[:1], ordered=True)
    converge(session, spec)
    assert [row[".id"] for row in session.menus[MANGLE]] == ["*A"]
    assert session.menus[MANGLE][0]["action"] == "mark-routing"


@pytest.mark.parametrize("entries, message", [
    ([{"chain": "x"}], "needs a 'key'"),
    ([{"key": "a b", "chain": "x"}], "needs a 'key'"),
    ([{"key": "a", "chain": "x"}, {"key": "a", "chain": "x"}], "key 'a' is used twice"),
    ([{"key": "a", "chain": "x", "comment": "mine"}], "field 'comment' is set by the engine"),
    ([{"key": "a", "action": "accept"}], "needs a 'chain'"),
])
def test_bad_entries_are_refused(entries, message):
    with pytest.raises(InvalidInputError, match=message):
        MenuSpec(MANGLE, "p", entries, ordered=True)


@pytest.mark.parametrize("field, actual, desired", [
    ("disabled", "false", False), ("passthrough", "true", "yes"), ("protocol", "ipv6-encap", 41),
    ("dst-address", "0.0.0.0/0", "0.0.0.0/0"), ("src-address", "192.0.2.1", "192.0.2.1/32"),
    ("address", "2001:db8:0::1/64", "2001:db8::1/64"), ("port", "22", 22),
])
def test_same_value(field, actual, desired):
    assert same_value(field, actual, desired)


def test_different_values():
    assert not same_value("dst-port", "22", "23")
    assert not same_value("protocol", "tcp", "udp")
    assert not same_value("address", "2001:db8:100:ffff::1:1/112", "2001:db8:100:ffff::1:2/112")


def test_unordered_menu_and_secret_masking():
    path = "/interface/ovpn-client"
    session = FakeMenuSession({path: [{".id": "*1", "name": "theirs", "password": "x"}]})
    spec = MenuSpec(path, "ovpn", [{"key": "ovpn6", "name": "ovpn6", "password": "s3cret", "port": 1194}])
    summary = sync(session, [spec], check_mode=False)
    assert "s3cret" not in repr(summary)
    session.menus[path][1]["password"] = "changed"
    summary = sync(session, [spec], check_mode=False)
    assert summary["changes"] == ["set /interface/ovpn-client ovpn6:ovpn:ovpn6 password: ******** -> ********"]
    assert session.menus[path][0] == {".id": "*1", "name": "theirs", "password": "x"}


_ROW = st.fixed_dictionaries({
    "chain": st.sampled_from(["prerouting", "output", "forward"]),
    "comment": st.sampled_from(["user", "ovpn6:p:lan-vpn", "ovpn6:p:ssh-direct", "ovpn6:p:dns-direct",
                                "ovpn6:p:sit-vpn", "ovpn6:p:stale", ""]),
    "action": st.sampled_from(["accept", "mark-routing"]),
    "dst-port": st.sampled_from(["", "22", "53"]),
})


@settings(max_examples=150, deadline=None)
@given(st.lists(_ROW, max_size=12), st.booleans())
def test_any_start_converges_in_one_run(rows, with_anchor):
    start = [dict(row, **{".id": "*%X" % (index + 1)}) for index, row in enumerate(rows)]
    session = FakeMenuSession({MANGLE: start})
    users_before = foreign(session)
    anchor = None
    if with_anchor:
        candidates = [row[".id"] for row in users_before]
        anchor = candidates[-1] if candidates else None
    spec = MenuSpec(MANGLE, "p", SEED_BLOCK, ordered=True, place_before=anchor)
    converge(session, spec)
    assert foreign(session) == users_before
    assert plan_menu(spec, session.print_menu(MANGLE)).operations == []
    for chain in ("prerouting", "output"):
        members = [row.get("comment") for row in session.menus[MANGLE] if row["chain"] == chain]
        block = [entry["key"] for entry in SEED_BLOCK if entry["chain"] == chain]
        tagged = ["ovpn6:p:%s" % key for key in block]
        start_at = members.index(tagged[0])
        assert members[start_at:start_at + len(tagged)] == tagged
        if anchor is None:
            assert start_at == 0
        elif session.menus[MANGLE][[r[".id"] for r in session.menus[MANGLE]].index(anchor)]["chain"] == chain:
            assert members[start_at + len(tagged)] == next(
                row.get("comment") for row in session.menus[MANGLE] if row[".id"] == anchor)


def test_route_defaults_printed_by_7x_are_not_drift():
    path = "/ipv6/route"
    row = {".id": "*1", "dst-address": "2001:db8:100:1::/64", "gateway": "2001:db8:100:ffff::1:1", "distance": "1",
           "routing-table": "main", "blackhole": "", "comment": "ovpn6:sit:lan"}
    session = FakeMenuSession({path: [row]})
    spec = MenuSpec(path, "sit", [{"key": "lan", "dst-address": "2001:db8:100:1::/64",
                                   "gateway": "2001:db8:100:ffff::1:1"}])
    assert sync(session, [spec], check_mode=False)["changes"] == []
    session.menus[path][0]["routing-table"] = "other"
    assert [change.split()[0] for change in sync(session, [spec], check_mode=False)["changes"]] == ["remove", "add"]


def test_summary_of_nothing():
    assert summarize([]) == {"changed": False, "changes": [], "diff": {"before": "", "after": ""}}


def test_a_secret_the_print_hides_is_left_alone_and_one_it_shows_is_compared():
    spec = MenuSpec("/interface/ovpn-client", "o", [{"key": "c", "name": "c", "password": "s3cret", "port": "1194"}])
    hidden = {".id": "*1", "name": "c", "port": "1194", "comment": "ovpn6:o:c"}
    assert plan_menu(spec, [hidden]).operations == []
    shown = dict(hidden, password="other")
    (operation,) = plan_menu(spec, [shown]).operations
    assert operation.fields == {"password": "s3cret"} and "s3cret" not in operation.text


def test_flags_are_sent_bare_or_cleared_with_a_bang():
    from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import _arguments

    assert _arguments("/ip/route", {"blackhole": "yes", "dst-address": "10.0.0.0/8"}) == {
        "blackhole": "", "dst-address": "10.0.0.0/8"}
    assert _arguments("/ip/route", {"blackhole": "no"}) == {"!blackhole": ""}
    assert _arguments("/interface/6to4", {"keepalive": ""}) == {"!keepalive": ""}
    assert _arguments("/interface/6to4", {"keepalive": "10s,10"}) == {"keepalive": "10s,10"}


def test_two_owners_first_in_one_chain_do_not_move_each_other():
    # Two roles each put a block first in the input chain: a second run of either must change nothing.
    session = FakeMenuSession({MANGLE: USER_RULES})
    first = MenuSpec(MANGLE, "p", [{"key": "a", "chain": "prerouting", "action": "accept"}], ordered=True)
    second = MenuSpec(MANGLE, "q", [{"key": "b", "chain": "prerouting", "action": "accept"}], ordered=True)
    converge(session, first)
    converge(session, second)
    for spec in (first, second, first):
        assert read_and_plan(session, [spec])[0].operations == []
    comments = [row.get("comment") for row in session.menus[MANGLE] if row["chain"] == "prerouting"]
    assert comments[:3] == ["ovpn6:p:a", "ovpn6:q:b", "user one"] or comments[:3] == ["ovpn6:q:b", "ovpn6:p:a", "user one"]
