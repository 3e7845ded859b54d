# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OpenVPN interop profile: each router's data channel and the hub settings that accept them all."""

from __future__ import annotations

import pytest

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._ovpn_profile import (
    ProfileError,
    hub_profile,
    openvpn_network,
    private_ipv4_networks,
    router_data_channel,
)
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._releases import ovpn_cipher_word


@pytest.mark.parametrize("version, cipher, auth, openvpn_cipher, openvpn_auth", [
    ("6.49.18", "aes256", "sha1", "AES-256-CBC", "SHA1"),
    ("7.16", "aes256-cbc", "sha1", "AES-256-CBC", "SHA1"),  # GCM only where evidence shows it (7.21+)
    ("7.22.3", "aes256-gcm", "null", "AES-256-GCM", None),
    (None, "aes256", "sha1", "AES-256-CBC", "SHA1"),  # unknown release: assume 6.49
])
def test_default_data_channel_is_the_strongest_the_release_has(version, cipher, auth, openvpn_cipher, openvpn_auth):
    channel = router_data_channel("rtr", version)
    assert (channel["routeros_cipher"], channel["routeros_auth"]) == (cipher, auth)
    assert (channel["openvpn_cipher"], channel["openvpn_auth"]) == (openvpn_cipher, openvpn_auth)
    assert channel["release_known"] is (version is not None)


@pytest.mark.parametrize("version, cipher, strength, mode", [
    ("6.49.18", None, 256, "cbc"),
    ("7.22.3", None, 256, "gcm"),
    ("7.16", "aes128-cbc", 128, "cbc"),
    ("6.49.18", "aes192", 192, "cbc"),
    ("6.49.18", "blowfish128", None, None),
])
def test_channel_gives_the_router_module_its_strength_and_mode(version, cipher, strength, mode):
    # The router role feeds these to routeros_ovpn_client, which speaks the release's word for them:
    # the word must come back as the cipher the hub expects.
    channel = router_data_channel("rtr", version, cipher)
    assert (channel["cipher_strength"], channel["cipher_mode"]) == (strength, mode)
    if strength:
        assert ovpn_cipher_word(version, strength, mode) == channel["routeros_cipher"]


@pytest.mark.parametrize("version, cipher, auth, match", [
    ("6.49.18", "aes256-gcm", None, r"router rtr: cipher 'aes256-gcm' is not one RouterOS 6.49.18 offers"),
    ("6.49.18", "aes256", "sha256", r"router rtr: auth 'sha256' is not one RouterOS 6.49.18 offers"),
    ("7.16", "null", None, r"cipher 'null' sends the tunnel unencrypted"),
    ("7.22.3", "aes256-gcm", "sha1", r"requires auth 'null' with it, not 'sha1'"),
    ("7.16", "aes256-cbc", "null", r"cipher 'aes256-cbc' needs a digest"),
    ("5.26", None, None, r"router rtr: RouterOS 5.26 is not supported"),
])
def test_bad_router_settings_are_refused_by_name(version, cipher, auth, match):
    with pytest.raises(ProfileError, match=match):
        router_data_channel("rtr", version, cipher, auth)


def test_mixed_fleet_agrees_on_the_cipher_every_router_has():
    # A 7.x router that could do GCM joins the 6.49 router on AES-256-CBC: one cipher for the
    # instance, so data-ciphers-fallback fits every router whatever RouterOS announces.
    profile = hub_profile({"old": {"version": "6.49.18"}, "new": {"version": "7.22.3"}})
    assert profile["data_ciphers"] == ["AES-256-GCM", "AES-256-CBC"]
    assert profile["data_ciphers_fallback"] == "AES-256-CBC"
    assert profile["auth"] == "SHA1"
    assert profile["legacy_provider"] is False
    assert profile["routers"]["old"]["routeros_cipher"] == "aes256"
    assert (profile["routers"]["new"]["routeros_cipher"], profile["routers"]["new"]["routeros_auth"]) == (
        "aes256-cbc", "sha1")
    assert profile["warnings"] == []


def test_all_gcm_fleet_falls_back_to_gcm():
    # The old rule left the fallback unset here: a GCM router that names no cipher was refused.
    profile = hub_profile({"a": {"seen": "7.22.3"}, "b": {"version": "7.22.3"}})
    assert profile["data_ciphers"] == ["AES-256-GCM"]
    assert profile["data_ciphers_fallback"] == "AES-256-GCM"
    assert [channel["routeros_cipher"] for channel in profile["routers"].values()] == ["aes256-gcm"] * 2
    assert profile["warnings"] == []


