"""The statement's signing key and certificate: made once on first use, loaded from PEM or PKCS#12 files (with a
chain), and refused with 503 signing_unavailable, a detail for the administrator and a log line when unusable."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from fpdf import FPDF

from core.errors import Unavailable
from core.settings import get_settings
from reports import signing
from reports.signing import SigningFiles
from tests.factories import World

NOW = dt.datetime.now(dt.UTC)


def files_in(folder: Path, passphrase: bytes | None = None, key: str = "key.pem") -> SigningFiles:
    return SigningFiles(folder / key, folder / "cert.pem", passphrase)


Issuer = tuple[str, ec.EllipticCurvePrivateKey]


def certificate(name: str, key: ec.EllipticCurvePrivateKey, issuer: Issuer | None = None,
                not_before: dt.datetime = NOW - dt.timedelta(days=1),
                not_after: dt.datetime = NOW + dt.timedelta(days=365), ca: bool = False) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (name, key)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                          encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(issuer_key, hashes.SHA256()))


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: ec.EllipticCurvePrivateKey, passphrase: bytes | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def write_pair(files: SigningFiles, key: ec.EllipticCurvePrivateKey, cert_bytes: bytes,
               passphrase: bytes | None = None) -> None:
    files.key.write_bytes(key_pem(key, passphrase))
    files.cert.write_bytes(cert_bytes)


def refusal(files: SigningFiles) -> str:
    with pytest.raises(Unavailable) as refused:
        signing.credentials(NOW, files)
    assert refused.value.status == 503 and refused.value.code == "signing_unavailable"
    return refused.value.detail


def a_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "A statement")
    return bytes(pdf.output())


def check_signed(pdf: bytes, root: x509.Certificate) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    trust = asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    embedded = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[trust]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()


# --- made once -----------------------------------------------------------------------------------------

def test_the_key_is_made_once_when_many_ask_at_the_same_moment(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    files = files_in(tmp_path / "signing")
    made: list[int] = []
    create = signing.create_files

    def counting(*args: object, **kwargs: object) -> None:
        made.append(threading.get_ident())
        create(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(signing, "create_files", counting)
    start = threading.Barrier(6)
    results: list[str] = []

    def ask() -> None:
        start.wait()
        results.append(signing.credentials(NOW, files).fingerprint)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert len(results) == 6 and len(set(results)) == 1
    for path in (files.key, files.cert):
        assert os.stat(path).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in files.key.parent.iterdir() if not p.name.startswith(".")) == \
        ["cert.pem", "key.pem"]
    creds = signing.credentials(NOW, files)
    assert creds.is_self_signed and creds.key.curve.name == "secp256r1"
    usage = creds.cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    years = (creds.cert.not_valid_after_utc - creds.cert.not_valid_before_utc).days / 365
    assert 5 <= years < 5.01
    assert creds.subject.startswith("CSAS Register statements (")
    check_signed(signing.sign(a_pdf(), creds, "test", "here"), creds.cert)


def test_a_passphrase_setting_encrypts_the_key_it_makes(tmp_path: Path) -> None:
    files = files_in(tmp_path, passphrase=b"open sesame")
    signing.credentials(NOW, files)
    assert b"ENCRYPTED" in files.key.read_bytes()
    assert "is encrypted: set CSAS_SIGNING_PASSPHRASE" in refusal(files_in(tmp_path))


# --- installed by the administrator --------------------------------------------------------------------

def test_a_pkcs12_file_with_its_passphrase_signs(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate("Council PKI signer", key)
    bundle = pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, None, serialization.BestAvailableEncryption(b"p12 secret"))
    (tmp_path / "signer.p12").write_bytes(bundle)
    files = files_in(tmp_path, passphrase=b"p12 secret", key="signer.p12")
    creds = signing.credentials(NOW, files)
    assert creds.subject == "Council PKI signer"
    check_signed(signing.sign(a_pdf(), creds, "test", "here"), cert)
    assert "damaged or the passphrase is wrong" in refusal(files_in(tmp_path, passphrase=b"wrong", key="signer.p12"))


def test_a_certificate_file_with_its_chain_validates_against_the_issuing_ca(tmp_path: Path) -> None:
    """How production uses the force's PKI: the issued certificate first, then the issuer's, in the one file."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Force Issuing CA", ca_key, ca=True)
    leaf = certificate("CSAS statements, Force A", key, issuer=("Force Issuing CA", ca_key))
    files = files_in(tmp_path)
    write_pair(files, key, pem(leaf) + pem(ca))
    creds = signing.credentials(NOW, files)
    assert not creds.is_self_signed and creds.chain == (ca,)
    check_signed(signing.sign(a_pdf(), creds, "test", "here"), ca)  # only the CA is trusted


# --- unusable files: 503, never replaced ---------------------------------------------------------------

def test_unusable_files_are_refused_with_what_to_fix_and_left_alone(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    key, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    files = files_in(tmp_path)

    write_pair(files, key, pem(certificate("signer", key)), passphrase=b"right")
    assert "does not open the signing key" in refusal(files_in(tmp_path, passphrase=b"wrong"))
    assert "is encrypted: set CSAS_SIGNING_PASSPHRASE" in refusal(files)

    write_pair(files, key, pem(certificate("signer", other)))
    assert "does not belong to the certificate" in refusal(files)

    write_pair(files, key, pem(certificate("signer", key, not_before=NOW - dt.timedelta(days=400),
                                           not_after=NOW - dt.timedelta(days=3))))
    assert "certificate expired on" in refusal(files)

    write_pair(files, key, b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert "is not a readable PEM or DER certificate" in refusal(files)

    files.key.write_bytes(b"garbage that is no key")
    assert "the signing key (CSAS_SIGNING_KEY) is not a readable PEM or DER private key" in refusal(files)
    assert files.key.read_bytes() == b"garbage that is no key"  # never replaced by a new key

    files.key.unlink()
    assert "exists but the signing key (CSAS_SIGNING_KEY) does not" in refusal(files)
    assert not files.key.exists()

    assert "does not exist" in refusal(files_in(tmp_path / "none", key="missing.p12"))
    assert any(r.name == "csas.signing" and r.levelname == "ERROR" for r in caplog.records)


# --- through the API -----------------------------------------------------------------------------------

@pytest.fixture
def corrupt_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    key = tmp_path / "corrupt-key.pem"
    key.write_bytes(b"-----BEGIN PRIVATE KEY-----\nMIIBroken\n-----END PRIVATE KEY-----\n")
    (tmp_path / "cert.pem").write_bytes(b"")
    monkeypatch.setenv("CSAS_SIGNING_KEY", str(key))
    monkeypatch.setenv("CSAS_SIGNING_CERT", str(tmp_path / "cert.pem"))
    get_settings.cache_clear()
    yield key
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_a_corrupt_key_answers_503_with_its_code_and_is_logged(
        client: httpx.AsyncClient, world: World, corrupt_key: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="csas.signing")
    reply = await client.get(f"/api/officers/{world.officers['A1a-1']}/statement.pdf", headers=world.auth("admin"))
    assert reply.status_code == 503, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["code"] == "signing_unavailable"
    assert "CSAS_SIGNING_KEY" in body["detail"] and "An administrator must fix this." in body["detail"]
    assert str(corrupt_key) not in body["detail"]  # the files' whereabouts are for the log, not for callers
    assert any(r.name == "csas.signing" and str(corrupt_key) in r.getMessage() for r in caplog.records)
    assert corrupt_key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\nMIIBroken")  # noqa: ASYNC240
