# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's RouterOS script parser reads every public export in routeros_script_corpus.

The corpus is what keeps the parser honest: it was written by RouterOS 6.x and 7.x, not by this
collection (each file's repository, path and commit are in routeros_script_corpus/SOURCES).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from routeros_emu import script

CORPUS = Path(__file__).parent / "routeros_script_corpus"
FILES = sorted(CORPUS.glob("*.rsc"))
HEADER = re.compile(r"by RouterOS (\d+)\.(\d+)")


def _release(path):
    match = HEADER.search(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, "%s: the first line does not name the RouterOS release" % path.name
    return int(match.group(1)), int(match.group(2))


def test_corpus_is_large_and_spans_6_and_7():
    assert len(FILES) >= 20
    majors = {_release(path)[0] for path in FILES}
    assert majors == {6, 7}
    listed = {line.split(" | ")[0] for line in (CORPUS / "SOURCES").read_text().splitlines()
              if line and not line.startswith("#")}
    assert listed == {path.name for path in FILES}, "every corpus file, and only those, is in SOURCES"
    for line in (CORPUS / "SOURCES").read_text().splitlines():
        if line and not line.startswith("#"):
            _name, repo, repo_path, commit = line.split(" | ")
            assert "/" in repo and repo_path and re.fullmatch(r"[0-9a-f]{40}", commit), line


def test_corpus_holds_no_secret():
    pattern = re.compile(r"(password|secret|private-key|passphrase|pre-shared-key)=(?!\"\"|\\\n|\s)", re.I)
    for path in FILES:
        assert not pattern.search(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_export_parses(path):
    text = path.read_bytes().decode("utf-8")  # CR LF kept as written
    statements = script.parse(text)
    # Every line that starts with '/' or 'add'/'set' in the file is one statement (comments and
    # continuation lines are not): the parser neither drops nor splits commands.
    lines = [line for line in text.replace("\r\n", "\n").split("\n")
             if line[:1] in ("/", ":") or re.match(r"(add|set|remove)\b", line)]
    assert len(statements) == len(lines)
    for statement in statements:
        if statement.absolute and statement.name is None:
            assert statement.path, "a menu line names a menu"
        if statement.name == "add":
            # 'add' takes no unnamed value: bare words there are flags ('passive') or unset arguments
            # ('!routing-mark', verbose exports). Anything else would be a value split by a joined line.
            for value in statement.unnamed:
                text = "".join(piece.text for piece in value.pieces)
                assert re.fullmatch(r"!?[a-z][a-z0-9-]*", text), (path.name, statement.line, text)
        for name, value in statement.args:
            assert re.fullmatch(r"!?[a-z0-9.][a-z0-9./-]*", name), (path.name, statement.line, name)
