"""The employer's yearly obligations in the browser: the annual attestations of the year
just ended (generated with a progress bar, downloaded as a ZIP, sent once), the ceiling,
the aid statement and the accountant's export; and a quote from the recap with the
millésime chosen. Desktop (1366 px) and phone (390 px), axe on every page.

« The year just ended » is the real one: the demo seeds Demo Industries' orders of last
year whatever the date the tests run, so the pages are opened at the real date, from
1 January on, as a manager would. The Celery worker is played by the test where the
progress bar must be seen moving: tasks then go to the in-memory broker, and the test
runs the generation's batches itself, as a worker would."""

import io
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

from celery import current_app
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cesu_orders.models import Attestation, Job, Order, Quote
from cesu_orders.selectors.yearly import attestation_state
from cesu_orders.services.attestations import BATCH, attestations_generate_batch, attestations_zip

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def worker_not_running():
    """Tasks are queued on the in-memory broker instead of run in the request."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    try:
        yield
    finally:
        current_app.conf.task_always_eager = previous


def _both_sizes(portal, name: str) -> None:
    """Axe, then screenshots at 1366 px and at 390 px (no sideways scrolling)."""
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.assert_accessible()
    portal.screenshot(name)
    page.set_viewport_size(PHONE)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392"
        " && !e.closest('.table-scroll')).map(e => e.tagName + '.' + e.className + ' '"
        " + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (name, wide)
    portal.assert_accessible()
    portal.screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_a_manager_generates_downloads_and_sends_the_attestations(portal, demo):
    page = portal.page
    year = timezone.localdate().year - 1
    page.set_viewport_size(DESKTOP)
    portal.login("C100001")
    menu = page.get_by_role("navigation", name="Navigation principale")
    # « Données financeur » › « Obligations annuelles », the way to « Bénéficiaires ».
    menu.get_by_role("link", name="Données financeur").click()
    menu.get_by_role("link", name="Obligations annuelles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Attestations annuelles {year}")
    expect(page.get_by_role("rowheader", name="Martin Émilie")).to_be_visible()
    _both_sizes(portal, "attestations")

    # « Générer les attestations »: the worker is busy, the progress bar waits for it.
    with worker_not_running():
        page.get_by_role("button", name="Générer les attestations").click()
        expect(page.get_by_role("status").first).to_contain_text("est lancée")
        progress = page.locator("progress.job__bar")
        expect(progress).to_be_visible()
        expect(page.get_by_text(re.compile(r"En cours\s*: 0 sur 30"))).to_be_visible()
        _both_sizes(portal, "attestations-progress")
        # A second click while it runs is refused, nothing is started twice.
        page.get_by_role("button", name="Générer les attestations").click()
        expect(page.get_by_text("est déjà en cours")).to_be_visible()
        job = Job.objects.get(kind=Job.Kind.ATTESTATIONS)
        # The worker takes the job's parts, then its ZIP.
        to_generate = attestation_state(organization=job.organization, year=year).to_generate
        for part, start in enumerate(range(0, len(to_generate), BATCH)):
            attestations_generate_batch(
                job_id=job.pk, part=part, beneficiary_ids=to_generate[start : start + BATCH]
            )
        attestations_zip(job_id=job.pk)
    # htmx polls every 2 s and reloads the page once the job is done.
    zip_link = page.get_by_role("link", name="Télécharger toutes les attestations (ZIP)")
    expect(zip_link).to_be_visible(timeout=10_000)
    assert Attestation.objects.filter(year=year).count() == 30
    _both_sizes(portal, "attestations-generated")

    with page.expect_download() as download:
        zip_link.click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(archive.namelist()) == 30
    assert all(name.endswith(".pdf") for name in archive.namelist())

    # « Envoyer aux bénéficiaires »: each with an address gets its own, once.
    mail.outbox.clear()
    page.get_by_role("button", name="Envoyer aux bénéficiaires").click()
    expect(page.get_by_role("status").first).to_contain_text("L’envoi de 30 attestation(s)")
    sent = [
        m for m in mail.outbox if m.subject.startswith(f"Votre attestation annuelle CESU {year}")
    ]
    assert len(sent) == 30
    assert len({m.to[0] for m in sent}) == 30
    expect(page.get_by_text(re.compile(r"Envoyées par e-mail\s*: 30"))).to_be_visible()
    page.get_by_role("button", name="Envoyer aux bénéficiaires").click()
    expect(page.get_by_text("aucune n’a été envoyée une seconde fois")).to_be_visible()
    assert len([m for m in mail.outbox if m.subject.startswith("Votre attestation")]) == 30
    _both_sizes(portal, "attestations-sent")


def test_the_ceiling_the_statement_the_export_and_a_beneficiary(portal, demo):
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.login("C100001-02")
    portal.goto("/cesu/")
    page.get_by_role("link", name="Plafond d’exonération").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bénéficiaires proches du plafond d’exonération"
    )
    _both_sizes(portal, "ceiling-list")
    page.get_by_role("link", name="Martin Émilie").click()
    expect(page.get_by_role("heading", name=re.compile("^Plafond d’exonération"))).to_be_visible()
    _both_sizes(portal, "beneficiary-ceiling")

    portal.goto("/cesu/")
    page.get_by_role("link", name="Relevé des aides").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relevé des aides versées")
    page.get_by_role("button", name="Préparer le relevé PDF").click()
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
    _both_sizes(portal, "aid-statement")
    statement = Job.objects.get(kind=Job.Kind.AID_STATEMENT)
    portal.goto(f"/cesu/preparations/{statement.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevé des aides versées")
    _both_sizes(portal, "job")

    # A delivered order: its carrier, the link to follow the parcel, each line's millésime.
    shipped = Order.objects.filter(organization__name="Demo Industries", carrier="colissimo")
    portal.goto(f"/cesu/commandes/{shipped.first().public_id}/")
    expect(
        page.get_by_role("link", name="suivre le colis sur le site du transporteur")
    ).to_have_attribute(
        "href", re.compile(r"^https://www\.laposte\.fr/outils/suivre-vos-envois\?code=6A")
    )
    expect(page.get_by_text(re.compile("utilisable jusqu’au 31 janvier")).first).to_be_visible()
    _both_sizes(portal, "order-detail-tracking")

    portal.goto("/cesu/")
    page.get_by_role("link", name="Export comptable").click()
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("link", name=re.compile("^Facture FC-"))).not_to_have_count(0)
    page.get_by_role("button", name="Préparer le ZIP des PDF").click()
    expect(page.get_by_role("link", name="Télécharger le ZIP")).to_be_visible()
    _both_sizes(portal, "accounting-export")
    # A secondary manager generates and downloads, the sending is not offered.
    portal.goto("/cesu/attestations/")
    expect(page.get_by_text("réservé au gestionnaire principal")).to_be_visible()
    expect(page.get_by_role("button", name="Envoyer aux bénéficiaires")).to_have_count(0)


def test_a_quote_of_the_next_millesime_from_the_recap(portal, demo):
    """From the recap (the demo's cart saved through the order table), choose the
    millésime when two are possible, then « Télécharger un devis »."""
    page = portal.page
    page.set_viewport_size(DESKTOP)
    portal.login("C100001")
    portal.goto("/cesu/commandes/nouvelle/")
    page.get_by_label("Carnets, Martin Émilie").fill("2")
    page.get_by_label("Carnets, Bernard Lucas").fill("1")
    # Each change redraws the calendar (htmx): wait for it before picking a day.
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label("Adresse de livraison des carnets papier").select_option(
            label="Siège – 12 rue des Ateliers, 69007 Lyon"
        )
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label(re.compile("^Standard")).check()
    page.locator(".delivery-calendar__day label").first.click()
    page.get_by_role("button", name="Commander", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Récapitulatif de votre commande")
    choice = page.get_by_role("group", name="Millésime des titres de cette commande")
    if choice.count():  # from 1 December: the next millésime may be chosen
        next_year = timezone.localdate().year + 1
        choice.get_by_label(re.compile(f"^Millésime {next_year}")).check()
        page.get_by_role("button", name="Choisir ce millésime").click()
        expect(page.locator("dd", has_text=f"{next_year}, utilisable jusqu’au")).to_be_visible()
    _both_sizes(portal, "order-recap-quote")
    page.get_by_role("button", name="Télécharger un devis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Devis DEV-\d{4}-"))
    quote = Quote.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le devis (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    _both_sizes(portal, "quote")
    assert quote.cart_version == quote.organization.cart.version
