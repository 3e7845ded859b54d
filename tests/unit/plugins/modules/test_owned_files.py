# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""owned_files: a directory's owned files made exactly the wanted set, in a temporary directory, through the
module's main() as Ansible runs it: what it creates, updates and removes, what it never touches, check mode
and diff mode, and bad input refused with nothing changed."""

from __future__ import annotations

import json
import os
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.tunnelworks.ovpn6.plugins.modules import owned_files

MARKER = "# ovpn6:test "


def content(name, body="x"):
    return "%srouter=%s\n%s\n" % (MARKER, name, body)


def run(capsys, check_mode=False, diff=False, **args):
    args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args), pytest.raises(SystemExit):
        owned_files.main()
    return json.loads(capsys.readouterr().out)


def snapshot(directory):
    return {name: open(os.path.join(directory, name)).read() for name in sorted(os.listdir(directory))}


@pytest.fixture
def netdir(tmp_path):
    """A directory with one owned file, a user's file matching the pattern, and a user's file that does not."""
    (tmp_path / "60-t-old.netdev").write_text(content("old"))
    (tmp_path / "60-t-user.netdev").write_text("# the user's own tunnel\n[NetDev]\n")
    (tmp_path / "10-eth.network").write_text("%srouter=lookalike\n" % MARKER)
    return tmp_path


def test_creates_updates_and_removes_only_owned_files(netdir, capsys):
    (netdir / "60-t-b.netdev").write_text(content("b", "stale"))
    result = run(capsys, path=str(netdir), pattern="60-t-*", marker=MARKER, mode="0644",
                 files=[{"name": "60-t-a.netdev", "content": content("a")},
                        {"name": "60-t-b.netdev", "content": content("b")}])
    assert result["changed"] is True
    assert result["created"] == ["60-t-a.netdev"] and result["updated"] == ["60-t-b.netdev"]
    assert result["removed"] == ["60-t-old.netdev"]
    files = snapshot(netdir)
    assert files["60-t-a.netdev"] == content("a") and files["60-t-b.netdev"] == content("b")
    assert "60-t-old.netdev" not in files
    # the user's files: one matches the pattern but has no marker, one has the marker but not the pattern
    assert files["60-t-user.netdev"].startswith("# the user's own") and "10-eth.network" in files
    assert stat.S_IMODE(os.stat(netdir / "60-t-a.netdev").st_mode) == 0o644


def test_a_second_run_changes_nothing(netdir, capsys):
    args = dict(path=str(netdir), pattern="60-t-*", marker=MARKER, files=[{"name": "60-t-a.netdev", "content": content("a")}])
    run(capsys, **args)
    before = snapshot(netdir)
    result = run(capsys, **args)
    assert result["changed"] is False and result["created"] == result["updated"] == result["removed"] == []
    assert snapshot(netdir) == before


def test_check_mode_reports_exactly_and_changes_nothing(netdir, capsys):
    before = snapshot(netdir)
    result = run(capsys, check_mode=True, diff=True, path=str(netdir), pattern="60-t-*", marker=MARKER,
                 files=[{"name": "60-t-a.netdev", "content": content("a")}])
    assert result["changed"] is True
    assert (result["created"], result["removed"]) == (["60-t-a.netdev"], ["60-t-old.netdev"])
    assert snapshot(netdir) == before
    diffs = {d["after_header"]: d for d in result["diff"]}
    assert diffs[str(netdir / "60-t-a.netdev")]["after"] == content("a")
    removed = diffs[str(netdir / "60-t-old.netdev") + " (absent)"]
    assert removed["before"] == content("old") and removed["after"] == ""


def test_a_mode_changed_by_hand_is_put_back_and_reported(netdir, capsys):
    args = dict(path=str(netdir), pattern="60-t-*", marker=MARKER, mode="0644",
                files=[{"name": "60-t-old.netdev", "content": content("old")}])
    os.chmod(netdir / "60-t-old.netdev", 0o600)
    result = run(capsys, **args)
    assert result["changed"] is True and result["updated"] == ["60-t-old.netdev"]
    assert stat.S_IMODE(os.stat(netdir / "60-t-old.netdev").st_mode) == 0o644


def test_state_absent_removes_every_owned_file_and_nothing_else(netdir, capsys):
    result = run(capsys, path=str(netdir), pattern="60-t-*", marker=MARKER, state="absent")
    assert result["removed"] == ["60-t-old.netdev"]
    assert sorted(os.listdir(netdir)) == ["10-eth.network", "60-t-user.netdev"]


def test_without_a_marker_every_file_of_the_pattern_is_owned(tmp_path, capsys):
    (tmp_path / "gone").write_text("ifconfig-push 198.51.100.9 255.255.255.0\n")
    result = run(capsys, path=str(tmp_path / "ccd"), files=[{"name": "rtr-a", "content": "a\n"}])
    assert result["created"] == ["rtr-a"] and os.path.isdir(tmp_path / "ccd")
    result = run(capsys, path=str(tmp_path), files=[{"name": "rtr-a", "content": "a\n"}])
    assert result["removed"] == ["gone"] and "ccd" in os.listdir(tmp_path)  # a directory is never owned


@pytest.mark.parametrize("files, message", [
    ([{"name": "../etc/passwd", "content": content("x")}], "'../etc/passwd' must be a plain file name"),
    ([{"name": "60-t-a", "content": content("a")}, {"name": "60-t-a", "content": content("a")}],
     "'60-t-a' is given more than once"),
    ([{"name": "other", "content": content("o")}], "'other' does not match pattern '60-t-*'"),
    ([{"name": "60-t-a", "content": "no marker\n"}], "has no line starting with the marker"),
    ([{"name": "60-t-a", "content": 5}], "content must be a string"),
    ([{"name": "60-t-user.netdev", "content": content("u")}], "60-t-user.netdev exists and is not a file this task owns"),
])
def test_bad_input_is_refused_by_name_and_nothing_changes(netdir, capsys, files, message):
    before = snapshot(netdir)
    result = run(capsys, path=str(netdir), pattern="60-t-*", marker=MARKER, files=files)
    assert result["failed"] is True and message in result["msg"] and "Nothing was changed" in result["msg"]
    assert snapshot(netdir) == before
