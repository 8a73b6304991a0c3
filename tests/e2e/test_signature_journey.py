import re
from decimal import Decimal
from io import BytesIO

from django.core import mail
from playwright.sync_api import expect
from pyhanko.pdf_utils.reader import PdfFileReader

from accounts.models import User
from domiciliation.models import Case, CaseStatus, Invoice
from notifications import sms
from tests.domiciliation.factories import accept
from tests.support.browser import loaded_image_width

DEMO_ADMIN_MOBILE = "+33698765432"


def _accept_demo_case() -> Case:
    """The demo company's case, accepted by the domiciliataire (the instruction journey
    does it through the pages): 3 months at 29,90 € HT, first payment 107,64 € TTC."""
    admin = User.objects.get(username="domiciliataire@demo.example")
    case = Case.objects.get(client_file__company_name="Rousseau Conseil")
    return accept(
        case, admin, monthly_price=Decimal("29.90"), setup_fee=Decimal("0"), duration_months=12
    )


def _last_code(phone: str) -> str:
    text = [message["text"] for message in sms.outbox if message["to"] == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def _read_the_contract(page):
    """As a person does: the mouse over the contract's first page, the wheel turned to
    scroll on. The picture is loaded, and the wheel scrolls the page, not a viewer."""
    preview = page.get_by_role("img", name=re.compile("^Première page du contrat"))
    expect(preview).to_be_visible()
    assert loaded_image_width(preview) == 1000
    preview.hover()
    before = page.evaluate("window.scrollY")
    page.mouse.wheel(0, 400)
    page.wait_for_function("before => window.scrollY > before", arg=before)


def _sign_with_sms_code(portal, phone):
    page = portal.page
    _read_the_contract(page)
    page.get_by_role("button", name="Recevoir un code par SMS").click()
    expect(page.get_by_role("status")).to_contain_text("Un code à 6 chiffres vient d’être envoyé")
    _read_the_contract(page)
    page.get_by_label("Code reçu par SMS").click()
    page.keyboard.type(_last_code(phone))
    page.get_by_label("J’ai lu le contrat et je le signe.").click()
    portal.assert_accessible()
    page.get_by_role("button", name="Signer le contrat").click()
    expect(page.get_by_role("status")).to_contain_text("Le contrat est signé")


def _logout(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()


def test_the_company_pays_then_both_parties_sign(portal, demo):
    page = portal.page
    case = _accept_demo_case()
    mail.outbox.clear()
    sms.outbox.clear()

    # The company pays with the simulated provider.
    portal.login("client@demo.example")
    portal.goto("/domiciliation/")
    expect(
        page.get_by_text("À faire : effectuer le premier paiement de 107,64 € TTC")
    ).to_be_visible()
    page.get_by_role("link", name=re.compile("^Payer 107,64")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Premier paiement")
    expect(page.get_by_role("table", name="Détail du premier paiement")).to_contain_text("89,70")
    portal.assert_accessible()
    portal.screenshot("payment")
    page.get_by_role("button", name="Payer 107,64 € par carte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement simulé")
    portal.assert_accessible()
    portal.screenshot("payment-simulation")
    page.get_by_role("button", name="Simuler un paiement accepté").click()
    expect(page.get_by_role("status")).to_contain_text("Paiement reçu")
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    invoice = Invoice.objects.get(case=case)

    # The invoice and the signing links are in the outboxes, for both parties.
    to_company = [m for m in mail.outbox if m.to == ["client@demo.example"]]
    assert any(
        invoice.number in m.body and "/domiciliation/signature/" in m.body for m in to_company
    )
    to_admin = [m for m in mail.outbox if m.to == ["domiciliataire@demo.example"]]
    assert any("/domiciliation/signature/" in m.body for m in to_admin)
    assert {m["to"] for m in sms.outbox if "/domiciliation/signature/" in m["text"]} == {
        "+33612345678",
        DEMO_ADMIN_MOBILE,
    }
    expect(page.get_by_role("link", name=f"Facture {invoice.number} (PDF)")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("payment-dashboard-to-sign")

    # The company signs with the code sent by SMS.
    page.get_by_role("link", name=re.compile("^Signer le contrat")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Signature du contrat de domiciliation"
    )
    expect(page.get_by_role("link", name="Télécharger le contrat (PDF)")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("signature-company")
    _sign_with_sms_code(portal, "+33612345678")
    expect(page.get_by_text("Le domicilié : signé par Émilie Rousseau")).to_be_visible()

    # The domiciliataire signs from the case's « Paiement et signature » page.
    _logout(portal)
    portal.login("domiciliataire@demo.example")
    portal.goto(f"/domiciliataire/dossiers/{case.public_id}/")
    page.get_by_role("link", name="Paiement et signature").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Paiement et signature")
    expect(page.get_by_text(re.compile("Carte bancaire \\(paiement simulé\\)"))).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("signature-provider-case")
    mail.outbox.clear()
    page.get_by_role("link", name="Signer le contrat").click()
    _sign_with_sms_code(portal, DEMO_ADMIN_MOBILE)
    expect(page.get_by_text("Le contrat est signé par les deux parties")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("signature-done")

    # Both get the sealed contract; the company gets the attestation.
    case.refresh_from_db()
    assert case.status == CaseStatus.SIGNED
    signed = {m.to[0]: m for m in mail.outbox if "signé" in m.subject}
    assert set(signed) == {"client@demo.example", "domiciliataire@demo.example"}
    company_files = [name for name, _content, _type in signed["client@demo.example"].attachments]
    assert company_files == [
        "Contrat de domiciliation – Rousseau Conseil.pdf",
        "Attestation de domiciliation – Rousseau Conseil.pdf",
    ]
    for message in signed.values():
        sealed = message.attachments[0][1]
        assert len(PdfFileReader(BytesIO(sealed)).embedded_signatures) == 1

    portal.goto(f"/domiciliataire/dossiers/{case.public_id}/paiement/")
    expect(page.get_by_role("link", name="Contrat signé et scellé (PDF)")).to_be_visible()
    expect(page.get_by_role("link", name="Attestation de domiciliation (PDF)")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("signature-provider-documents")

    _logout(portal)
    portal.login("client@demo.example")
    portal.goto("/domiciliation/")
    # The demo company also has a running contract (« Atelier Rousseau »).
    request = page.get_by_role("region", name="Rousseau Conseil")
    expect(request.get_by_role("link", name="Attestation de domiciliation (PDF)")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("signature-company-documents")
