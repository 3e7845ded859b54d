# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ovpn_hub_profile filter: where each router's release comes from, and its warnings."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tunnelworks.ovpn6.plugins.filter import ovpn_hub_profile as module


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(module._display, "warning", seen.append)
    return seen


def test_release_read_from_the_router_is_used_when_none_is_declared(warnings):
    hostvars = {"rtr-a": {"ovpn6_routeros_release_seen": "7.22.3"},
                "rtr-b": {"ovpn6_routeros_release_seen": "7.22.3", "ovpn6_routeros_version": "7.22.3"}}
    profile = module.ovpn_hub_profile(hostvars, ["rtr-a", "rtr-b"])
    assert profile["data_ciphers"] == ["AES-256-GCM"]
    assert profile["data_ciphers_fallback"] == "AES-256-GCM"
    assert profile["routers"]["rtr-a"]["release_source"] == "router"
    assert warnings == []


def test_unreadable_router_is_named_in_a_warning_and_the_profile_still_computes(warnings):
    hostvars = {"rtr-a": {"ovpn6_routeros_release_seen": "7.22.3"},
                "rtr-b": {"ovpn6_routeros_release_seen": None,
                          "ovpn6_routeros_release_error": "router 127.0.0.1:1 is unreachable: refused"}}
    profile = module.ovpn_hub_profile(hostvars, ["rtr-a", "rtr-b"])
    assert profile["data_ciphers_fallback"] == "AES-256-CBC"
    assert profile["routers"]["rtr-b"]["release_source"] == "assumed"
    assert len(warnings) == 1
    assert warnings[0].startswith("ovpn_hub_profile: router rtr-b could not be read (router 127.0.0.1:1")


def test_a_bad_setting_is_a_filter_error_naming_the_router(warnings):
    with pytest.raises(AnsibleFilterError, match=r"ovpn_hub_profile: router rtr-a: RouterOS 5.26 is not supported"):
        module.ovpn_hub_profile({"rtr-a": {"ovpn6_routeros_release_seen": "5.26"}}, ["rtr-a"])
