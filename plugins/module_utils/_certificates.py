# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A PEM certificate, its key and its CA, put on a router and imported, idempotent by fingerprint.

Certificates carry no comment on RouterOS, so ours are the ones with the names we give. The PEM
files are written through the API (``/file add contents=`` where the release has it; otherwise
``/file print file=`` then ``/file set contents=``), imported, and removed again. A run that broke
off half-way leaves files and imports named with our upload prefix; the next run removes or adopts them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import time

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError, RouterCommandError

PATH = "/certificate"
FILES = "/file"
_PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.S)
# Releases without /file add write at most this many bytes through /file set contents=. Source: none
# recorded; unknown whether 7.0-7.8 share it, so it applies to every release without it.
ROS6_FILE_LIMIT = 4095
# How long a file made by /file print file= may take to appear (seconds): long enough for a busy router,
# short enough to fail clearly. The delay itself is not documented anywhere we found.
FILE_WAIT = 10.0
# The digests a router may show as "fingerprint": SHA-1 on RouterOS 6 (wiki.mikrotik.com
# Manual:System/Certificates, v6: "All certificate fingerprints are SHA1"), SHA-256 on 7
# (help.mikrotik.com ROS/Certificates: its print example shows 64 hex digits). Matched by either.
DIGESTS = ("sha256", "sha1")


def pem_blocks(text, what):
    """(label, DER) of every PEM block in ``text``; InvalidInputError naming ``what`` when there are none."""
    blocks = []
    for label, body in _PEM_RE.findall(text or ""):
        try:
            blocks.append((label, base64.b64decode("".join(body.split()), validate=True)))
        except (binascii.Error, ValueError):
            raise InvalidInputError("%s: a %s block is not valid base64" % (what, label))
    if not blocks:
        raise InvalidInputError("%s is not PEM text (no -----BEGIN ...----- block)" % what)
    return blocks


def certificate_der(pem, what):
    certificates = [der for label, der in pem_blocks(pem, what) if label == "CERTIFICATE"]
    if len(certificates) != 1:
        raise InvalidInputError("%s must hold exactly one certificate, found %d" % (what, len(certificates)))
    return certificates[0]


def digests(pem, what):
    """{'sha256': hex, 'sha1': hex} of the one certificate in ``pem`` (lower-case hex of its DER)."""
    der = certificate_der(pem, what)
    return dict((name, hashlib.new(name, der).hexdigest()) for name in DIGESTS)


def fingerprint(pem, what):
    """SHA-256 of the one certificate in ``pem``, as RouterOS 7 shows it (lower-case hex)."""
    return digests(pem, what)["sha256"]


def _normal(value):
    # Compare hex only: tolerant of upper case and of colon-separated forms.
    return re.sub(r"[^0-9a-f]", "", str(value or "").lower())


def check_key(pem):
    labels = [label for label, _der in pem_blocks(pem, "private_key")]
    if not any(label.endswith("PRIVATE KEY") for label in labels):
        raise InvalidInputError("private_key holds no PRIVATE KEY block (found: %s)" % ", ".join(labels))


def upload_prefix(name):
    return "ovpn6-upload-%s-" % name


class Item:
    """One certificate to have on the router under ``name``."""

    def __init__(self, name, pem, digest_hex, key_pem=None, passphrase=""):
        self.name = name
        self.pem = pem
        self.digests = digest_hex
        self.shown = None  # the fingerprint the router showed after this run imported it
        self.fingerprint = digest_hex["sha256"]
        self.key_pem = key_pem
        self.passphrase = passphrase or ""

    def match(self, shown):
        """The digest ('sha1' or 'sha256') that the router's ``fingerprint`` value is, or None."""
        shown = _normal(shown)
        return next((name for name in DIGESTS if shown and self.digests[name] == shown), None)


def _items(params):
    name = params["name"]
    items = []
    if params.get("ca_certificate"):
        ca_name = params.get("ca_name") or "%s-ca" % name
        items.append(Item(ca_name, params["ca_certificate"], digests(params["ca_certificate"], "ca_certificate")))
    if params.get("certificate"):
        if params.get("private_key"):
            check_key(params["private_key"])
        items.append(Item(name, params["certificate"], digests(params["certificate"], "certificate"),
                          params.get("private_key"), params.get("private_key_passphrase")))
    return items


def _is_true(value):
    return str(value).lower() in ("true", "yes")


def _show(rows, names):
    lines = []
    for row in rows:
        if row.get("name") in names:
            lines.append("certificate %s fingerprint=%s private-key=%s\n" % (
                row.get("name"), row.get("fingerprint"), "yes" if _is_true(row.get("private-key")) else "no"))
    return "".join(sorted(lines))


