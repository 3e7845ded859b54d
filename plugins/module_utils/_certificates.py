# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A PEM certificate, its key and its CA, put on a router and imported, idempotent by fingerprint.

Certificates carry no comment on RouterOS, so ours are the ones with the names we give. The PEM
files are written through the API (``/file add contents=`` on 7.x; ``/file print file=`` then
``/file set contents=`` on 6.49), imported, and removed again. A run that broke off half-way leaves
files and imports named with our upload prefix; the next run removes or adopts them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError

PATH = "/certificate"
FILES = "/file"
_PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.S)
# RouterOS 6 writes at most this many bytes through /file set contents=.
ROS6_FILE_LIMIT = 4095


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


def fingerprint(pem, what):
    """SHA-256 of the one certificate in ``pem``, as RouterOS shows it (lower-case hex)."""
    certificates = [der for label, der in pem_blocks(pem, what) if label == "CERTIFICATE"]
    if len(certificates) != 1:
        raise InvalidInputError("%s must hold exactly one certificate, found %d" % (what, len(certificates)))
    return hashlib.sha256(certificates[0]).hexdigest()


def check_key(pem):
    labels = [label for label, _der in pem_blocks(pem, "private_key")]
    if not any(label.endswith("PRIVATE KEY") for label in labels):
        raise InvalidInputError("private_key holds no PRIVATE KEY block (found: %s)" % ", ".join(labels))


def upload_prefix(name):
    return "ovpn6-upload-%s-" % name


class Item:
    """One certificate to have on the router under ``name``."""

    def __init__(self, name, pem, fingerprint_hex, key_pem=None, passphrase=""):
        self.name = name
        self.pem = pem
        self.fingerprint = fingerprint_hex
        self.key_pem = key_pem
        self.passphrase = passphrase or ""


def _items(params):
    name = params["name"]
    items = []
    if params.get("ca_certificate"):
        ca_name = params.get("ca_name") or "%s-ca" % name
        items.append(Item(ca_name, params["ca_certificate"], fingerprint(params["ca_certificate"], "ca_certificate")))
    if params.get("certificate"):
        if params.get("private_key"):
            check_key(params["private_key"])
        items.append(Item(name, params["certificate"], fingerprint(params["certificate"], "certificate"),
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


def _file_name(session, base):
    # /file print file=X writes X.txt on RouterOS 6.
    return base + (".pem" if session.has("file_add_contents") else ".txt")


def ensure(session, params, check_mode):
    name = params["name"]
    prefix = upload_prefix(name)
    items = _items(params) if params["state"] == "present" else []
    if params["state"] == "present" and not items:
        raise InvalidInputError("state=present needs certificate (with private_key) or ca_certificate")
    if not session.has("file_add_contents"):
        for item in items:
            for what, text in (("certificate " + item.name, item.pem), ("private key of " + item.name, item.key_pem)):
                size = len(text.encode("utf-8")) if text else 0
                if size > ROS6_FILE_LIMIT:
                    raise InvalidInputError(
                        "%s is %d bytes: RouterOS %s writes at most %d bytes into a file through the API; "
                        "use a smaller key (EC, or RSA 2048)" % (what, size, session.release, ROS6_FILE_LIMIT))
    managed = set([name, params.get("ca_name") or "%s-ca" % name])
    rows = session.print_menu(PATH, proplist=[".id", "name", "fingerprint", "private-key"])
    files = session.print_menu(FILES, proplist=[".id", "name"])
    before = _show(rows, managed)
    changes = []
    steps = []  # (description, callable)

    for row in files:
        if str(row.get("name", "")).startswith(prefix):
            changes.append("remove file %s (left by an interrupted run)" % row["name"])
            steps.append(lambda row=row: session.run(FILES, "remove", **{".id": row[".id"]}))
    state = [dict(row) for row in rows]
    wanted = dict((item.fingerprint, item) for item in items)
    for row in list(state):
        row_name = str(row.get("name", ""))
        ours = row_name in managed or row_name.startswith(prefix)
        if not ours:
            continue
        item = wanted.get(row.get("fingerprint"))
        if params["state"] == "absent" or item is None or (row_name != item.name and any(
                other.get("name") == item.name and other.get("fingerprint") == item.fingerprint for other in state)):
            reason = "replaced" if params["state"] == "present" and row_name in managed else (
                "left by an interrupted run" if row_name.startswith(prefix) else "state=absent")
            changes.append("remove certificate %s fingerprint=%s (%s)" % (row_name, row.get("fingerprint"), reason))
            state.remove(row)
            steps.append(lambda row=row: session.run(PATH, "remove", **{".id": row[".id"]}))
    for item in items:
        holder = next((row for row in state if row.get("fingerprint") == item.fingerprint), None)
        if holder is not None and holder.get("name") not in managed and not str(holder.get("name")).startswith(prefix):
            if item.key_pem is None:
                continue  # a CA the user already has under a name of their own: use it, leave it be
            raise InvalidInputError(
                "certificate with fingerprint %s is already on router %s as %r, which this module does not manage; "
                "use name=%s or remove it" % (item.fingerprint, session.where, holder.get("name"), holder.get("name")))
        if holder is None:
            changes.append("import certificate %s fingerprint=%s%s" % (
                item.name, item.fingerprint, " with its private key" if item.key_pem else ""))
            steps.append(lambda item=item: _import(session, item, prefix, with_cert=True))
            state.append({"name": item.name, "fingerprint": item.fingerprint,
                          "private-key": "true" if item.key_pem else "false"})
            continue
        if item.key_pem and not _is_true(holder.get("private-key")):
            changes.append("import private key of certificate %s" % item.name)
            steps.append(lambda item=item: _import(session, item, prefix, with_cert=False))
            holder["private-key"] = "true"
        if holder.get("name") != item.name:
            changes.append("rename certificate %s to %s" % (holder.get("name"), item.name))
            steps.append(lambda holder=holder, item=item: session.run(PATH, "set", **{".id": holder[".id"], "name": item.name}))
            holder["name"] = item.name
    after = _show(state, managed)
    if not check_mode:
        for step in steps:
            step()
    fingerprints = dict((item.name, item.fingerprint) for item in items)
    return dict(changed=bool(changes), changes=changes, diff=dict(before=before, after=after),
                fingerprints=fingerprints)


def _upload(session, base, text):
    file_name = _file_name(session, base)
    if session.has("file_add_contents"):
        session.run(FILES, "add", name=file_name, contents=text)
    else:
        session.run(FILES, "print", file=base)
        session.run(FILES, "set", numbers=file_name, contents=text)
    return file_name


def _import(session, item, prefix, with_cert):
    """Write the files, import them, remove them, give the import our name."""
    uploaded = []
    try:
        if with_cert:
            uploaded.append(_upload(session, prefix + "cert", item.pem))
            session.run(PATH, "import", **{"file-name": uploaded[-1], "passphrase": ""})
        if item.key_pem:
            uploaded.append(_upload(session, prefix + "key", item.key_pem))
            session.run(PATH, "import", **{"file-name": uploaded[-1], "passphrase": item.passphrase})
    finally:
        for file_name in uploaded:
            try:
                session.run(FILES, "remove", numbers=file_name)
            except Exception:  # the import's own error is the one to report; the next run cleans up
                pass
    if with_cert:
        found = session.print_menu(PATH, proplist=[".id", "name"], query=["?fingerprint=%s" % item.fingerprint])
        if found and found[0].get("name") != item.name:
            session.run(PATH, "set", **{".id": found[0][".id"], "name": item.name})
