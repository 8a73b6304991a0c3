"""The running contract in the browser, the clock moved by time-machine: the company
saves a (simulated) card from « Mon contrat »; a month later the job bills the second
month and charges the card; the company gives notice; after the end, the company has its
« attestation de fin de domiciliation » and the domiciliataire its greffe notice, whose
sending it records. Every page through axe, at 1366 and 390 pixels wide."""

import re
from datetime import date

import time_machine
from playwright.sync_api import expect

from accounts.models import User
from directory.models import Provider
from domiciliation.models import CaseDocument, Contract, GreffeNotice, Invoice
from domiciliation.services.contract_jobs import contracts_run
from tests.domiciliation.factories import at, signed_contract

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _check(portal, name: str) -> None:
    """axe at both widths, no horizontal scroll on a phone, a screenshot of each."""
    page = portal.page
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        portal.assert_accessible()
        portal.screenshot(f"contract-{name}-{label}")
        if label == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
                ".right > 392).slice(0, 3).map(e => e.outerHTML.slice(0, 120))"
            )
            assert width <= PHONE["width"], (name, width, wide)
    page.set_viewport_size(DESKTOP)


def _logout(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()


def _run_job(day: date) -> dict:
    with time_machine.travel(at(day, 1), tick=False):
        return contracts_run()


def test_a_contract_is_billed_paid_by_its_saved_card_then_ended(portal, demo):
    page = portal.page
    company = User.objects.get(username="client@demo.example")
    admin = User.objects.get(username="domiciliataire@demo.example")
    provider = Provider.objects.get(slug="demo-domiciliation-paris")

    with time_machine.travel(at(date(2027, 1, 10), 10)):
        contract = signed_contract(company, [provider], admin, billing_months=1)
        portal.login("client@demo.example")
        portal.goto("/domiciliation/")
        # The demo company's own contract, and this one.
        links = page.get_by_role("link", name=f"Mon contrat avec {provider}")
        expect(links).to_have_count(2)
        portal.goto(f"/domiciliation/contrat/{contract.public_id}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Mon contrat de domiciliation")
        expect(page.get_by_text(f"n° {contract.number}")).to_be_visible()
        _check(portal, "company")
        page.get_by_role("button", name="Enregistrer un moyen de paiement").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Enregistrer un moyen de paiement"
        )
        _check(portal, "method-simulation")
        page.get_by_label("Visa •••• 4242 (simulation)", exact=True).check()
        page.get_by_role("button", name="Enregistrer ce moyen de paiement").click()
        expect(page.get_by_role("status")).to_contain_text("Moyen de paiement enregistré")

    # A month later, the beat job bills the second month and charges the card.
    assert _run_job(date(2027, 2, 10))["invoices"] >= 1
    second = Invoice.objects.get(contract=contract, period_index=1)
    assert second.status == Invoice.Status.PAID
    with time_machine.travel(at(date(2027, 2, 11), 9)):
        portal.login("client@demo.example")
        portal.goto(f"/domiciliation/contrat/{contract.public_id}/")
        row = page.get_by_role("row", name=re.compile(second.number))
        expect(row).to_contain_text("Payée")
        expect(page.get_by_text("Visa •••• 4242 (simulation) : vos factures")).to_be_visible()
        # « Résilier »: the notice ends with the initial term.
        page.get_by_label("Je résilie mon contrat (préavis)").check()
        page.get_by_label("Je confirme la fin de mon contrat de domiciliation.").check()
        page.get_by_role("button", name="Résilier mon contrat").click()
        expect(page.get_by_role("status")).to_contain_text("Votre résiliation est enregistrée")
        expect(page.get_by_text("Votre contrat prend fin le 9 juillet 2027")).to_be_visible()
        _check(portal, "company-notice")
        _logout(portal)

    # The day after its last day, the job ends it.
    assert _run_job(date(2027, 7, 10))["ended"] == 1
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.is_ended
    assert CaseDocument.objects.filter(case=contract.case, kind="end_attestation").exists()
    notice = GreffeNotice.objects.get(contract=contract)
    assert notice.pdf

    with time_machine.travel(at(date(2027, 7, 12), 9)):
        portal.login("client@demo.example")
        portal.goto(f"/domiciliation/contrat/{contract.public_id}/")
        expect(
            page.get_by_role("link", name="Attestation de fin de domiciliation (PDF)")
        ).to_be_visible()
        _check(portal, "company-ended")
        _logout(portal)

        portal.login("domiciliataire@demo.example")
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Contrats"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Contrats de domiciliation")
        expect(page.get_by_text("Revenu mensuel récurrent :").first).to_be_visible()
        _check(portal, "provider-list")
        page.get_by_role("link", name="Terminé").click()
        page.get_by_role("row", name=re.compile(contract.number)).get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(contract.company_name)
        expect(page.get_by_role("link", name=re.compile("Avis au greffe"))).to_be_visible()
        _check(portal, "provider-detail")
        page.get_by_role("link", name="à envoyer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("À signaler au greffe")
        _check(portal, "provider-greffe")
        card = page.locator(".greffe-notice", has_text=contract.company_name)
        card.get_by_label("Envoyé le").fill("2027-07-12")
        card.get_by_label("Par").select_option(label="Lettre recommandée avec avis de réception")
        card.get_by_role("button", name=re.compile("Enregistrer l’envoi")).click()
        expect(page.get_by_role("status")).to_contain_text("est enregistré")
        _check(portal, "provider-greffe-sent")
        page.get_by_role("link", name="Factures impayées").click()
        _check(portal, "provider-unpaid")
    notice.refresh_from_db()
    assert (notice.status, notice.channel) == ("sent", "registered_letter")
