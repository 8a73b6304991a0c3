"""The platform's seal on signed contracts: a PAdES signature made with pyHanko, from the
certificate and private key given in CONTRACT_SEAL_CERTIFICATE and
CONTRACT_SEAL_PRIVATE_KEY (PEM). Without them, outside production, a self-signed
development certificate is made once and kept in the private storage."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_FIELD = "CachetPortail"
DEVELOPMENT_CERTIFICATE = "seal/development-certificate.pem"
DEVELOPMENT_KEY = "seal/development-key.pem"


def self_signed_seal(common_name: str, *, days: int = 3650) -> tuple[bytes, bytes]:
    """A throwaway self-signed sealing certificate and its key, in PEM (development and
    tests only)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Portail"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def seal_credentials() -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) of the platform's seal."""
    certificate, key = settings.CONTRACT_SEAL_CERTIFICATE, settings.CONTRACT_SEAL_PRIVATE_KEY
    if certificate and key:
        return certificate.encode(), key.encode()
    if not settings.CONTRACT_SEAL_DEVELOPMENT_FALLBACK:
        raise ImproperlyConfigured(
            "Set CONTRACT_SEAL_CERTIFICATE and CONTRACT_SEAL_PRIVATE_KEY to seal contracts."
        )
    return _development_credentials()


def _development_credentials() -> tuple[bytes, bytes]:
    storage = storages["private"]
    if not storage.exists(DEVELOPMENT_CERTIFICATE):
        certificate, key = self_signed_seal("Portail – cachet de développement")
        storage.save(DEVELOPMENT_KEY, ContentFile(key))
        storage.save(DEVELOPMENT_CERTIFICATE, ContentFile(certificate))
    with (
        storage.open(DEVELOPMENT_CERTIFICATE, "rb") as certificate,
        storage.open(DEVELOPMENT_KEY, "rb") as key,
    ):
        return certificate.read(), key.read()


@cache
def _signer(certificate_pem: bytes, key_pem: bytes) -> signers.SimpleSigner:
    certificates = list(load_certs_from_pemder_data(certificate_pem))
    return signers.SimpleSigner(
        signing_cert=certificates[0],
        signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs(certificates),
    )


def seal_pdf(pdf: bytes) -> bytes:
    """`pdf` with the platform's seal: any later change to the file breaks it."""
    signer = _signer(*seal_credentials())
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        reason="Contrat signé électroniquement par les deux parties",
        location="France",
    )
    sign = partial(
        signers.sign_pdf, IncrementalPdfFileWriter(BytesIO(pdf)), metadata, signer=signer
    )
    return _outside_any_event_loop(sign).getvalue()


def _outside_any_event_loop(call):
    """pyHanko signs with asyncio.run(), which refuses to run in a thread whose event
    loop is already running (a task run in-process from async code, or beside a browser
    driver): there, the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(call).result()
