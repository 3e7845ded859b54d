# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small in-memory router with /file and /certificate, and a PKI to put on it, for the certificate tests.

The fake router is deliberately dumb: which digest it shows, how long print file= takes and the name
the file gets are test parameters, not product assumptions.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re

from ovpn6_testkit.pki import TestCA

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._releases import has_feature, parse_version

_PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)


def make_pki():
    ca = TestCA.create("unit CA")
    client = ca.issue("rtr")
    return {"ca": ca.cert_pem, "ca_der": ca.der, "cert": client.cert_pem, "cert_der": client.der, "key": client.key_pem()}


PKI = make_pki()
PARAMS = dict(name="ovpn6-client", certificate=PKI["cert"], private_key=PKI["key"], private_key_passphrase="s3cret",
              ca_certificate=PKI["ca"], ca_name="ovpn6-ca", state="present")


class FakeRouter:
    """/file and /certificate of one router; ``digest`` is what its fingerprint column shows."""

    def __init__(self, release, digest, file_delay_polls=0, file_suffix=".txt"):
        self.version = parse_version(release)
        self.release = ".".join(map(str, self.version))
        self.where = "192.0.2.1:8728"
        self.digest = digest
        self.file_delay_polls = file_delay_polls
        self.file_suffix = file_suffix
        self.files = {}  # id -> {"name", "contents"}
        self.certificates = {}  # id -> row
        self.pending = []  # [polls left, name]
        self.sent = []
        self._ids = itertools.count(1)

    def has(self, feature):
        return has_feature(self.version, feature)

    def _id(self):
        return "*%X" % next(self._ids)

    def print_menu(self, path, proplist=None, query=None):
        self.sent.append((path, "print", {}))
        if path == "/file":
            for entry in self.pending:
                entry[0] -= 1
            for entry in [entry for entry in self.pending if entry[0] < 0]:
                self.pending.remove(entry)
                self.files[self._id()] = {"name": entry[1], "contents": "listing"}
            return [dict(row, **{".id": ident}) for ident, row in self.files.items()]
        return [dict(row, **{".id": ident}) for ident, row in self.certificates.items()]

    def run(self, path, command, **args):
        self.sent.append((path, command, dict(args)))
        if (path, command) == ("/file", "add"):
            assert self.has("file_add"), "the fake refuses /file add where the release has none"
            self.files[self._id()] = {"name": args["name"], "contents": args["contents"]}
        elif (path, command) == ("/file", "print"):
            assert not self.has("file_add")
            self.pending.append([self.file_delay_polls, args["file"] + self.file_suffix])
        elif (path, command) == ("/file", "set"):
            self.files[args[".id"]]["contents"] = args["contents"]
        elif (path, command) == ("/file", "remove"):
            key = args.get(".id") or next(i for i, row in self.files.items() if row["name"] == args["numbers"])
            del self.files[key]
        elif (path, command) == ("/certificate", "import"):
            name = args["file-name"]
            text = next(row["contents"] for row in self.files.values() if row["name"] == name)
            for body in _PEM_RE.findall(text):
                der = base64.b64decode("".join(body.split()))
                shown = hashlib.new(self.digest, der).hexdigest()
                if not any(row["fingerprint"] == shown for row in self.certificates.values()):
                    self.certificates[self._id()] = {"name": name + "_0", "fingerprint": shown,
                                                     "private-key": "false"}
            if "PRIVATE KEY" in text:
                for row in self.certificates.values():
                    if row["name"].startswith("ovpn6-client") or row["name"].startswith("ovpn6-upload-ovpn6-client-cert"):
                        row["private-key"] = "true"
        elif (path, command) == ("/certificate", "set"):
            self.certificates[args[".id"]]["name"] = args["name"]
        elif (path, command) == ("/certificate", "remove"):
            del self.certificates[args[".id"]]
        else:
            raise AssertionError("unexpected %s %s" % (path, command))
        return []

    def changing(self):
        return [sent for sent in self.sent if sent[1] != "print" or "file" in sent[2]]
