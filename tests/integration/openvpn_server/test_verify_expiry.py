# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/verify.yml's PKI part (--tags pki): days left for the CRL and every certificate, a warning
for what ends within ovpn6_verify_expiry_warn_days, a failure naming what has already ended."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from ovpn6_testkit.inventory import local_host, ovpn6_inventory
from ovpn6_testkit.pki import TestCA
from test_openvpn_server_pki import PKI_PLAY

VERIFY = Path(__file__).resolve().parents[3] / "playbooks" / "verify.yml"
ROUTERS = {"rtr-a": local_host(ovpn6_site_id=1), "rtr-b": local_host(ovpn6_site_id=2)}
REPORT = "Report the days left"
WARN = "Warn of what ends soon (site.yml renews it, rotate.yml replaces the CA), days ahead: %d"
ENDED = "Nothing has ended"


@pytest.fixture(scope="module")
def made(tmp_path_factory, run_playbook_module):
    directory = tmp_path_factory.mktemp("verify-pki")
    run = run_playbook_module(PKI_PLAY, inventory=ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(),
                                                                  all_vars={"ovpn6_pki_dir": str(directory / "pki")}))
    assert run.rc == 0, run.stdout[-3000:]
    return directory / "pki"


def _copy(made, tmp_path):
    shutil.copytree(made, tmp_path / "pki")
    return tmp_path / "pki"


def _verify(run_playbook, pki, **all_vars):
    inventory = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(), all_vars={"ovpn6_pki_dir": str(pki), **all_vars})
    return run_playbook(VERIFY, inventory=inventory, tags=["pki"])


def _days(lines):
    """{name: days left} from the report's lines."""
    found = {}
    for line in lines:
        match = re.fullmatch(r"(.+): (-?\d+) days left \(until \d{4}-\d\d-\d\d\)", line)
        assert match, line
        found[match.group(1)] = int(match.group(2))
    return found


def test_reports_every_certificate_and_the_crl(made, run_playbook):
    run = _verify(run_playbook, made)
    assert run.rc == 0, run.stdout[-3000:]
    days = _days(run.task(REPORT).msg)
    assert set(days) == {"CRL (next update)", "CA", "hub hub1", "router rtr-a", "router rtr-b"}
    assert 3640 <= days["CA"] <= 3650
    assert all(1820 <= days[name] <= 1825 for name in days if name != "CA"), days
    # Nothing ends within the default 365 days: no warning; nothing changed.
    assert run.task(WARN % 365).skipped
    assert not run.changed


def test_warns_of_what_ends_within_the_threshold(made, run_playbook):
    run = _verify(run_playbook, made, ovpn6_verify_expiry_warn_days=2000)
    assert run.rc == 0, run.stdout[-3000:]
    warned = run.task(WARN % 2000).msg
    names = sorted(re.match(r"WARNING: (.+) ends in \d+ days", line).group(1) for line in warned)
    # The CA (ten years) is not within 2000 days; the rest (five years) are.
    assert names == ["CRL (next update)", "hub hub1", "router rtr-a", "router rtr-b"]


def _expired_copy(pki, name):
    """Replace issued/NAME.crt with one of the same CA and key that ended yesterday."""
    ca = TestCA.load((pki / "ca.crt").read_bytes(), (pki / "private" / "ca.key").read_bytes())
    key = serialization.load_pem_private_key((pki / "private" / ("%s.key" % name)).read_bytes(), None)
    now = datetime.datetime.now(datetime.timezone.utc)
    ended = ca.issue(name, key=key, not_before=now - datetime.timedelta(days=30), days=29)
    (pki / "issued" / ("%s.crt" % name)).write_text(ended.cert_pem)


def test_fails_naming_what_has_ended(made, run_playbook, tmp_path):
    pki = _copy(made, tmp_path)
    _expired_copy(pki, "rtr-b")
    run = _verify(run_playbook, pki)
    assert run.rc != 0
    assert _days(run.task(REPORT).msg)["router rtr-b"] < 0
    failed = run.task(ENDED)
    assert failed.failed
    assert failed.msg.startswith("router rtr-b in %s ended already" % pki), failed.msg


def test_reports_the_ca_being_brought_in(made, run_playbook, tmp_path):
    pki = _copy(made, tmp_path)
    (pki / "next").mkdir()
    shutil.copyfile(pki / "ca.crt", pki / "next" / "ca.crt")
    run = _verify(run_playbook, pki)
    assert run.rc == 0, run.stdout[-3000:]
    assert "CA being brought in by rotate.yml" in _days(run.task(REPORT).msg)
