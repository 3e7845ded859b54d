# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A RouterOS script that gives a router, in one import, what the collection's modules would give it.

For a router Ansible cannot reach yet (3G/LTE behind carrier NAT): the script is written on the
controller from the same inputs the modules take, through the same functions that compute their
desired entries (``_policy_routing.desired_specs``, ``_ovpn_client.dialect_fields``, ``MenuSpec``),
in the dialect of the release the router runs. The router imports it once (``/import file-name=``);
from then on the modules find their entries in place and change nothing.

The script first removes what a previous import of it left (entries whose comment carries an owner
tag of ours, our certificate names, our upload files), then adds everything in the order the roles
do. In ordered menus (firewall chains) each entry goes before the first entry of its chain that is
neither dynamic nor ours, as the modules place their blocks, so the user's rules keep their order
after ours. RouterOS script syntax: MikroTik's Scripting manual (help.mikrotik.com/docs/display/ROS/Scripting).
"""

from __future__ import annotations

import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _certificates, _ovpn_client, _policy_routing, _releases
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import InvalidInputError
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._menus import menu
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import TAG, MenuSpec, word

# Files the script writes before importing them; removed again at its end (and at the start of a
# second import). The prefix is the one routeros_certificate uses for its own uploads.
UPLOAD = "ovpn6-upload-boot-"
# Characters a value may hold without quotes (exports write addresses, lists and names like this).
_BARE = re.compile(r"^[A-Za-z0-9_.:/,!+*@-]+$")
# Seconds a release without /file add is given to create the file of /file print file= (6.x creates it
# after the command returns: the collection's _certificates.FILE_WAIT covers far more than needed).
_PRINT_FILE_DELAY = "2s"


def quote(value):
    """A value as a RouterOS script word: bare when safe, else a string with the manual's escapes."""
    text = word(value)
    if text and _BARE.match(text):
        return text
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("?", "\\?")
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return '"%s"' % escaped


def menu_words(path):
    """``/ip/firewall/filter`` as a script writes it: ``/ip firewall filter`` (both forms are RouterOS's)."""
    return "/" + " ".join(part for part in path.split("/") if part)


def _arguments(path, fields):
    """``name=value`` words for an add; flags (fib, blackhole) bare when set; cleared fields left out."""
    words = []
    for name, value in fields.items():
        if name in menu(path).flags:
            if word(value).lower() in ("yes", "true"):
                words.append(name)
            continue
        if name in menu(path).cleared and word(value) == "":
            continue  # a new entry has nothing to clear
        words.append("%s=%s" % (name, quote(value)))
    return " ".join(words)


def _validated(module, params):
    """The module's own options with its defaults and types, as the module would see them."""
    from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._module_specs import MODULES

    spec = MODULES[module].options
    result = ArgumentSpecValidator(spec).validate(dict(params))
    if result.error_messages:
        raise InvalidInputError("%s: %s" % (module, "; ".join(result.error_messages)))
    return result.validated_parameters


