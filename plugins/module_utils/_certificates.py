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
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import Operation, Plan, converge

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


def ca_name(params):
    """The name the CA certificate gets on the router: ca_name, else NAME-ca."""
    return params.get("ca_name") or "%s-ca" % params["name"]


def desired(params):
    """The certificates routeros_certificate ``params`` ask for, the CA first, as Items.

    One reading of the options for the module and for the bootstrap script. A certificate comes with
    its private key (the module requires them together; the script's options are checked here).
    """
    items = []
    if params.get("ca_certificate"):
        items.append(Item(ca_name(params), params["ca_certificate"],
                          digests(params["ca_certificate"], "ca_certificate")))
    if params.get("certificate"):
        check_key(params.get("private_key") or "")
        items.append(Item(params["name"], params["certificate"], digests(params["certificate"], "certificate"),
                          params.get("private_key"), params.get("private_key_passphrase")))
    return items


def documented_digest(version):
    """The digest the manual of ``version``'s major release shows as fingerprint, and where it says so.

    Sources as for DIGESTS: SHA-1 in the v6 wiki Manual:System/Certificates, SHA-256 in the print
    example of help.mikrotik.com ROS/Certificates.
    """
    if version[0] < 7:
        return "sha1", "the RouterOS 6 manual says SHA-1"
    return "sha256", "the RouterOS 7 manual shows SHA-256"


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
    return documented_digest(session.version)


def _check_sizes(session, items):
    for item in items:
        for what, text in (("certificate " + item.name, item.pem), ("private key of " + item.name, item.key_pem)):
            size = len(text.encode("utf-8")) if text else 0
            if size > ROS6_FILE_LIMIT:
                raise InvalidInputError(
                    "%s is %d bytes: RouterOS %s has no /file add and writes at most %d bytes into a file "
                    "through the API; use a smaller key (EC, or RSA 2048)"
                    % (what, size, session.release, ROS6_FILE_LIMIT))


def _digest_name(digest):
    return digest.upper().replace("SHA", "SHA-")


