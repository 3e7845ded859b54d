"""playbooks/rotate.yml in the lab (marked vm, slow, not run by the emulator suite): the CA of a converged
lab is replaced step by step, and after each step IPv6 from rtr-a's PC crosses the 6in4-in-OpenVPN path
again within the hub's keepalive timeout; verify.yml passes at the end, and a second run changes nothing.

Run: .venv/bin/pytest -m vm -s tests/vm/test_rotate_lab.py (a lab of its own, or OVPN6_LAB_CONVERGED).
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from ovpn6lab import __main__ as ovpn6lab
from test_lab_end_to_end import INVENTORY, KEEPALIVE_TIMEOUT, _seconds_until_back, playbook_changes
from test_lab_end_to_end import lab  # noqa: F401 pylint: disable=unused-import

pytestmark = [pytest.mark.vm, pytest.mark.slow]
ROTATE = str(ovpn6lab.CHECKOUT / "playbooks" / "rotate.yml")
VERIFY = str(ovpn6lab.CHECKOUT / "playbooks" / "verify.yml")


def test_rotation_keeps_the_network_up(lab, tmp_path, record_property):
    inventory = tmp_path / "lab"
    shutil.copytree(INVENTORY, inventory)
    all_vars = yaml.safe_load((inventory / "group_vars" / "all.yml").read_text())
    all_vars["ovpn6_ca_generation"] = 2
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump(all_vars))
    assert _seconds_until_back(lab, 60) >= 0
    seconds = {}
    for step in ("trust", "routers", "retire"):
        playbook_changes(inventory, ROTATE, "-e", "ovpn6_rotate_until=%s" % step)
        seconds[step] = _seconds_until_back(lab, KEEPALIVE_TIMEOUT * 3)
        record_property("rotate_%s_seconds" % step, seconds[step])
        print("\nrotate.yml step %s: IPv6 from the PC back after %s s" % (step, seconds[step]))
    assert all(value <= KEEPALIVE_TIMEOUT for value in seconds.values()), seconds
    issuer = lab.ssh("openssl x509 -in /etc/openvpn/server/ovpn6/server.crt -noout -issuer").stdout
    assert "ovpn6 CA 2" in issuer
    assert lab.ssh("grep -c 'BEGIN CERTIFICATE' /etc/openvpn/server/ovpn6/ca.crt").stdout.strip() == "1"
    playbook_changes(inventory, VERIFY)
    assert playbook_changes(inventory, ROTATE) == 0
    assert playbook_changes(inventory, str(ovpn6lab.CHECKOUT / "playbooks" / "site.yml")) == 0