class _Writer:
    def __init__(self, version):
        self.version = version
        self.lines = []

    def add(self, *lines):
        self.lines.extend(lines)

    # ---------------------------------------------------------------- entries
    def remove_owner(self, spec):
        self.add("%s remove [find where comment~%s]" % (menu_words(spec.path), quote("^%s:%s:" % (TAG, spec.owner))))

    def add_spec(self, spec):
        path = menu_words(spec.path)
        if not spec.entries:
            return
        if not spec.ordered:
            for _key, fields in spec.entries:
                command = "%s add %s" % (path, _arguments(spec.path, fields))
                for other in getattr(spec, "alternatives", []):
                    fallback = "%s add %s" % (path, _arguments(spec.path, dict(other, comment=fields["comment"])))
                    command = ":do { %s } on-error={ %s }" % (command, fallback)
                self.add(command)
            return
        anchor = None
        if spec.place_before:
            anchor = "comment=%s" % quote(spec.place_before)
        for _key, fields in spec.entries:
            chain = fields[spec.chain_field]
            where = anchor or "%s=%s and dynamic=no and !(comment~%s)" % (
                spec.chain_field, quote(chain), quote("^%s:" % TAG))
            arguments = _arguments(spec.path, fields)
            # Before the first entry of the chain that is the user's (the modules' placement), else at the end.
            self.add("{ :local before [%s find where %s]; :if ([:len $before] > 0) do={ %s add %s "
                     "place-before=[:pick $before 0] } else={ %s add %s } }"
                     % (path, where, path, arguments, path, arguments))

    # ---------------------------------------------------------------- files and certificates
    def upload(self, base, text):
        """Write ``text`` into a file on the router; returns the script expression of its name."""
        if _releases.has_feature(self.version, "file_add"):
            name = base + ".pem"
            self.add("/file add name=%s contents=%s" % (quote(name), quote(text)))
            return quote(name)
        size = len(text.encode("utf-8"))
        if size > _certificates.ROS6_FILE_LIMIT:
            raise InvalidInputError(
                "%s is %d bytes: a release without /file add writes at most %d bytes into a file; use a smaller "
                "key (EC, or RSA 2048)" % (base, size, _certificates.ROS6_FILE_LIMIT))
        # No /file add before 7.9 (module_utils/_releases "file_add"): print file= makes an empty file,
        # NAME.txt (v6 manual) or NAME (reported over the API); its contents are then set.
        found = "[/file find where name=%s or name=%s]" % (quote(base + ".txt"), quote(base))
        self.add("/file print file=%s" % quote(base), ":delay %s" % _PRINT_FILE_DELAY,
                 "/file set %s contents=%s" % (found, quote(text)))
        return "[/file get %s name]" % found

    def certificate(self, item):
        """Write, import and name ``item`` (a _certificates.Item) as routeros_certificate would."""
        digest = _certificates.documented_digest(self.version)[0]  # a router not yet reached: its manual
        fingerprint = item.digests[digest]
        base = UPLOAD + re.sub(r"[^A-Za-z0-9-]", "-", item.name)
        self.add("# certificate %s (%s fingerprint %s)%s" % (item.name, digest.upper(), fingerprint,
                                                             ", with its private key" if item.key_pem else ""))
        file_name = self.upload(base + "-cert", item.pem)
        self.add("/certificate import file-name=%s passphrase=\"\"" % file_name)
        if item.key_pem:
            key_file = self.upload(base + "-key", item.key_pem)
            self.add("/certificate import file-name=%s passphrase=%s" % (key_file, quote(item.passphrase)))
        self.add("/certificate set [find where fingerprint=%s] name=%s" % (quote(fingerprint), quote(item.name)))


def _certificate_items(params):
    params = _validated("routeros_certificate", params)
    try:
        return _certificates.desired(params)
    except InvalidInputError as exc:
        raise InvalidInputError("certificates[name=%s]: %s" % (params["name"], exc))


