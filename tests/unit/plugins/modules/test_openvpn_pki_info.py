# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""openvpn_pki_info: a PKI laid out as the openvpn_server role makes it, written with cryptography, read
through the module's main() as Ansible runs it. A consistent set is current; each single deviation moves
that name alone to needs_work; serials and the renew list are right; bad input is refused."""

from __future__ import annotations

import datetime
import json
import os

import pytest
from ansible.module_utils.testing import patch_module_args
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils import _pki_status
from ansible_collections.tunnelworks.ovpn6.plugins.modules import openvpn_pki_info

KEY_SIZE = 1024  # the smallest the module takes: fast to generate
NAMES = {"hub1": "server", "rtr-a": "client", "rtr-b": "client"}
_KEYS = [rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE) for _key in range(6)]


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path, data, mode):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, mode)


def _pem(obj):
    return obj.public_bytes(serialization.Encoding.PEM)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def request(key, common_name, usage, extra=()):
    """A signing request as openssl_csr makes it for the role; ``extra``: more (extension, critical)."""
    builder = (x509.CertificateSigningRequestBuilder().subject_name(_name(common_name))
               .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), False)
               .add_extension(x509.ExtendedKeyUsage([usage]), False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), False))
    for extension, critical in extra:
        builder = builder.add_extension(extension, critical)
    return builder.sign(key, hashes.SHA256())


class Authority:
    """A CA as the role's selfsigned task makes it: key, request and certificate."""

    def __init__(self, key, common_name="ovpn6 CA"):
        self.key = key
        self.request = (x509.CertificateSigningRequestBuilder().subject_name(_name(common_name))
                        .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
                        .sign(key, hashes.SHA256()))
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        self.certificate = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
                            .public_key(key.public_key()).serial_number(1000)
                            .not_valid_before(now() - datetime.timedelta(minutes=5))
                            .not_valid_after(now() + datetime.timedelta(days=3650))
                            .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
                            .add_extension(ski, False)
                            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
                            .sign(key, hashes.SHA256()))

    def issue(self, csr, days=1825, serial=None):
        """A certificate as x509_certificate ownca issues it: the CSR's extensions, SKI and AKI added."""
        builder = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(self.certificate.subject)
                   .public_key(csr.public_key()).serial_number(serial or x509.random_serial_number())
                   .not_valid_before(now() - datetime.timedelta(minutes=5))
                   .not_valid_after(now() + datetime.timedelta(days=days)))
        for extension in csr.extensions:
            builder = builder.add_extension(extension.value, extension.critical)
        ski = self.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = (builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(csr.public_key()), False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False))
        return builder.sign(self.key, hashes.SHA256())


class Pki:
    """The directory (``pki / "ca.crt"``) and the CA that made it (``pki.ca``)."""

    def __init__(self, path, ca):
        self.path = path
        self.ca = ca

    def __truediv__(self, part):
        return self.path / part

    def __str__(self):
        return str(self.path)

    def rglob(self, pattern):
        return self.path.rglob(pattern)


@pytest.fixture
def pki(tmp_path):
    """A consistent PKI for hub1, rtr-a and rtr-b."""
    ca = Authority(_KEYS[0])
    _write(tmp_path / "private" / "ca.key", _key_pem(ca.key), 0o600)
    _write(tmp_path / "reqs" / "ca.csr", _pem(ca.request), 0o600)
    _write(tmp_path / "ca.crt", _pem(ca.certificate), 0o644)
    for index, (name, role) in enumerate(NAMES.items()):
        key = _KEYS[index + 1]
        usage = ExtendedKeyUsageOID.SERVER_AUTH if role == "server" else ExtendedKeyUsageOID.CLIENT_AUTH
        csr = request(key, name, usage)
        _write(tmp_path / "private" / ("%s.key" % name), _key_pem(key), 0o600)
        _write(tmp_path / "reqs" / ("%s.csr" % name), _pem(csr), 0o600)
        _write(tmp_path / "issued" / ("%s.crt" % name), _pem(ca.issue(csr, serial=100 + index)), 0o644)
    return Pki(tmp_path, ca)


