"""Mail for the tests: a running contract, items recorded through the services, scans."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mail.models import MailItem, MailKind
from mail.services.items import Entry, mail_record_batch
from tests.domiciliation.factories import pdf_bytes, signed_contract


def running_contract(company, provider, admin, **offer):
    """A contract signed by both parties, running from today."""
    offer.setdefault("billing_months", 1)
    return signed_contract(company, [provider], admin, **offer)


def record(contract, actor, *, count=1, kind=MailKind.LETTER, sender="URSSAF",
           received_on=None, **extra) -> list[MailItem]:  # fmt: skip
    """`count` items for `contract`, recorded by `actor` as the entry table does."""
    from django.utils import timezone

    received_on = received_on or timezone.localdate()
    entries = [
        Entry(
            term=contract.number,
            kind=kind,
            sender=f"{sender}" if count == 1 else f"{sender} {n}",
            received_on=received_on,
            **extra,
        )  # fmt: skip
        for n in range(1, count + 1)
    ]
    return mail_record_batch(provider=contract.provider, entries=entries, actor=actor)


def png_upload(name="scan.png") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(output, format="PNG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def pdf_upload(name="scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def fake_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 not really", content_type="application/pdf")


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()