def render(parts):
    """The script for ``parts``, a dict:

    - ``router``, ``release`` (the release the router runs, for example ``7.16`` or ``6.49.18``);
    - ``certificates``: routeros_certificate options (name, certificate, private_key, ..., ca_certificate, ca_name);
    - ``ovpn_client``: routeros_ovpn_client options; ``policy_routing``: routeros_policy_routing options;
    - ``owned_entries``: routeros_owned_entries options (path, owner, entries, ordered, place_before), in order;
    - ``api_ssl_certificate``: the certificate to bind to the api-ssl service (and enable it), or empty;
    - ``require_ipv6``: refuse to change anything on a 6.x router whose ipv6 package is not enabled.

    Raises InvalidInputError (naming the value) for what the modules would refuse.
    """
    router = parts.get("router") or "router"
    try:
        version = _releases.check_known(_releases.parse_version(parts.get("release")))
    except _releases.UnknownReleaseError as exc:
        raise InvalidInputError("router %s: release %r: %s (set ovpn6_routeros_version to the release it runs)"
                                % (router, parts.get("release"), exc))
    release = ".".join(str(part) for part in version)
    writer = _Writer(version)
    certificates = []
    for params in parts.get("certificates") or []:
        for item in _certificate_items(params):
            if item.name not in [known.name for known in certificates]:
                certificates.append(item)
    specs = []
    notes = []
    ovpn = parts.get("ovpn_client")
    if ovpn:
        ovpn = _validated("routeros_ovpn_client", ovpn)
        fields, other_words, ovpn_notes = _ovpn_client.dialect_fields(version, ovpn)
        notes.extend(ovpn_notes)
        if other_words:
            notes.append("which cipher word RouterOS %s takes is not known: the script says %s (else: %s)"
                         % (release, fields["cipher"], ", ".join(other_words)))
        spec = MenuSpec(_ovpn_client.PATH, ovpn["owner"], [dict(fields, key=ovpn["name"])])
        # 7.6-7.10: which cipher word the release takes is not known; like the module, which tries the
        # next word when the router refuses one, the script tries them in turn (:do ... on-error=).
        spec.alternatives = [dict(fields, cipher=other) for other in other_words]
        specs.append(spec)
    policy = parts.get("policy_routing")
    if policy:
        policy = _validated("routeros_policy_routing", policy)
        if policy["rules"] is not None:
            policy["rules"] = [dict((k, v) for k, v in rule.items() if v is not None) for rule in policy["rules"]]
        specs.extend(_policy_routing.desired_specs(version, policy))
    for params in parts.get("owned_entries") or []:
        params = _validated("routeros_owned_entries", params)
        specs.append(MenuSpec(params["path"], params["owner"], params["entries"], ordered=params["ordered"],
                              place_before=params["place_before"]))
    api_ssl = parts.get("api_ssl_certificate")
    if api_ssl and api_ssl not in [item.name for item in certificates]:
        raise InvalidInputError("api_ssl_certificate %r is none of the certificates the script installs (%s)"
                                % (api_ssl, ", ".join(item.name for item in certificates) or "none"))

    writer.add("# RouterOS %s first-contact script for %s, written by tunnelworks.ovpn6 (playbooks/bootstrap.yml)."
               % (release, router),
               "# It holds private keys and passwords: keep it as private as they are, and delete it from the",
               "# router after the import (the script removes the files it writes itself).",
               "# Import it once: /import file-name=%s.rsc (a second import gives the same result)." % router)
    for note in notes:
        writer.add("# note: %s" % note)
    if parts.get("require_ipv6") and _releases.has_feature(version, "ipv6_package"):
        writer.add("# RouterOS 6: IPv6 and 6to4 come with the ipv6 package; nothing is changed without it.",
                   ":if ([:len [/system package find where name=ipv6 and disabled=no]] = 0) do={ :error %s }"
                   % quote("ovpn6: enable the ipv6 package (/system package enable ipv6, then reboot) and import "
                           "this script again; nothing was changed"))
    writer.add("# 1. What an earlier import of this script left")
    if api_ssl:
        writer.add("/ip service set [find where name=api-ssl and certificate=%s] certificate=none" % quote(api_ssl))
    for spec in reversed(specs):
        writer.remove_owner(spec)
    names = [item.name for item in certificates]
    if names:
        writer.add("/certificate remove [find where %s]" % " or ".join("name=%s" % quote(name) for name in names))
    writer.add("/file remove [find where name~%s]" % quote("^" + UPLOAD))
    writer.add("# 2. Certificates")
    for item in certificates:
        writer.certificate(item)
    writer.add("/file remove [find where name~%s]" % quote("^" + UPLOAD))
    writer.add("# 3. Configuration, in the order the roles make it")
    for spec in specs:
        if spec.entries:
            writer.add("# %s (owner %s)" % (spec.path, spec.owner))
        writer.add_spec(spec)
    if api_ssl:
        writer.add("# 4. API-SSL with the router's own certificate",
                   "/ip service set [find where name=api-ssl] certificate=%s disabled=no" % quote(api_ssl))
    return "\n".join(writer.lines) + "\n"
