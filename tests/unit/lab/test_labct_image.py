# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hub-containers images: one tag per recipe, a stable alias, a registry image named instead."""

from __future__ import annotations

import pytest

from labct import image as labct


def test_each_release_has_its_suite_and_its_own_tag():
    debian12, debian13 = labct.HubImage("debian12"), labct.HubImage("debian13")
    assert (debian12.suite, debian13.suite) == ("bookworm", "trixie")
    assert debian12.tag.startswith("localhost/ovpn6-hub:debian12-") and debian12.alias == "localhost/ovpn6-hub:debian12"
    assert debian12.key() != debian13.key()


def test_the_tag_follows_the_recipe(monkeypatch):
    before = labct.HubImage("debian12").tag
    monkeypatch.setattr(labct, "PACKAGES", labct.PACKAGES + ("tcpdump",))
    assert labct.HubImage("debian12").tag != before
    monkeypatch.setattr(labct, "PACKAGES", labct.PACKAGES[:-1])
    monkeypatch.setattr(labct, "IMAGE_CHANGES", ('CMD ["/lib/systemd/systemd"]',))
    assert labct.HubImage("debian12").tag != before


def test_systemd_is_the_command_in_exec_form():
    # a shell-form CMD makes sh PID 1, and systemd then refuses to boot
    assert 'CMD ["/sbin/init"]' in labct.IMAGE_CHANGES


def test_a_named_image_is_used_without_building(monkeypatch):
    monkeypatch.setenv("OVPN6_HUB_IMAGE_DEBIAN13", "registry.example.net/ovpn6/hub:13")
    monkeypatch.setattr(labct, "podman", lambda *args, **kwargs: pytest.fail(f"podman {args} must not run"))
    assert labct.HubImage("debian13").ensure() == "registry.example.net/ovpn6/hub:13"


def test_an_unknown_release_is_refused_naming_it():
    with pytest.raises(ValueError, match="release 'debian11' is not one of debian12, debian13"):
        labct.HubImage("debian11")
