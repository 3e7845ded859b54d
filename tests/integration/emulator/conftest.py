# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's own tests run on the emulator's own release list, never the product's."""

from __future__ import annotations

import pytest

from routeros_emu.evidence import TEST_RELEASES
from routeros_emu.testing import EmulatedRouter


@pytest.fixture(params=TEST_RELEASES)
def routeros(request):
    """An emulated router of each release in routeros_emu.evidence.TEST_RELEASES."""
    with EmulatedRouter(release=request.param, password="lab-secret") as router:
        yield router
