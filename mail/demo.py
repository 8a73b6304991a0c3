"""The demo mailbox (`seed_demo`): the demo company's running contract (« Atelier
Rousseau ») receives a few letters, one of them unread and one registered, with the
scan of an envelope, so that « Mon courrier » and « Courrier » show something at once."""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from domiciliation.models import Contract

from .models import MailItem, MailKind
from .services.items import (
    Entry,
    mail_item_open,
    mail_record_batch,
    mail_request_forward,
    mail_scan_attach,
)

LETTERS = [
    (MailKind.LETTER, "URSSAF Île-de-France", 6),
    (MailKind.REGISTERED, "Direction générale des finances publiques", 3),
    (MailKind.LETTER, "Banque Populaire", 2),
    (MailKind.LETTER, "CCI Paris Île-de-France", 0),
]


def _envelope(text: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 790, 390), outline="black", width=3)
    draw.text((40, 40), text, fill="black")
    draw.text((420, 250), "Atelier Rousseau\nc/o Demo Domiciliation Paris", fill="black")
    output = BytesIO()
    image.save(output, format="PNG")
    return SimpleUploadedFile("enveloppe.png", output.getvalue(), content_type="image/png")


@transaction.atomic
def seed(log) -> None:
    contract = Contract.objects.filter(company_name="Atelier Rousseau").first()
    if contract is None or MailItem.objects.filter(contract=contract).exists():
        return
    agent = User.objects.get(username="agent@demo.example")
    client = contract.owner
    today = timezone.localdate()
    items = mail_record_batch(
        provider=contract.provider,
        entries=[
            Entry(contract.number, kind, sender, today - timedelta(days=days))
            for kind, sender, days in LETTERS
        ],
        actor=agent,
    )
    for item in items:
        mail_scan_attach(item=item, side="envelope", upload=_envelope(item.sender), actor=agent)
    # All read but the last one; the bank's letter asked to be forwarded.
    for item in items[:-1]:
        mail_item_open(item=item, user=client)
    mail_request_forward(item=items[2], actor=client, address="12 rue des Artisans\n75011 Paris")
    log(f"{len(items)} courriers reçus pour Atelier Rousseau, dont un non lu.")
