"""Files that are not what they claim: random bytes, truncated PDFs, polyglots, images
declaring huge dimensions. Never stored, never a 500, a French message instead."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from domiciliation.models import Proof
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import filled_file, pdf_bytes, verified

pytestmark = pytest.mark.django_db


def _png(width: int, height: int, data: bytes = b"") -> bytes:
    """A PNG whose header declares width × height, with whatever pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(data))
        + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(output, "JPEG")
    return output.getvalue()


PDF = pdf_bytes()
CRAFTED = {
    "truncated PDF": PDF[: len(PDF) // 2],
    "PDF header only": b"%PDF-1.7\n",
    "PDF then HTML": b"%PDF-1.4\n<html><script>alert(1)</script></html>",
    "HTML named PDF": b"<html><body><script>alert(1)</script></body></html>",
    "huge PNG": _png(100_000, 100_000),
    "truncated JPEG": _jpeg()[:40],
    "JPEG header then zip": b"\xff\xd8\xff\xe0" + b"PK\x03\x04" + bytes(200),
    "empty": b"",
    "zip bomb lookalike": b"PK\x03\x04" + bytes(1000),
}


@pytest.fixture
def upload(client):
    company = verified(UserFactory())
    client_file = filled_file(company)
    client.force_login(company)
    url = reverse("domiciliation:step", args=[client_file.public_id, 5])

    def post(content: bytes, name: str):
        return client.post(
            url,
            {"proof_type": "statuts", "file": SimpleUploadedFile(name, content)},
        )

    return post


@pytest.mark.parametrize("kind", sorted(CRAFTED))
def test_a_crafted_file_is_refused_with_a_message(upload, kind):
    stored = Proof.objects.count()
    response = upload(CRAFTED[kind], "statuts.pdf")
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        message in page
        for message in ("n’est pas accepté", "illisible ou endommagé", "Ce fichier est vide")
    ), kind
    assert Proof.objects.count() == stored


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    prefix=st.sampled_from([b"", b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"]),
    body=st.binary(min_size=1, max_size=4096),
    name=st.sampled_from(["a.pdf", "b.jpg", "c.png", "d.exe", "../../etc/passwd", "x" * 300]),
)
def test_random_bytes_are_never_stored(upload, prefix, body, name):
    stored = Proof.objects.count()
    response = upload(prefix + body, name)
    assert response.status_code == 400
    assert Proof.objects.count() == stored


def test_a_real_pdf_is_still_stored(upload):
    stored = Proof.objects.count()
    assert upload(PDF, "statuts.pdf").status_code == 302
    assert Proof.objects.count() == stored + 1