def _shown_digest(session, rows):
    """The digest this router shows: from its own certificates when it has any, else from the documentation."""
    lengths = set(len(_normal(row.get("fingerprint"))) for row in rows if row.get("fingerprint"))
    if lengths == set([40]):
        return "sha1", "its certificates show SHA-1"
    if lengths == set([64]):
        return "sha256", "its certificates show SHA-256"
    if session.version[0] < 7:
        return "sha1", "the RouterOS 6 manual says SHA-1"
    return "sha256", "the RouterOS 7 manual shows SHA-256"


def _check_sizes(session, items):
    for item in items:
        for what, text in (("certificate " + item.name, item.pem), ("private key of " + item.name, item.key_pem)):
            size = len(text.encode("utf-8")) if text else 0
            if size > ROS6_FILE_LIMIT:
                raise InvalidInputError(
                    "%s is %d bytes: RouterOS %s has no /file add and writes at most %d bytes into a file "
                    "through the API; use a smaller key (EC, or RSA 2048)"
                    % (what, size, session.release, ROS6_FILE_LIMIT))


def ensure(session, params, check_mode):
    name = params["name"]
    prefix = upload_prefix(name)
    items = _items(params) if params["state"] == "present" else []
    if params["state"] == "present" and not items:
        raise InvalidInputError("state=present needs certificate (with private_key) or ca_certificate")
    # /file add name= contents= first appears in the 7.9 dump (shared/routeros-schema/7.9.json) and the
    # Files manual page says "added in RouterOS 7.9beta2"; older releases take the print file= path.
    file_add = session.has("file_add")
    if not file_add:
        _check_sizes(session, items)
    managed = set([name, params.get("ca_name") or "%s-ca" % name])
    rows = session.print_menu(PATH, proplist=[".id", "name", "fingerprint", "private-key"])
    files = session.print_menu(FILES, proplist=[".id", "name"])
    before = _show(rows, managed)
    shown, shown_basis = _shown_digest(session, rows)
    changes = []
    notes = []
    uploads = []
    matched = {}
    shown_now = {}  # item name -> its fingerprint as the router shows it (or will, once imported)
    steps = []  # callables that make the changes

    for row in files:
        if str(row.get("name", "")).startswith(prefix):
            changes.append("remove file %s (left by an interrupted run)" % row["name"])
            steps.append(lambda row=row: session.run(FILES, "remove", **{".id": row[".id"]}))
    state = [dict(row) for row in rows]

    def wanted(fingerprint_shown):
        return next((item for item in items if item.match(fingerprint_shown)), None)

    for row in list(state):
        row_name = str(row.get("name", ""))
        ours = row_name in managed or row_name.startswith(prefix)
        if not ours:
            continue
        item = wanted(row.get("fingerprint"))
        if params["state"] == "absent" or item is None or (row_name != item.name and any(
                other.get("name") == item.name and item.match(other.get("fingerprint")) for other in state)):
            reason = "replaced" if params["state"] == "present" and row_name in managed else (
                "left by an interrupted run" if row_name.startswith(prefix) else "state=absent")
            changes.append("remove certificate %s fingerprint=%s (%s)" % (row_name, row.get("fingerprint"), reason))
            state.remove(row)
            steps.append(lambda row=row: session.run(PATH, "remove", **{".id": row[".id"]}))
    for item in items:
        holder = next((row for row in state if item.match(row.get("fingerprint"))), None)
        if holder is not None:
            shown_now[item.name] = holder.get("fingerprint")
            matched[item.name] = item.match(holder.get("fingerprint"))
            notes.append("certificate %s is on the router as %s, matched by its %s fingerprint" % (
                item.name, holder.get("name"), matched[item.name].upper().replace("SHA", "SHA-")))
        if holder is not None and holder.get("name") not in managed and not str(holder.get("name")).startswith(prefix):
            if item.key_pem is None:
                continue  # a CA the user already has under a name of their own: use it, leave it be
            raise InvalidInputError(
                "certificate with fingerprint %s is already on router %s as %r, which this module does not manage; "
                "use name=%s or remove it" % (holder.get("fingerprint"), session.where, holder.get("name"),
                                              holder.get("name")))
        if holder is None:
            matched[item.name] = None
            shown_now[item.name] = item.digests[shown]
            changes.append("import certificate %s fingerprint=%s%s" % (
                item.name, item.digests[shown], " with its private key" if item.key_pem else ""))
            steps.append(lambda item=item: _import(session, item, prefix, True, params, notes, uploads, shown))
            state.append({"name": item.name, "fingerprint": item.digests[shown],
                          "private-key": "true" if item.key_pem else "false"})
            continue
        if item.key_pem and not _is_true(holder.get("private-key")):
            changes.append("import private key of certificate %s" % item.name)
            steps.append(lambda item=item: _import(session, item, prefix, False, params, notes, uploads, shown))
            holder["private-key"] = "true"
        if holder.get("name") != item.name:
            changes.append("rename certificate %s to %s" % (holder.get("name"), item.name))
            steps.append(lambda holder=holder, item=item: session.run(PATH, "set", **{".id": holder[".id"], "name": item.name}))
            holder["name"] = item.name
    if any(change.startswith("import") for change in changes):
        notes.append("RouterOS %s: %s; new certificates shown by their %s fingerprint (%s)" % (
            session.release, "files written with /file add" if file_add else
            "no /file add (first in 7.9): files written with /file print file= then /file set contents=",
            shown.upper().replace("SHA", "SHA-"), shown_basis))
    after = _show(state, managed)
    if not check_mode:
        for step in steps:
            step()
        shown_now.update((item.name, item.shown) for item in items if item.shown)
    # As the router shows them (the digest it uses), so they compare with /certificate print.
    fingerprints = dict((item.name, shown_now.get(item.name)) for item in items)
    return dict(changed=bool(changes), changes=changes, diff=dict(before=before, after=after),
                fingerprints=fingerprints, fingerprint_match=matched, notes=notes, uploads=uploads)


