"""The virtual mailbox in the browser: the domiciliataire's agent records three letters
for the demo company in the entry table and scans their envelopes; the company is
alerted (e-mail and SMS each), opens one letter and its scan, asks for another to be
forwarded; the agent finds it in « À réexpédier » and records the forwarding. Every page
through axe, at 1366 and 390 pixels wide."""

import io

from PIL import Image
from playwright.sync_api import expect

from mail.models import MailItem, MailStatus
from notifications.models import Notification
from tests.e2e.test_contract_journey import DESKTOP, PHONE

SENDERS = ["Greffe du tribunal de commerce", "Assurance Maladie", "Fournisseur Bois & Cie"]


def _check(portal, name: str) -> None:
    page = portal.page
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        portal.assert_accessible()
        portal.screenshot(f"mail-{name}-{label}")
        if label == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (name, width)
    page.set_viewport_size(DESKTOP)


def _png(tmp_path, n: int):
    path = tmp_path / f"enveloppe-{n}.png"
    image = Image.new("RGB", (600, 300), "white")
    output = io.BytesIO()
    image.save(output, format="PNG")
    path.write_bytes(output.getvalue())
    return path


def _logout(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()


def test_three_letters_recorded_alerted_read_forwarded(portal, demo, tmp_path):
    page = portal.page
    portal.login("agent@demo.example")
    page.get_by_role("navigation").get_by_role("link", name="Courrier").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courrier")
    _check(portal, "provider-home")
    page.get_by_role("link", name="Saisir le courrier du jour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir le courrier")
    _check(portal, "entry")
    for n, sender in enumerate(SENDERS, start=1):
        page.get_by_label(f"Entreprise (nom, SIREN ou n° de contrat), ligne {n}", exact=True).fill(
            "Atelier Rousseau"
        )
        page.get_by_label(f"Expéditeur, ligne {n}", exact=True).fill(sender)
    page.get_by_role("button", name="Enregistrer le courrier").click()
    expect(page.get_by_role("status")).to_contain_text("3\u00a0courriers enregistrés.")

    for n, sender in enumerate(SENDERS, start=1):
        page.get_by_role("link", name="Courrier", exact=True).first.click()
        row = page.get_by_role("row").filter(has_text=sender)
        row.get_by_role("link", name="Atelier Rousseau").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Lettre simple de {sender}")
        page.get_by_label("Enveloppe").check()
        page.get_by_label("Fichier (PDF, JPEG ou PNG, 10\u00a0Mo au plus)").set_input_files(
            _png(tmp_path, n)
        )
        page.get_by_role("button", name="Enregistrer la numérisation").click()
        expect(page.get_by_role("status")).to_contain_text("Numérisation enregistrée.")
        if n == 1:
            _check(portal, "provider-item")

    items = MailItem.objects.filter(sender__in=SENDERS)
    assert items.count() == 3
    assert all(item.alerted_at for item in items)
    alerts = Notification.objects.filter(idempotency_key__startswith="mail-item:")
    for item in items:
        keys = {n.idempotency_key for n in alerts if str(item.public_id) in n.idempotency_key}
        assert len(keys) == 2, keys  # one e-mail, one SMS
    _logout(portal)

    portal.login("client@demo.example")
    page.get_by_role("navigation").get_by_role("link", name="Mon courrier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon courrier")
    _check(portal, "inbox")
    page.get_by_role("link", name=f"{SENDERS[0]} Non lu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lettre simple de {SENDERS[0]}")
    expect(page.get_by_role("img", name=f"Enveloppe du courrier de {SENDERS[0]}")).to_be_visible()
    _check(portal, "item")
    page.get_by_role("link", name="Mon courrier").first.click()
    page.get_by_role("link", name=f"{SENDERS[1]} Non lu").click()
    page.get_by_label("Adresse de réexpédition").fill("8 passage des Ébénistes\n75011 Paris")
    page.get_by_role("button", name="Réexpédier", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Réexpédition demandée.")
    expect(page.get_by_text("À réexpédier").first).to_be_visible()
    _logout(portal)

    portal.login("agent@demo.example")
    page.get_by_role("navigation").get_by_role("link", name="Courrier").first.click()
    page.get_by_role("link", name="À réexpédier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("À réexpédier")
    _check(portal, "queue")
    row = page.get_by_role("row").filter(has_text=SENDERS[1])
    row.get_by_role("link", name="Atelier Rousseau").click()
    page.get_by_label("Numéro de suivi").fill("1L23456789012")
    page.get_by_label("Affranchissement (€)").fill("1,96")
    page.get_by_role("button", name="Enregistrer la réexpédition").click()
    expect(page.get_by_role("status")).to_contain_text("Réexpédition enregistrée.")
    forwarded = MailItem.objects.get(sender=SENDERS[1])
    assert forwarded.status == MailStatus.FORWARDED
    assert forwarded.forwarded_to == "8 passage des Ébénistes\n75011 Paris"
    assert forwarded.tracking_number == "1L23456789012"
    opened = MailItem.objects.get(sender=SENDERS[0])
    assert opened.read_at is not None
