#!/usr/bin/env python
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible inventory script of the chr scenario: the lab's hub and routers plus the CHR (host_vars/chr.yml)
when OVPN6_CHR_IMAGE names an image, and no host without one (tests/lab/ovpn6lab/chr_router.py, inventory()).
It runs with the python of the PATH (the checkout's .venv, which has PyYAML)."""

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "lab"))

from ovpn6lab.chr_router import inventory  # noqa: E402 pylint: disable=wrong-import-position

if __name__ == "__main__":
    print(json.dumps(inventory() if "--host" not in sys.argv else {}))