def run(capsys, path, names=None, key_size=KEY_SIZE, renew_days=30, check_mode=False):
    args = dict(path=str(path), names=NAMES if names is None else names, key_size=key_size, renew_days=renew_days,
                _ansible_check_mode=check_mode)
    with patch_module_args(args), pytest.raises(SystemExit):
        openvpn_pki_info.main()
    return json.loads(capsys.readouterr().out)


def test_a_consistent_pki_is_current_and_its_serials_read(pki, capsys):
    result = run(capsys, pki, check_mode=True)
    assert result["changed"] is False and "failed" not in result
    assert result["current"] == ["hub1", "rtr-a", "rtr-b"] and result["needs_work"] == []
    assert result["serials"] == {"ca.crt": 1000, "issued/hub1.crt": 100, "issued/rtr-a.crt": 101,
                                 "issued/rtr-b.crt": 102}
    assert result["renew"] == [] and result["unreadable"] == []
    assert result["ca_common_name"] == "ovpn6 CA"


def _usage(role):
    return ExtendedKeyUsageOID.SERVER_AUTH if role == "server" else ExtendedKeyUsageOID.CLIENT_AUTH


def _reissue(pki, name, csr=None, key=None, ca=None, days=1825):
    """Write rtr-a's request (``csr``) and a certificate of it by ``ca`` (default: the PKI's)."""
    if csr is not None:
        _write(pki / "reqs" / ("%s.csr" % name), _pem(csr), 0o600)
    csr = csr or x509.load_pem_x509_csr((pki / "reqs" / ("%s.csr" % name)).read_bytes())
    _write(pki / "issued" / ("%s.crt" % name), _pem((ca or pki.ca).issue(csr, days=days)), 0o644)


def key_mode_0644(pki):
    os.chmod(pki / "private" / "rtr-a.key", 0o644)


def key_of_another_size(pki):
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE + 512)
    _write(pki / "private" / "rtr-a.key", _key_pem(key), 0o600)
    _reissue(pki, "rtr-a", csr=request(key, "rtr-a", _usage("client")))


def key_encrypted(pki):
    key = serialization.load_pem_private_key((pki / "private" / "rtr-a.key").read_bytes(), None)
    _write(pki / "private" / "rtr-a.key", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")), 0o600)


def request_with_a_san(pki):
    key = serialization.load_pem_private_key((pki / "private" / "rtr-a.key").read_bytes(), None)
    _reissue(pki, "rtr-a", csr=request(key, "rtr-a", _usage("client"),
                                       extra=[(x509.SubjectAlternativeName([x509.DNSName("rtr-a")]), False)]))


def request_with_the_wrong_usage(pki):
    key = serialization.load_pem_private_key((pki / "private" / "rtr-a.key").read_bytes(), None)
    _reissue(pki, "rtr-a", csr=request(key, "rtr-a", _usage("server")))


def request_for_another_name(pki):
    key = serialization.load_pem_private_key((pki / "private" / "rtr-a.key").read_bytes(), None)
    _reissue(pki, "rtr-a", csr=request(key, "rtr-z", _usage("client")))


def request_without_basic_constraints(pki):
    key = serialization.load_pem_private_key((pki / "private" / "rtr-a.key").read_bytes(), None)
    csr = (x509.CertificateSigningRequestBuilder().subject_name(_name("rtr-a"))
           .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), False)
           .add_extension(x509.ExtendedKeyUsage([_usage("client")]), False).sign(key, hashes.SHA256()))
    _reissue(pki, "rtr-a", csr=csr)


def request_mode_0644(pki):
    os.chmod(pki / "reqs" / "rtr-a.csr", 0o644)


def certificate_of_another_ca(pki):
    _reissue(pki, "rtr-a", ca=Authority(_KEYS[5]))


def certificate_of_another_ca_of_the_same_name_and_key_id(pki):
    # Same subject and even the same AKI: only the signature tells.
    other = Authority(_KEYS[5])
    csr = x509.load_pem_x509_csr((pki / "reqs" / "rtr-a.csr").read_bytes())
    certificate = pki.ca.issue(csr)
    forged = (x509.CertificateBuilder().subject_name(certificate.subject).issuer_name(certificate.issuer)
              .public_key(certificate.public_key()).serial_number(certificate.serial_number)
              .not_valid_before(certificate.not_valid_before_utc).not_valid_after(certificate.not_valid_after_utc))
    for extension in certificate.extensions:
        forged = forged.add_extension(extension.value, extension.critical)
    _write(pki / "issued" / "rtr-a.crt", _pem(forged.sign(other.key, hashes.SHA256())), 0o644)


