# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A directory of files the collection owns, brought to a wanted set in one pass.

Plan first (what to create, update, remove; pure, from what is on disk), then apply: the module
reports the plan in check mode and carries it out otherwise. A file is ours when its name matches
the pattern and, if a marker is given, one of its lines starts with the marker; any other file in
the directory is never read beyond that test, changed or removed.
"""

from __future__ import annotations

import fnmatch
import os
import stat

# Owned files are a few hundred bytes; a marker past this point is not one we wrote.
MARKER_SCAN_BYTES = 65536


class OwnedFilesError(Exception):
    """Bad input: the message names the value and the rule."""


def check_wanted(files, pattern, marker):
    """The wanted files as {name: content}, refusing names and contents the sync could not own."""
    wanted = {}
    for index, entry in enumerate(files):
        name, content = entry.get("name"), entry.get("content")
        if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\0" in name:
            raise OwnedFilesError(
                "files[%d]: name %r must be a plain file name (no '/', not '.' or '..')" % (index, name))
        if not isinstance(content, str):
            raise OwnedFilesError("files[%d] (%s): content must be a string, got %s" % (
                index, name, type(content).__name__))
        if name in wanted:
            raise OwnedFilesError("files[%d]: name %r is given more than once" % (index, name))
        if not fnmatch.fnmatchcase(name, pattern):
            raise OwnedFilesError(
                "files[%d]: name %r does not match pattern %r, so a later run could not recognise it as its own"
                % (index, name, pattern))
        if marker and not has_marker(content, marker):
            raise OwnedFilesError(
                "files[%d] (%s): content has no line starting with the marker %r, so a later run could not "
                "recognise it as its own" % (index, name, marker))
        wanted[name] = content
    return wanted


def has_marker(text, marker):
    return any(line.startswith(marker) for line in text.splitlines())


def _read_text(path, limit=None):
    with open(path, "rb") as handle:
        data = handle.read() if limit is None else handle.read(limit)
    return data.decode("utf-8", errors="replace")


def owned_on_disk(directory, pattern, marker):
    """Names of the regular files in directory that are ours."""
    if not os.path.isdir(directory):
        return []
    owned = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not fnmatch.fnmatchcase(name, pattern) or not stat.S_ISREG(os.lstat(path).st_mode):
            continue
        if marker and not has_marker(_read_text(path, MARKER_SCAN_BYTES), marker):
            continue
        owned.append(name)
    return owned


def plan(directory, wanted, pattern, marker):
    """{'create': [...], 'update': [...], 'remove': [...], 'before': {name: text}} for the wanted set.

    A wanted name that exists but is not ours (a directory, a link, or a file without the marker)
    is refused rather than overwritten: it belongs to someone else.
    """
    owned = set(owned_on_disk(directory, pattern, marker))
    create, update, before = [], [], {}
    for name in sorted(wanted):
        path = os.path.join(directory, name)
        if name in owned:
            text = _read_text(path)
            if text != wanted[name]:
                update.append(name)
                before[name] = text
        elif os.path.lexists(path):
            raise OwnedFilesError(
                "%s exists and is not a file this task owns (%s); move it away or choose another name" % (
                    path, "no line starts with %r" % marker if marker else "not a regular file"))
        else:
            create.append(name)
    remove = sorted(owned - set(wanted))
    for name in remove:
        before[name] = _read_text(os.path.join(directory, name))
    return {"create": create, "update": update, "remove": remove, "before": before}


def diffs(directory, steps, wanted):
    """Ansible's list-of-diffs form, one per file that changes."""
    out = []
    for name in steps["create"] + steps["update"] + steps["remove"]:
        path = os.path.join(directory, name)
        out.append({
            "before_header": path if name not in steps["create"] else "%s (absent)" % path,
            "after_header": path if name not in steps["remove"] else "%s (absent)" % path,
            "before": steps["before"].get(name, ""),
            "after": wanted.get(name, ""),
        })
    return out
