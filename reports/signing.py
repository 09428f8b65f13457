"""The installation's signing key and certificate, and the PAdES signature on a statement of powers (issue 20).

The key and certificate are files named by settings (CSAS_SIGNING_KEY, CSAS_SIGNING_CERT, CSAS_SIGNING_PASSPHRASE):
a PEM (or DER) private key with a PEM certificate, or one PKCS#12 file holding both. The certificate file may hold
the issuing chain after the signer's own certificate, as PKI teams hand them out; the chain is embedded in each
signature. When neither file exists the installation makes its own EC P-256 key and a five-year self-signed
certificate, once, under a file lock (two requests, or two app instances sharing the var directory, make one key).
P-256 rather than RSA 3072: it is made in a millisecond, where RSA 3072 took seconds of a busy machine, on the
request that happened to ask first.

Files that exist but cannot be used (corrupt, a wrong or missing passphrase, a key that does not match the
certificate, a certificate out of date) are never replaced: the request is refused with 503 signing_unavailable and
a detail saying what the administrator must fix, and it is logged.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from core.errors import Unavailable
from reports.errors import ReportErrorCode

logger = logging.getLogger("csas.signing")

CURVE = ec.SECP256R1()  # NIST P-256: ECDSA with SHA-256, which PAdES validators and Acrobat accept
VALID_DAYS = 5 * 365 + 1
PKCS12_SUFFIXES = (".p12", ".pfx")
SIGNATURE_FIELD = "Signature1"


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path
    passphrase: bytes | None

    @property
    def is_pkcs12(self) -> bool:
        return self.key.suffix.lower() in PKCS12_SUFFIXES


@dataclass(frozen=True)
class Credentials:
    """A loaded key with its certificate (and any chain): what signing needs, and what the statement says of it."""

    key: Any  # a cryptography private key
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        names = self.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.cert.subject.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate, in the colon-separated pairs certificate viewers show."""
        digest = self.cert.fingerprint(hashes.SHA256()).hex().upper()
        return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))

    @property
    def is_self_signed(self) -> bool:
        return self.cert.issuer == self.cert.subject


def signing_files() -> SigningFiles:
    from core.settings import get_settings

    settings = get_settings()
    passphrase = settings.signing_passphrase.encode() if settings.signing_passphrase else None
    return SigningFiles(settings.signing_key, settings.signing_cert, passphrase)


KEY, CERT = "the signing key (CSAS_SIGNING_KEY)", "the certificate (CSAS_SIGNING_CERT)"


def unavailable(detail: str, files: SigningFiles, cause: BaseException | None = None) -> Unavailable:
    """The refusal: the detail names the settings to fix; the log also names the files, which callers (officers
    among them) need not learn."""
    logger.error("Statement signing unavailable: %s (key file %s, certificate file %s)", detail, files.key,
                 files.cert, exc_info=cause)
    return Unavailable(ReportErrorCode.SIGNING_UNAVAILABLE,
                       f"Signed statements cannot be made: {detail} An administrator must fix this.")


# --- making the installation's own key ------------------------------------------------------------------

def installation_name() -> str:
    from urllib.parse import urlsplit

    from core.settings import get_settings

    host = urlsplit(get_settings().public_url).hostname or "localhost"
    return f"CSAS Register statements ({host})"