def certificate_for_another_key(pki):
    csr = request(_KEYS[5], "rtr-a", _usage("client"))
    _write(pki / "issued" / "rtr-a.crt", _pem(pki.ca.issue(csr)), 0o644)


def certificate_expiring_within_the_window(pki):
    _reissue(pki, "rtr-a", days=10)


def certificate_mode_0600(pki):
    os.chmod(pki / "issued" / "rtr-a.crt", 0o600)


def certificate_missing(pki):
    os.unlink(pki / "issued" / "rtr-a.crt")


def key_missing(pki):
    os.unlink(pki / "private" / "rtr-a.key")


def request_missing(pki):
    os.unlink(pki / "reqs" / "rtr-a.csr")


def certificate_garbage(pki):
    _write(pki / "issued" / "rtr-a.crt", b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
           0o644)


def key_garbage(pki):
    _write(pki / "private" / "rtr-a.key", b"garbage\n", 0o600)


def request_garbage(pki):
    _write(pki / "reqs" / "rtr-a.csr", b"\x00\x01", 0o600)


def key_a_symlink(pki):
    os.rename(pki / "private" / "rtr-a.key", pki / "private" / "elsewhere")
    os.symlink("elsewhere", pki / "private" / "rtr-a.key")


DEVIATIONS = [key_mode_0644, key_of_another_size, key_encrypted, key_missing, key_garbage, key_a_symlink,
              request_with_a_san, request_with_the_wrong_usage, request_for_another_name,
              request_without_basic_constraints, request_mode_0644,
              request_missing, request_garbage, certificate_of_another_ca,
              certificate_of_another_ca_of_the_same_name_and_key_id, certificate_for_another_key,
              certificate_expiring_within_the_window, certificate_mode_0600, certificate_missing,
              certificate_garbage]


@pytest.mark.parametrize("deviation", DEVIATIONS, ids=[deviation.__name__ for deviation in DEVIATIONS])
def test_one_deviation_moves_that_router_alone_to_needs_work(pki, capsys, deviation):
    deviation(pki)
    result = run(capsys, pki)
    assert result["needs_work"] == ["rtr-a"]
    assert result["current"] == ["hub1", "rtr-b"]


def test_a_router_made_a_hub_needs_work(pki, capsys):
    result = run(capsys, pki, names={"hub1": "server", "rtr-a": "server", "rtr-b": "client"})
    assert result["needs_work"] == ["rtr-a"] and result["current"] == ["hub1", "rtr-b"]


def test_a_router_named_ca_is_never_current(pki, capsys):
    result = run(capsys, pki, names={"hub1": "server", "ca": "client"})
    assert result["current"] == ["hub1"] and result["needs_work"] == ["ca"]


def test_a_file_cryptography_fails_on_otherwise_is_not_current(pki, capsys, monkeypatch):
    def refuse(*args):
        raise x509.DuplicateExtension("twice", x509.oid.ExtensionOID.SUBJECT_KEY_IDENTIFIER)

    monkeypatch.setattr(_pki_status, "_name_is_current", refuse)
    result = run(capsys, pki)
    assert result["current"] == [] and result["needs_work"] == ["hub1", "rtr-a", "rtr-b"]
    assert "failed" not in result


def test_another_key_size_asked_for_puts_every_name_in_needs_work_in_order(pki, capsys):
    result = run(capsys, pki, key_size=KEY_SIZE * 2, names={"rtr-b": "client", "hub1": "server", "rtr-a": "client"})
    assert result["current"] == [] and result["needs_work"] == ["rtr-b", "hub1", "rtr-a"]


def _replace_ca_certificate(pki, certificate):
    _write(pki / "ca.crt", _pem(certificate), 0o644)


