# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RouterOS script syntax in the emulator: the parser's rules and /import on an emulated router."""

from __future__ import annotations

import pytest

from routeros_emu import script
from routeros_emu.facts import RouterError
from routeros_emu.router import Router


def _one(text):
    statements = script.parse(text)
    assert len(statements) == 1
    return statements[0]


def _arg(statement, name):
    interpreter = script.Interpreter(router=None)
    value = dict(statement.args)[name]
    return interpreter.value(value, [], [{}])


def test_menu_written_with_spaces_or_slashes():
    for text in ("/ip address add address=192.0.2.1/24 interface=ether1",
                 "/ip/address/add address=192.0.2.1/24 interface=ether1",
                 "/ip/address add address=192.0.2.1/24 interface=ether1"):
        statement = _one(text)
        assert (statement.absolute, statement.path, statement.name) == (True, ["ip", "address"], "add")
        assert _arg(statement, "address") == "192.0.2.1/24"


def test_menu_line_alone_selects_the_menu():
    first, second = script.parse("/interface bridge port\nadd bridge=b interface=ether2\n")
    assert (first.path, first.name) == (["interface", "bridge", "port"], None)
    assert (second.absolute, second.path, second.name) == (False, [], "add")


def test_escapes_and_quotes():
    statement = _one('add comment="a \\"q\\" b\\\\c\\_d\\$e\\41\\tz" name=x')
    assert _arg(statement, "comment") == 'a "q" b\\c d$eA\tz'


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_joining_inside_values_and_strings(newline):
    text = ("add address=192.0.2.1/24 network=\\" + newline + "    192.0.2.0 comment=\"long \\" + newline +
            "    text\" interface=ether1" + newline)
    statement = _one(text)
    assert _arg(statement, "network") == "192.0.2.0"
    assert _arg(statement, "comment") == "long text"
    assert _arg(statement, "interface") == "ether1"


def test_comments_and_semicolons():
    statements = script.parse("# a comment with \"quotes\n/ip address; add address=192.0.2.1/24 interface=e\n"
                              "add comment=\"# not a comment\" address=192.0.2.2/24 interface=e\n")
    assert [s.name for s in statements] == [None, "add", "add"]
    assert _arg(statements[2], "comment") == "# not a comment"


def test_find_in_brackets_as_unnamed_value():
    statement = _one("set [ find default-name=ether1 ] comment=up")
    inner = statement.unnamed[0].pieces[0].command
    assert (inner.name, inner.args[0][0]) == ("find", "default-name")
    statement = _one("remove [/ip address find where interface=ether1 !dynamic]")
    inner = statement.unnamed[0].pieces[0].command
    assert (inner.absolute, inner.path, inner.name) == (True, ["ip", "address"], "find")


@pytest.mark.parametrize("text, message, line, column", [
    ("add list='x' address=192.0.2.1", "syntax error", 1, 10),  # script.SOURCES issue-blacklist-5
    ("add comment=\"open", "unterminated string", 1, 13),
    ("add a=b \\ c=d", "syntax error", 1, 9),
    ("{ :local a 1\n", "expected closing brace", 2, 1),
    ("add a=[find x=y", "expected closing bracket", 1, 16),
])
def test_syntax_errors_name_line_and_column(text, message, line, column):
    with pytest.raises(script.ScriptError) as caught:
        script.parse(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)


@pytest.mark.parametrize("text, seconds", [("5s", 5), ("1m30s", 90), ("500ms", 0.5), ("00:00:02", 2), ("3", 3)])
def test_durations(text, seconds):
    assert script.parse_duration(text) == seconds


@pytest.fixture(params=["6.49.18", "7.16"])
def router(request):
    return Router(release=request.param, factory="blank")


def test_script_runs_on_the_router(router):
    slept = []
    text = "\n".join([
        ":local comm \"set by a script\"",
        "/interface ethernet",
        "set [ find default-name=ether2 ] comment=$comm",
        "/ip address",
        "add address=192.0.2.1/24 interface=ether1 comment=\"first\"",
        ":delay 2s",
        "/ip/address/add address=198.51.100.1/24 interface=ether2",
        "/ip address remove [ find where address=\"192.0.2.1/24\" ]",
        "/ip address set [ find address=\"198.51.100.1/24\" ] comment=kept",
        "{ :local inner x; /system identity set name=\"r-$inner\" }",
    ])
    interpreter = script.run(router, text, sleep=slept.append)
    assert slept == [2.0]
    rows = router.rows("/ip/address")
    assert [(r["address"], r.get("comment")) for r in rows] == [("198.51.100.1/24", "kept")]
    ether2 = [r for r in router.rows("/interface/ethernet") if r.get("default-name") == "ether2"][0]
    assert ether2["comment"] == "set by a script"
    assert router.rows("/system/identity")[0]["name"] == "r-x"
    assert interpreter.commands_run == 6  # set, add, add, remove, set, identity set


def test_find_that_matches_nothing_changes_nothing(router):
    before = router.rows("/ip/address")
    script.run(router, "/ip address remove [ find comment=absent ]\n")
    assert router.rows("/ip/address") == before


def test_unknown_menu_is_refused_with_routeros_words(router):
    with pytest.raises(script.ScriptError) as caught:
        script.run(router, "/ip address add address=192.0.2.1/24 interface=ether1\n/ip bogus\nadd x=y\n")
    assert (caught.value.message, caught.value.line) == ("bad command name bogus", 2)
    # what ran before the error stays (an import is not a transaction)
    assert [r["address"] for r in router.rows("/ip/address")] == ["192.0.2.1/24"]


def test_refused_command_names_its_line(router):
    with pytest.raises(script.ScriptError) as caught:
        script.run(router, "/ip address\nadd address=192.0.2.1/24 interface=nosuch\n")
    assert caught.value.line == 2
    assert caught.value.message == "input does not match any value of interface"


def test_import_of_a_stored_file(router):
    router.put_file("boot.rsc", "/system identity set name=imported\r\n")
    assert router.rows("/file")[-1]["name"] == "boot.rsc"
    router.import_file("boot.rsc")
    assert router.rows("/system/identity")[0]["name"] == "imported"


def test_import_errors(router):
    with pytest.raises(RouterError, match="^failure: file not found$"):
        router.import_file("missing.rsc")
    router.put_file("bad.rsc", "/system identity set name=a\n/ip nosuchmenu\n")
    with pytest.raises(RouterError, match=r"^Script Error: bad command name nosuchmenu \(line 2 column 1\)$"):
        router.import_file("bad.rsc")
    assert router.rows("/system/identity")[0]["name"] == "a"


def test_ipv6_menus_follow_the_6x_package(router):
    """6.x without the ipv6 package has no /ipv6 menus: a script naming one is refused."""
    if router.ros7:
        pytest.skip("7.x has IPv6 built in")
    router6 = Router(release=router.release, factory="blank", assume={"ipv6_package": False})
    with pytest.raises(script.ScriptError, match="bad command name ipv6"):
        script.run(router6, "/ipv6 address add address=2001:db8::1/64 interface=ether1\n")
