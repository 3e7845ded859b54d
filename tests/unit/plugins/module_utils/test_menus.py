# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The menu table against the evidence: every menu and every field it names is an argument of that
menu's add in the /console/inspect dump of the newest release held (7.24)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._menus import MENUS, PLAIN, menu

DUMP = Path(__file__).resolve().parents[4] / "tests" / "lab" / "routeros_emu" / "schema" / "7.24.json.gz"
# 6.x only: no 7.x dump holds it, so it cannot be checked here.
ROS6_ONLY_FIELDS = {"routing-mark"}


@pytest.fixture(scope="module")
def dump():
    with gzip.open(DUMP, "rt") as handle:
        return json.load(handle)


@pytest.mark.parametrize("path", sorted(MENUS))
def test_every_field_the_table_names_is_an_argument_of_add(dump, path):
    arguments = dump[path]["add"]
    entry = MENUS[path]
    named = set(entry.flags) | set(entry.cleared) | set(entry.unset) | set(entry.meaningful)
    missing = sorted(name for name in named - ROS6_ONLY_FIELDS if name not in arguments)
    assert missing == [], "%s: not arguments of add in 7.24: %s" % (path, missing)


def test_firewall_chains_are_ordered_and_other_menus_are_not():
    assert all(MENUS[path].ordered for path in MENUS if "/firewall/" in path)
    assert not any(MENUS[path].ordered for path in MENUS if "/firewall/" not in path)
    assert menu("/interface/ovpn-client") is PLAIN
