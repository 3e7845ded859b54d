"""playbooks/rotate.yml in the lab (marked vm, slow, not run by the emulator suite): the CA of a converged
lab is replaced step by step, and after each step IPv6 from rtr-a's PC crosses the 6in4-in-OpenVPN path
again within the hub's keepalive timeout; verify.yml passes at the end, and a second run changes nothing.

Run: .venv/bin/pytest -m vm -s tests/vm/test_rotate_lab.py (a lab of its own, or OVPN6_LAB_CONVERGED).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from ovpn6lab import __main__ as ovpn6lab
from test_lab_end_to_end import INVENTORY, KEEPALIVE_TIMEOUT, _seconds_until_back
from test_lab_end_to_end import lab  # noqa: F401 pylint: disable=unused-import

pytestmark = [pytest.mark.vm, pytest.mark.slow]
ROTATE = str(ovpn6lab.CHECKOUT / "playbooks" / "rotate.yml")
VERIFY = str(ovpn6lab.CHECKOUT / "playbooks" / "verify.yml")


def _run(inventory, *args):
    """ansible-playbook on the lab; returns the number of changed tasks in its recap."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(ovpn6lab.CHECKOUT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    command = [str(ovpn6lab.CHECKOUT / ".venv" / "bin" / "ansible-playbook"), "-i", str(inventory), *args]
    result = subprocess.run(command, cwd=ovpn6lab.CHECKOUT, env=env, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, check=False, timeout=3600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return sum(int(number) for number in re.findall(r"changed=(\d+)", result.stdout.split("PLAY RECAP")[-1]))


def test_rotation_keeps_the_network_up(lab, tmp_path, record_property):
    inventory = tmp_path / "lab"
    shutil.copytree(INVENTORY, inventory)
    all_vars = yaml.safe_load((inventory / "group_vars" / "all.yml").read_text())
    all_vars["ovpn6_ca_generation"] = 2
    (inventory / "group_vars" / "all.yml").write_text(yaml.safe_dump(all_vars))
    assert _seconds_until_back(lab, 60) >= 0
    seconds = {}
    for step in ("trust", "routers", "retire"):
        _run(inventory, ROTATE, "-e", "ovpn6_rotate_until=%s" % step)
        seconds[step] = _seconds_until_back(lab, KEEPALIVE_TIMEOUT * 3)
        record_property("rotate_%s_seconds" % step, seconds[step])
        print("\nrotate.yml step %s: IPv6 from the PC back after %s s" % (step, seconds[step]))
    assert all(value <= KEEPALIVE_TIMEOUT for value in seconds.values()), seconds
    issuer = lab.ssh("openssl x509 -in /etc/openvpn/server/ovpn6/server.crt -noout -issuer").stdout
    assert "ovpn6 CA 2" in issuer
    assert lab.ssh("grep -c 'BEGIN CERTIFICATE' /etc/openvpn/server/ovpn6/ca.crt").stdout.strip() == "1"
    _run(inventory, VERIFY)
    assert _run(inventory, ROTATE) == 0
    assert _run(inventory, str(ovpn6lab.CHECKOUT / "playbooks" / "site.yml")) == 0