def _wait_for_file(session, base, wait):
    """The row of the file that /file print file=BASE made: BASE.txt (RouterOS 6 manual, Manual:System/File:
    its example file is sample.txt) or BASE (issue 9: reported without .txt over the API, unconfirmed): whichever appears first."""
    names = (base + ".txt", base)
    started = time.monotonic()
    pause = 0.05
    while True:
        found = dict((row.get("name"), row) for row in session.print_menu(FILES, proplist=[".id", "name"])
                     if row.get("name") in names)
        for candidate in names:
            if candidate in found:
                return found[candidate], time.monotonic() - started
        waited = time.monotonic() - started
        if waited >= wait:
            raise RouterCommandError(
                "router %s: the file that /file print file=%s makes (%s or %s) did not appear within %.1f s; "
                "the next run removes it if it appears later" % (session.where, base, names[0], names[1], wait),
                path=FILES, command="print")
        time.sleep(min(pause, max(0.0, wait - waited)))
        pause = min(pause * 2, 0.5)


def _upload(session, base, text, params, uploads):
    """Write ``text`` into a new file; return what removes it again (the arguments of /file remove)."""
    if session.has("file_add"):
        file_name = base + ".pem"
        session.run(FILES, "add", name=file_name, contents=text)
        uploads.append(dict(file=file_name, method="/file add"))
        return file_name, {"numbers": file_name}
    session.run(FILES, "print", file=base)
    wait = params.get("file_wait")
    row, waited = _wait_for_file(session, base, FILE_WAIT if wait is None else float(wait))
    uploads.append(dict(file=row["name"], method="/file print file=%s, then /file set" % base,
                        waited=round(waited, 2), with_txt=row["name"].endswith(".txt")))
    remove = {".id": row[".id"]}
    session.run(FILES, "set", contents=text, **remove)
    return row["name"], remove


def _import(session, item, prefix, with_cert, params, notes, uploads, shown):
    """Write the files, import them, remove them, give the import our name."""
    uploaded = []
    # A name of this run's own: a print file= still pending from an interrupted run cannot write into it.
    run = binascii.hexlify(os.urandom(3)).decode()
    try:
        # No trusted= or no-key-export= here: they exist from 7.15 and 7.16 only (dumps 7.15.json,
        # 7.16.json); RouterOS's defaults serve us on every release.
        if with_cert:
            uploaded.append(_upload(session, prefix + "cert-" + run, item.pem, params, uploads))
            session.run(PATH, "import", **{"file-name": uploaded[-1][0], "passphrase": ""})
        if item.key_pem:
            uploaded.append(_upload(session, prefix + "key-" + run, item.key_pem, params, uploads))
            session.run(PATH, "import", **{"file-name": uploaded[-1][0], "passphrase": item.passphrase})
    finally:
        for _file_name, remove in uploaded:
            try:
                session.run(FILES, "remove", **remove)
            except Exception:  # the import's own error is the one to report; the next run cleans up
                pass
    if with_cert:
        found = [row for row in session.print_menu(PATH, proplist=[".id", "name", "fingerprint"])
                 if item.match(row.get("fingerprint"))]
        if found:
            item.shown = found[0].get("fingerprint")
        if found and found[0].get("name") != item.name:
            session.run(PATH, "set", **{".id": found[0][".id"], "name": item.name})
        if found and item.match(found[0].get("fingerprint")) != shown:
            notes.append("certificate %s: the router shows its %s fingerprint, not the %s expected" % (
                item.name, item.match(found[0].get("fingerprint")), shown))