def make_self_signed(now: dt.datetime, name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(CURVE)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CSAS Register")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # clocks of validating machines run a little behind
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _write_private(path: Path, data: bytes) -> None:
    """Written to a temporary name with mode 0600 from the start, then renamed into place: readers see the whole
    file or none."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    partial.replace(path)


def create_files(files: SigningFiles, now: dt.datetime) -> None:
    """The key and a self-signed certificate, key last: the key's presence means the pair is complete."""
    key, cert = make_self_signed(now, installation_name())
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(files.passphrase) if files.passphrase else serialization.NoEncryption())
    _write_private(files.cert, cert.public_bytes(serialization.Encoding.PEM))
    _write_private(files.key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                encryption))
    logger.warning("Created the statement signing key %s and self-signed certificate %s (%s)", files.key,
                   files.cert, installation_name())


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a file beside the key: across threads (each opens its own descriptor) and processes."""
    fd = os.open(folder / ".signing.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases its lock


def ensure_files(files: SigningFiles, now: dt.datetime) -> None:
    """Makes the key and certificate when neither exists; leaves existing files alone, whatever state they are in."""
    if files.key.exists() and (files.is_pkcs12 or files.cert.exists()):
        return
    if files.is_pkcs12:
        raise unavailable("the PKCS#12 file named by CSAS_SIGNING_KEY does not exist.", files)
    try:
        files.key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _locked(files.key.parent):
            key_there, cert_there = files.key.exists(), files.cert.exists()
            if not key_there and not cert_there:
                create_files(files, now)
            elif not key_there:
                raise unavailable(f"{CERT} exists but {KEY} does not. Put the key there, or remove the "
                                  "certificate to have a new self-signed pair made.", files)
    except OSError as error:
        raise unavailable(f"{KEY} could not be created ({error.strerror}).", files, error) from error


# --- loading -------------------------------------------------------------------------------------------

def _read(path: Path, what: str, setting: str, files: SigningFiles) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise unavailable(f"the {what} named by {setting} does not exist.", files, error) from error
    except OSError as error:
        raise unavailable(f"the {what} named by {setting} cannot be read ({error.strerror}).", files,
                          error) from error


def _load_key(data: bytes, files: SigningFiles) -> Any:
    loader = serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    try:
        return loader(data, password=files.passphrase)
    except TypeError as error:  # encrypted without a passphrase given, or a passphrase for a plain key
        wanted = "is encrypted: set CSAS_SIGNING_PASSPHRASE" if files.passphrase is None else \
            "is not encrypted: unset CSAS_SIGNING_PASSPHRASE"
        raise unavailable(f"{KEY} {wanted}.", files, error) from error
    except ValueError as error:
        if b"ENCRYPTED" in data and files.passphrase is not None:
            raise unavailable(f"CSAS_SIGNING_PASSPHRASE does not open {KEY}.", files, error) from error
        raise unavailable(f"{KEY} is not a readable PEM or DER private key.", files, error) from error
    except Exception as error:  # an unsupported key type: nothing a client sent
        raise unavailable(f"{KEY} cannot be used ({type(error).__name__}).", files, error) from error


def _load_certs(data: bytes, files: SigningFiles) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise unavailable(f"{CERT} is not a readable PEM or DER certificate.", files, error) from error


def _load_pkcs12(data: bytes, files: SigningFiles) -> tuple[Any, list[x509.Certificate]]:
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, files.passphrase)
    except ValueError as error:
        hint = "set CSAS_SIGNING_PASSPHRASE, or check it" if files.passphrase is None else \
            "check CSAS_SIGNING_PASSPHRASE"
        raise unavailable(f"the PKCS#12 file named by CSAS_SIGNING_KEY cannot be opened: it is damaged or the "
                          f"passphrase is wrong ({hint}).", files, error) from error
    if key is None or cert is None:
        raise unavailable("the PKCS#12 file named by CSAS_SIGNING_KEY must hold both the private key and its "
                          "certificate.", files)
    return key, [cert, *chain]


def _public_der(key: Any) -> bytes:
    der: bytes = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def load_credentials(files: SigningFiles, now: dt.datetime) -> Credentials:
    if files.is_pkcs12:
        key, certs = _load_pkcs12(_read(files.key, "PKCS#12 file", "CSAS_SIGNING_KEY", files), files)
    else:
        key = _load_key(_read(files.key, "signing key", "CSAS_SIGNING_KEY", files), files)
        certs = _load_certs(_read(files.cert, "certificate", "CSAS_SIGNING_CERT", files), files)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise unavailable(f"{KEY} is neither an RSA nor an elliptic-curve key.", files)
    cert, chain = certs[0], tuple(certs[1:])
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise unavailable(f"{KEY} does not belong to {CERT}.", files)
    if now < cert.not_valid_before_utc:
        starts = f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M}"
        raise unavailable(f"the signing certificate is not valid until {starts} UTC.", files)
    if now >= cert.not_valid_after_utc:
        raise unavailable(f"the signing certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}. Install a new "
                          "key and certificate, or remove both files to have a new self-signed pair made.", files)
    return Credentials(key, cert, chain)


_cache: dict[tuple[Any, ...], Credentials] = {}
_cache_lock = threading.Lock()


def _stamp(files: SigningFiles) -> tuple[Any, ...]:
    """What the loaded credentials depend on: the files as they are now (a replaced file is loaded again)."""
    paths = (files.key,) if files.is_pkcs12 else (files.key, files.cert)
    stats = [(p, p.stat().st_mtime_ns, p.stat().st_size, p.stat().st_ino) for p in paths]
    secret = hashlib.sha256(files.passphrase or b"").hexdigest()
    return (*stats, secret)


def credentials(now: dt.datetime, files: SigningFiles | None = None) -> Credentials:
    """The installation's usable credentials, made on first use; 503 signing_unavailable when they cannot be."""
    files = files or signing_files()
    ensure_files(files, now)
    try:
        stamp = _stamp(files)
    except OSError as error:
        raise unavailable(f"the signing files cannot be read ({error.strerror}).", files, error) from error
    with _cache_lock:
        cached = _cache.get(stamp)
    if cached is not None and now < cached.cert.not_valid_after_utc:
        return cached
    loaded = load_credentials(files, now)
    with _cache_lock:
        _cache.clear()
        _cache[stamp] = loaded
    return loaded


# --- signing -------------------------------------------------------------------------------------------

def sign(pdf: bytes, creds: Credentials, reason: str, location: str) -> bytes:
    """A PAdES baseline (B-B) signature over the whole document, added as an incremental update, so the bytes
    fpdf2 wrote are exactly the bytes signed."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key_der = creds.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
    chain = SimpleCertificateStore.from_certs([asn1_cert(c) for c in creds.chain])  # type: ignore[no-untyped-call]
    signer = signers.SimpleSigner(signing_cert=asn1_cert(creds.cert),
                                  signing_key=asn1_keys.PrivateKeyInfo.load(key_der), cert_registry=chain)
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    signed: BytesIO = signers.sign_pdf(writer, meta, signer=signer)
    return signed.getvalue()