class CertificatePlan(Plan):
    """The operations that put ``items`` on the router, planned from one print of /certificate and /file.

    Removals and renames are menu operations the engine carries out; an ``import`` operation (its
    ``fields`` say which files it writes and how) is carried out by ``perform``.
    """

    def __init__(self, session, params, items, rows, files):
        self.params = params
        self.items = dict((item.name, item) for item in items)
        self.order = [item.name for item in items]
        self.prefix = upload_prefix(params["name"])
        managed = set([params["name"], ca_name(params)])
        # /file add name= contents= first appears in the 7.9 dump (shared/routeros-schema/7.9.json) and the
        # Files manual page says "added in RouterOS 7.9beta2"; older releases take the print file= path.
        self.upload = "/file add" if session.has("file_add") else "/file print file= then /file set contents="
        self.shown, shown_basis = _shown_digest(session, rows)
        self.notes = []
        self.uploads = []
        self.matched = {}
        self.shown_now = {}  # item name -> its fingerprint as the router shows it (or will, once imported)
        operations = []
        for row in files:
            if str(row.get("name", "")).startswith(self.prefix):
                operations.append(Operation("remove", FILES, row["name"], target=row[".id"],
                                            source="left by an interrupted run",
                                            text="remove file %s (left by an interrupted run)" % row["name"]))
        state = [dict(row) for row in rows]
        self._plan_removals(state, managed, operations)
        self._plan_items(session, state, managed, operations)
        if any(operation.action == "import" for operation in operations):
            self.notes.append("RouterOS %s: %s; new certificates shown by their %s fingerprint (%s)" % (
                session.release, "files written with /file add" if self.upload == "/file add" else
                "no /file add (first in 7.9): files written with /file print file= then /file set contents=",
                _digest_name(self.shown), shown_basis))
        Plan.__init__(self, operations, _show(rows, managed), _show(state, managed))

    def _wanted(self, fingerprint_shown):
        return next((item for item in self.items.values() if item.match(fingerprint_shown)), None)

    def _plan_removals(self, state, managed, operations):
        absent = self.params["state"] == "absent"
        for row in list(state):
            row_name = str(row.get("name", ""))
            if row_name not in managed and not row_name.startswith(self.prefix):
                continue
            item = self._wanted(row.get("fingerprint"))
            # Ours goes when unwanted, or when another row already holds the same certificate under its name.
            if absent or item is None or (row_name != item.name and any(
                    other.get("name") == item.name and item.match(other.get("fingerprint")) for other in state)):
                reason = "replaced" if not absent and row_name in managed else (
                    "left by an interrupted run" if row_name.startswith(self.prefix) else "state=absent")
                state.remove(row)
                operations.append(Operation(
                    "remove", PATH, row_name, target=row[".id"], source=reason,
                    text="remove certificate %s fingerprint=%s (%s)" % (row_name, row.get("fingerprint"), reason)))

    def _plan_items(self, session, state, managed, operations):
        for name in self.order:
            item = self.items[name]
            holder = next((row for row in state if item.match(row.get("fingerprint"))), None)
            if holder is None:
                self.matched[name] = None
                self.shown_now[name] = item.digests[self.shown]
                operations.append(Operation(
                    "import", PATH, name, source="not on the router",
                    fields=dict(files=["cert", "key"] if item.key_pem else ["cert"], upload=self.upload),
                    text="import certificate %s fingerprint=%s%s" % (
                        name, item.digests[self.shown], " with its private key" if item.key_pem else "")))
                state.append({"name": name, "fingerprint": item.digests[self.shown],
                              "private-key": "true" if item.key_pem else "false"})
                continue
            self.shown_now[name] = holder.get("fingerprint")
            self.matched[name] = item.match(holder.get("fingerprint"))
            self.notes.append("certificate %s is on the router as %s, matched by its %s fingerprint" % (
                name, holder.get("name"), _digest_name(self.matched[name])))
            if holder.get("name") not in managed and not str(holder.get("name")).startswith(self.prefix):
                if item.key_pem is None:
                    continue  # a CA the user already has under a name of their own: use it, leave it be
                raise InvalidInputError(
                    "certificate with fingerprint %s is already on router %s as %r, which this module does not "
                    "manage; use name=%s or remove it" % (holder.get("fingerprint"), session.where,
                                                          holder.get("name"), holder.get("name")))
            if item.key_pem and not _is_true(holder.get("private-key")):
                operations.append(Operation(
                    "import", PATH, name, source="its private key is not on the router",
                    fields=dict(files=["key"], upload=self.upload),
                    text="import private key of certificate %s" % name))
                holder["private-key"] = "true"
            if holder.get("name") != name:
                operations.append(Operation(
                    "set", PATH, name, target=holder[".id"], fields={"name": name},
                    source="imported under another name",
                    text="rename certificate %s to %s" % (holder.get("name"), name)))
                holder["name"] = name

    def perform(self, session, operation):
        """An import: write its files the planned way, import them, remove them, give the import our name."""
        if operation.action != "import":
            return Plan.perform(self, session, operation)
        item = self.items[operation.key]
        files = operation.fields["files"]
        uploaded = []
        # A name of this run's own: a print file= still pending from an interrupted run cannot write into it.
        run = binascii.hexlify(os.urandom(3)).decode()
        try:
            # No trusted= or no-key-export= here: they exist from 7.15 and 7.16 only (dumps 7.15.json,
            # 7.16.json); RouterOS's defaults serve us on every release.
            if "cert" in files:
                uploaded.append(self._upload(session, self.prefix + "cert-" + run, item.pem, operation.fields["upload"]))
                session.run(PATH, "import", **{"file-name": uploaded[-1][0], "passphrase": ""})
            if "key" in files:
                uploaded.append(self._upload(session, self.prefix + "key-" + run, item.key_pem,
                                             operation.fields["upload"]))
                session.run(PATH, "import", **{"file-name": uploaded[-1][0], "passphrase": item.passphrase})
        finally:
            for _file_name, remove in uploaded:
                try:
                    session.run(FILES, "remove", **remove)
                except Exception:  # the import's own error is the one to report; the next run cleans up
                    pass
        if "cert" in files:
            self._name_import(session, item)

    def _upload(self, session, base, text, upload):
        """Write ``text`` into a new file; return its name and what removes it again (/file remove arguments)."""
        if upload == "/file add":
            file_name = base + ".pem"
            session.run(FILES, "add", name=file_name, contents=text)
            self.uploads.append(dict(file=file_name, method="/file add"))
            return file_name, {"numbers": file_name}
        session.run(FILES, "print", file=base)
        wait = self.params.get("file_wait")
        row, waited = _wait_for_file(session, base, FILE_WAIT if wait is None else float(wait))
        self.uploads.append(dict(file=row["name"], method="/file print file=%s, then /file set" % base,
                                 waited=round(waited, 2), with_txt=row["name"].endswith(".txt")))
        remove = {".id": row[".id"]}
        session.run(FILES, "set", contents=text, **remove)
        return row["name"], remove

    def _name_import(self, session, item):
        """The import carries the file's name: find it by fingerprint and give it ours."""
        found = [row for row in session.print_menu(PATH, proplist=[".id", "name", "fingerprint"])
                 if item.match(row.get("fingerprint"))]
        if not found:
            return
        item.shown = found[0].get("fingerprint")
        if found[0].get("name") != item.name:
            session.run(PATH, "set", **{".id": found[0][".id"], "name": item.name})
        if item.match(item.shown) != self.shown:
            self.notes.append("certificate %s: the router shows its %s fingerprint, not the %s expected" % (
                item.name, item.match(item.shown), self.shown))

    def report(self):
        """What the module returns beside the summary; after a real run, fingerprints as imported."""
        shown_now = dict(self.shown_now)
        shown_now.update((item.name, item.shown) for item in self.items.values() if item.shown)
        # As the router shows them (the digest it uses), so they compare with /certificate print.
        return dict(fingerprints=dict((name, shown_now.get(name)) for name in self.order),
                    fingerprint_match=self.matched, notes=self.notes, uploads=self.uploads)


def read_and_plan(session, params):
    """Check the input, read /certificate and /file once, and plan; raises before anything is changed."""
    items = desired(params) if params["state"] == "present" else []
    if params["state"] == "present" and not items:
        raise InvalidInputError("state=present needs certificate (with private_key) or ca_certificate")
    if not session.has("file_add"):
        _check_sizes(session, items)
    rows = session.print_menu(PATH, proplist=[".id", "name", "fingerprint", "private-key"])
    files = session.print_menu(FILES, proplist=[".id", "name"])
    return CertificatePlan(session, params, items, rows, files)


def ensure(session, params, check_mode):
    plan = read_and_plan(session, params)
    result = converge(session, [plan], check_mode)
    result.update(plan.report())
    return result


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
