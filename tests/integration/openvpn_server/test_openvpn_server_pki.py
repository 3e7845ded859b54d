# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The openvpn_server role's PKI, made on the controller by the real community.crypto modules,
checked with the cryptography library."""

from __future__ import annotations

import shutil
import stat
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ovpn6_testkit.inventory import local_host, ovpn6_inventory

PKI_PLAY = """
- hosts: ovpn6_hubs
  gather_facts: false
  tasks:
    - name: PKI only
      ansible.builtin.include_role:
        name: tunnelworks.ovpn6.openvpn_server
        tasks_from: pki
"""

ROUTERS = {"rtr-a": local_host(ovpn6_site_id=1), "rtr-b": local_host(ovpn6_site_id=2), "rtr-c": local_host(ovpn6_site_id=3)}


def load_cert(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def common_name(cert):
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def eku(cert):
    return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def signed_by(cert, ca):
    ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
    return cert.issuer == ca.subject


def crl_serials(pki):
    crl = x509.load_pem_x509_crl((pki / "crl.pem").read_bytes())
    return crl, set(entry.serial_number for entry in crl)


@pytest.fixture(scope="module")
def converged(tmp_path_factory, run_playbook_module):
    """A PKI converged once for hub1 and three routers (copied by each test that changes it)."""
    directory = tmp_path_factory.mktemp("pki-base")
    hosts = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(ovpn6_pki_dir=str(directory / "pki")))
    run = run_playbook_module(PKI_PLAY, inventory=hosts)
    assert run.rc == 0, output(run)
    return directory


def output(run):
    return run.stdout[-4000:] + run.stderr[-2000:]


def copy_of(converged, tmp_path):
    shutil.copytree(converged / "pki", tmp_path / "pki")
    return tmp_path / "pki"


def test_pki_has_ca_hub_and_router_certificates(converged):
    pki = converged / "pki"
    ca = load_cert(pki / "ca.crt")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert common_name(ca) == "ovpn6 CA"
    hub = load_cert(pki / "issued" / "hub1.crt")
    assert common_name(hub) == "hub1"
    assert eku(hub) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert signed_by(hub, ca)
    for name in ROUTERS:
        cert = load_cert(pki / "issued" / ("%s.crt" % name))
        assert common_name(cert) == name
        assert eku(cert) == [ExtendedKeyUsageOID.CLIENT_AUTH]
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
        assert signed_by(cert, ca)
    crl, serials = crl_serials(pki)
    assert serials == set()
    assert crl.is_signature_valid(ca.public_key())


def test_private_keys_are_0600_and_directories_0700(converged):
    pki = converged / "pki"
    keys = sorted((pki / "private").glob("*.key"))
    assert [key.name for key in keys] == ["ca.key", "hub1.key", "rtr-a.key", "rtr-b.key", "rtr-c.key"]
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    for directory in (pki, pki / "private", pki / "issued", pki / "reqs", pki / "revoked"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


def test_second_run_changes_nothing(converged, tmp_path, run_playbook):
    pki = copy_of(converged, tmp_path)
    before = dict((path, path.read_bytes()) for path in pki.rglob("*") if path.is_file())
    hosts = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(ovpn6_pki_dir=str(pki)))
    run = run_playbook(PKI_PLAY, inventory=hosts)
    assert run.rc == 0, output(run)
    assert run.changed == []
    assert dict((path, path.read_bytes()) for path in pki.rglob("*") if path.is_file()) == before


def test_removed_and_listed_routers_are_revoked(converged, tmp_path, run_playbook):
    pki = copy_of(converged, tmp_path)
    serial_a = load_cert(pki / "issued" / "rtr-a.crt").serial_number
    serial_c = load_cert(pki / "issued" / "rtr-c.crt").serial_number
    serial_b = load_cert(pki / "issued" / "rtr-b.crt").serial_number
    # rtr-a leaves the inventory; rtr-c stays in it but is listed as revoked.
    hosts = ovpn6_inventory({"rtr-b": ROUTERS["rtr-b"], "rtr-c": ROUTERS["rtr-c"]}, hub="hub1",
                            hub_vars=local_host(ovpn6_pki_dir=str(pki), openvpn_server_revoked=["rtr-c"]))
    # Check mode first: it names the revocations and the new CRL, and changes no file.
    before = dict((path, path.read_bytes()) for path in pki.rglob("*") if path.is_file())
    checked = run_playbook(PKI_PLAY, inventory=hosts, check=True)
    assert checked.rc == 0, output(checked)
    for name in ("Keep the certificates of revoked routers for the CRL", "Write the CRL"):
        assert any(name in task.name for task in checked.changed), (name, output(checked))
    assert dict((path, path.read_bytes()) for path in pki.rglob("*") if path.is_file()) == before
    run = run_playbook(PKI_PLAY, inventory=hosts)
    assert run.rc == 0, output(run)
    crl, serials = crl_serials(pki)
    assert serials == {serial_a, serial_c}
    assert serial_b not in serials
    assert crl.is_signature_valid(load_cert(pki / "ca.crt").public_key())
    for name in ("rtr-a", "rtr-c"):
        assert not (pki / "issued" / ("%s.crt" % name)).exists()
        assert not (pki / "private" / ("%s.key" % name)).exists()
    assert sorted(path.name for path in (pki / "revoked").iterdir()) == sorted(
        ["rtr-a-%d.crt" % serial_a, "rtr-c-%d.crt" % serial_c])
    # Still revoked, and nothing changes, on the next run.
    again = run_playbook(PKI_PLAY, inventory=hosts)
    assert again.rc == 0, output(again)
    assert again.changed == []
    assert crl_serials(pki)[1] == {serial_a, serial_c}


def test_router_added_back_gets_a_new_certificate(converged, tmp_path, run_playbook):
    pki = copy_of(converged, tmp_path)
    old_serial = load_cert(pki / "issued" / "rtr-a.crt").serial_number
    hub = local_host(ovpn6_pki_dir=str(pki))
    without = ovpn6_inventory({"rtr-b": ROUTERS["rtr-b"]}, hub="hub1", hub_vars=hub)
    assert run_playbook(PKI_PLAY, inventory=without).rc == 0
    run = run_playbook(PKI_PLAY, inventory=ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=hub))
    assert run.rc == 0, output(run)
    new = load_cert(pki / "issued" / "rtr-a.crt")
    assert new.serial_number != old_serial
    assert crl_serials(pki)[1] >= {old_serial}
    assert new.serial_number not in crl_serials(pki)[1]


def test_expiring_certificates_and_crl_are_renewed(converged, tmp_path, run_playbook):
    pki = copy_of(converged, tmp_path)
    old = load_cert(pki / "issued" / "rtr-b.crt")
    old_crl = x509.load_pem_x509_crl((pki / "crl.pem").read_bytes())
    key_before = (pki / "private" / "rtr-b.key").read_bytes()
    time.sleep(1.1)  # the CRL's lastUpdate has one-second resolution
    # Everything now expires within the renewal window.
    hosts = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(
        ovpn6_pki_dir=str(pki), openvpn_server_cert_renew_days=1900, openvpn_server_cert_valid_days=4000,
        openvpn_server_crl_renew_days=1900))
    run = run_playbook(PKI_PLAY, inventory=hosts)
    assert run.rc == 0, output(run)
    new = load_cert(pki / "issued" / "rtr-b.crt")
    assert new.serial_number != old.serial_number
    assert new.not_valid_after_utc > old.not_valid_after_utc
    assert new.public_key() == old.public_key()
    assert (pki / "private" / "rtr-b.key").read_bytes() == key_before
    new_crl = x509.load_pem_x509_crl((pki / "crl.pem").read_bytes())
    assert new_crl.last_update_utc > old_crl.last_update_utc
    # Outside the window again: nothing renews.
    calm = run_playbook(PKI_PLAY, inventory=ovpn6_inventory(ROUTERS, hub="hub1",
                                                            hub_vars=local_host(ovpn6_pki_dir=str(pki))))
    assert calm.rc == 0, output(calm)
    assert calm.changed == []


ROLE = "tunnelworks.ovpn6.openvpn_server : "
PER_NAME_TASKS = (ROLE + "Create the private keys of the hubs and routers",
                  ROLE + "Create the signing requests of the hubs (serverAuth) and routers (clientAuth)",
                  ROLE + "Issue the certificates of the hubs and routers")


def loop_items(run, name):
    """The items a looped task of ``run`` ran on (an empty loop reports no results)."""
    return [result["item"] for result in run.task(name).result.get("results", [])]


def test_no_op_runs_no_per_name_task_and_a_lost_certificate_is_issued_alone(converged, tmp_path, run_playbook):
    pki = copy_of(converged, tmp_path)
    hosts = ovpn6_inventory(ROUTERS, hub="hub1", hub_vars=local_host(ovpn6_pki_dir=str(pki)))
    run = run_playbook(PKI_PLAY, inventory=hosts)
    assert run.rc == 0, output(run)
    for name in PER_NAME_TASKS:
        assert loop_items(run, name) == [] and run.task(name).skipped, (name, output(run))
    others = dict((name, (pki / "issued" / ("%s.crt" % name)).read_bytes()) for name in ("hub1", "rtr-a", "rtr-c"))
    old = load_cert(pki / "issued" / "rtr-b.crt")
    (pki / "issued" / "rtr-b.crt").unlink()
    again = run_playbook(PKI_PLAY, inventory=hosts)
    assert again.rc == 0, output(again)
    for name in PER_NAME_TASKS:
        assert loop_items(again, name) == ["rtr-b"], (name, output(again))
    assert [task.name for task in again.changed] == [PER_NAME_TASKS[2]]
    new = load_cert(pki / "issued" / "rtr-b.crt")
    assert new.public_key() == old.public_key() and new.serial_number != old.serial_number
    assert signed_by(new, load_cert(pki / "ca.crt"))
    assert dict((name, (pki / "issued" / ("%s.crt" % name)).read_bytes()) for name in others) == others