def test_unknown_release_is_planned_as_the_safe_choice():
    profile = hub_profile({"a": {}, "b": {"seen": "7.22.3"}})
    assert profile["routers"]["a"]["release_source"] == "assumed"
    assert profile["routers"]["a"]["release_known"] is False
    assert profile["data_ciphers_fallback"] == "AES-256-CBC"
    assert profile["routers"]["b"]["routeros_cipher"] == "aes256-cbc"


def test_the_routers_word_wins_over_a_stale_inventory_with_a_warning_naming_both():
    profile = hub_profile({"rtr-b": {"version": "6.49.18", "seen": "7.22.3"}})
    assert profile["routers"]["rtr-b"]["release"] == "7.22.3"
    assert profile["routers"]["rtr-b"]["release_source"] == "router"
    assert profile["data_ciphers_fallback"] == "AES-256-GCM"
    assert len(profile["warnings"]) == 1
    assert "rtr-b runs RouterOS 7.22.3" in profile["warnings"][0]
    assert "declares ovpn6_routeros_version 6.49.18" in profile["warnings"][0]


def test_agreeing_inventory_gives_no_warning():
    assert hub_profile({"a": {"version": "7.22", "seen": "7.22.0"}})["warnings"] == []


@pytest.mark.parametrize("declared, release, source, fallback", [
    (None, "6.49", "assumed", "AES-256-CBC"),
    ("7.22.3", "7.22.3", "inventory", "AES-256-GCM"),
])
def test_unreadable_router_keeps_declared_or_safe_choice_with_a_warning(declared, release, source, fallback):
    profile = hub_profile({"rtr-x": {"version": declared, "read_error": "router 192.0.2.9:8728 is unreachable"}})
    channel = profile["routers"]["rtr-x"]
    assert (channel["release"], channel["release_source"]) == (release, source)
    assert profile["data_ciphers_fallback"] == fallback
    assert len(profile["warnings"]) == 1
    assert profile["warnings"][0].startswith("router rtr-x could not be read (router 192.0.2.9:8728 is unreachable)")


def test_a_router_with_its_own_cipher_is_named_when_it_differs_from_the_fallback():
    profile = hub_profile({"a": {"version": "7.22.3"}, "b": {"version": "7.22.3"},
                           "c": {"version": "7.22.3", "cipher": "aes256-cbc", "auth": "sha1"}})
    assert profile["data_ciphers"] == ["AES-256-GCM", "AES-256-CBC"]
    assert profile["data_ciphers_fallback"] == "AES-256-GCM"
    assert len(profile["warnings"]) == 1 and profile["warnings"][0].startswith("routers c use a cipher other")


def test_seen_release_out_of_range_is_refused_by_name():
    with pytest.raises(ProfileError, match=r"router r: RouterOS 5.26 is not supported"):
        hub_profile({"r": {"seen": "5.26"}})


def test_no_routers_no_fallback():
    assert hub_profile({})["data_ciphers_fallback"] is None


def test_blowfish_asks_for_the_legacy_provider_and_only_then():
    profile = hub_profile({"seed": {"version": "6.49.18", "cipher": "blowfish128"}, "b": {"version": "6.49.18"}})
    assert profile["data_ciphers"] == ["AES-256-GCM", "AES-256-CBC", "BF-CBC"]
    assert profile["legacy_provider"] is True
    assert profile["data_ciphers_fallback"] == "AES-256-CBC"


def test_cbc_routers_must_share_one_digest():
    with pytest.raises(ProfileError, match=r"share one digest.*a=sha1, b=md5"):
        hub_profile({"a": {"version": "6.49.18"}, "b": {"version": "6.49.18", "auth": "md5"}})


def test_private_networks_are_rfc1918_and_shared_space_only():
    assert private_ipv4_networks(["192.168.10.0/24", "192.0.2.0/26", None, "100.64.1.0/24", "10.1.0.0/16",
                                  "198.51.100.0/24"]) == ["192.168.10.0/24", "100.64.1.0/24", "10.1.0.0/16"]
    with pytest.raises(ProfileError, match=r"'10.0.0.1/8' is not an IPv4 network"):
        private_ipv4_networks(["10.0.0.1/8"])


@pytest.mark.parametrize("text, expected", [("192.0.2.0/26", "192.0.2.0 255.255.255.192"),
                                            ("10.0.0.0/8", "10.0.0.0 255.0.0.0")])
def test_openvpn_network(text, expected):
    assert openvpn_network(text) == expected


@pytest.mark.parametrize("text", ["192.0.2.1/26", "2001:db8::/64", "nonsense"])
def test_openvpn_network_refuses_non_networks(text):
    with pytest.raises(ProfileError, match=r"is not an IPv4 network"):
        openvpn_network(text)
