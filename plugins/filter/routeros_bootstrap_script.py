# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja filter over plugins/module_utils/_bootstrap_script.py (documented in the YAML file beside it)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._bootstrap_script import render
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import RouterOSError


def routeros_bootstrap_script(parts):
    if not isinstance(parts, Mapping):
        raise AnsibleFilterError("routeros_bootstrap_script expects a dict of parts, got a %s" % (type(parts).__name__,))
    try:
        return render(dict(parts))
    except (RouterOSError, ValueError) as exc:
        raise AnsibleFilterError("routeros_bootstrap_script: router %s: %s" % (parts.get("router"), exc))


class FilterModule:
    def filters(self):
        return {"routeros_bootstrap_script": routeros_bootstrap_script}