def ca_key_of_another_ca(pki):
    _write(pki / "private" / "ca.key", _key_pem(_KEYS[5]), 0o600)


def ca_request_missing(pki):
    os.unlink(pki / "reqs" / "ca.csr")


def ca_certificate_without_ski(pki):
    ca = pki.ca
    builder = (x509.CertificateBuilder().subject_name(ca.certificate.subject).issuer_name(ca.certificate.issuer)
               .public_key(ca.key.public_key()).serial_number(1000)
               .not_valid_before(ca.certificate.not_valid_before_utc)
               .not_valid_after(ca.certificate.not_valid_after_utc)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), True))
    _replace_ca_certificate(pki, builder.sign(ca.key, hashes.SHA256()))


def ca_certificate_garbage(pki):
    _write(pki / "ca.crt", b"garbage", 0o644)


CA_DEVIATIONS = [ca_key_of_another_ca, ca_request_missing, ca_certificate_without_ski, ca_certificate_garbage]


@pytest.mark.parametrize("deviation", CA_DEVIATIONS, ids=[deviation.__name__ for deviation in CA_DEVIATIONS])
def test_a_ca_the_run_may_change_puts_every_name_in_needs_work(pki, capsys, deviation):
    deviation(pki)
    result = run(capsys, pki)
    assert result["current"] == [] and result["needs_work"] == ["hub1", "rtr-a", "rtr-b"]


def test_renew_lists_what_ends_within_the_window_and_serials_every_certificate(pki, capsys):
    _reissue(pki, "rtr-b", days=100)
    (pki / "issued" / "gone.crt").write_bytes((pki / "issued" / "rtr-a.crt").read_bytes())
    (pki / "issued" / "broken.crt").write_bytes(b"garbage")
    (pki / "issued" / "notes.txt").write_text("not a certificate")
    result = run(capsys, pki, renew_days=200)
    assert result["renew"] == ["issued/rtr-b.crt"]
    assert sorted(result["serials"]) == ["ca.crt", "issued/gone.crt", "issued/hub1.crt", "issued/rtr-a.crt",
                                         "issued/rtr-b.crt"]
    assert result["serials"]["issued/gone.crt"] == 101
    assert result["unreadable"] == ["issued/broken.crt"]
    assert result["needs_work"] == ["rtr-b"]
    # The CA's own certificate is read against the same window.
    everything = ["ca.crt", "issued/gone.crt", "issued/hub1.crt", "issued/rtr-a.crt", "issued/rtr-b.crt"]
    assert run(capsys, pki, renew_days=4000)["renew"] == everything


def test_a_der_certificate_gives_its_serial_but_is_not_current(pki, capsys):
    certificate = x509.load_pem_x509_certificate((pki / "issued" / "rtr-a.crt").read_bytes())
    _write(pki / "issued" / "rtr-a.crt", certificate.public_bytes(serialization.Encoding.DER), 0o644)
    result = run(capsys, pki)
    assert result["serials"]["issued/rtr-a.crt"] == 101
    assert result["needs_work"] == ["rtr-a"]


def test_an_empty_directory_needs_everything(tmp_path, capsys):
    result = run(capsys, tmp_path / "missing")
    assert result["serials"] == {} and result["renew"] == [] and result["current"] == []
    assert result["needs_work"] == ["hub1", "rtr-a", "rtr-b"] and result["ca_common_name"] is None


def test_nothing_is_written(pki, capsys):
    before = dict((path, (path.read_bytes(), path.stat().st_mtime_ns)) for path in pki.rglob("*") if path.is_file())
    run(capsys, pki)
    assert dict((path, (path.read_bytes(), path.stat().st_mtime_ns)) for path in pki.rglob("*")
                if path.is_file()) == before


@pytest.mark.parametrize("names, key_size, message", [
    ({"../x": "client"}, KEY_SIZE, "plain file name"),
    ({"rtr-a": "router"}, KEY_SIZE, "role 'router' is not one of server, client"),
    ({"rtr-a": "client"}, 512, "key_size must be"),
])
def test_bad_input_is_refused(pki, capsys, names, key_size, message):
    result = run(capsys, pki, names=names, key_size=key_size)
    assert result["failed"] is True and message in result["msg"]
