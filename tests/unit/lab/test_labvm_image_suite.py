# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab VM image's Debian release: Debian 12 unless OVPN6_LAB_SUITE names 13; each release its own cache key."""

from __future__ import annotations

import pytest

from labvm.image import SUITE_ENV, ImageSpec, suite_from


@pytest.mark.parametrize("word, suite", [
    ("bookworm", "bookworm"), ("12", "bookworm"), ("debian12", "bookworm"),
    ("trixie", "trixie"), ("13", "trixie"), ("Debian13", "trixie"), (" debian-13 ", "trixie"),
])
def test_suite_from_accepts_names_and_numbers(word, suite):
    assert suite_from(word) == suite


@pytest.mark.parametrize("word", ["bullseye", "11", "sid", ""])
def test_suite_from_refuses_other_releases_naming_them(word):
    with pytest.raises(ValueError, match=rf"Debian release '{word}' is not one the lab image is built from: "
                                         r"bookworm \(12\), trixie \(13\)"):
        suite_from(word)


def test_default_is_debian_12_and_the_environment_picks_13(monkeypatch):
    monkeypatch.delenv(SUITE_ENV, raising=False)
    assert ImageSpec().suite == "bookworm"
    monkeypatch.setenv(SUITE_ENV, "13")
    assert ImageSpec().suite == "trixie"
    monkeypatch.setenv(SUITE_ENV, "woody")
    with pytest.raises(ValueError, match="'woody'"):
        ImageSpec()


def test_each_release_has_its_own_cache_key(monkeypatch):
    monkeypatch.delenv(SUITE_ENV, raising=False)
    bookworm, trixie = ImageSpec(suite="12"), ImageSpec(suite="trixie")
    assert bookworm.key().startswith("bookworm-") and trixie.key().startswith("trixie-")
    assert bookworm.key() != trixie.key()
    # the same release named two ways is the same image
    assert ImageSpec(suite="debian13").key() == trixie.key()
