"""The big-tenant features in a real browser: the compact order table (options copied in
by the script) and its full form without JavaScript, the delivery day kept or cleared
with a notice, buttons disabled once clicked, the import's progress page and the
« Récapitulatif PDF » being made. Screenshots at 1366 and 390 pixels wide."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from cesu_orders.delivery_calendar import TransportMode, earliest_delivery_date
from cesu_orders.models import BeneficiaryImport, Order


def test_the_chosen_day_survives_express_and_is_cleared_with_a_reason(portal, demo):
    page = portal.page
    portal.login("C100001")
    portal.goto("/cesu/commandes/nouvelle/")
    # The table starts from each bénéficiaire's usual booklets, all of them.
    expect(page.get_by_label("Carnets, Bernard Lucas")).not_to_have_value("0")
    expect(page.locator("[data-total-vouchers]")).not_to_have_text("0")

    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label("Adresse de livraison des carnets papier").select_option(index=1)
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label(re.compile("^Standard")).check()
    standard_day = page.locator(".delivery-calendar__day input").first
    chosen = standard_day.get_attribute("value")
    page.locator(f'label[for="delivery_date-{chosen}"]').click()

    # Express is faster: the day is still possible and stays chosen.
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label(re.compile("^Express")).check()
    expect(page.locator(f'input[value="{chosen}"]')).to_be_checked()
    expect(page.locator("#delivery-calendar-notice")).to_be_empty()

    # A day only express can deliver is cleared when going back to standard, and said so.
    today = timezone.localdate()
    express_day = earliest_delivery_date(today=today, mode=TransportMode.EXPRESS)
    standard_first = earliest_delivery_date(today=today, mode=TransportMode.STANDARD)
    if express_day < standard_first:
        page.locator(f'label[for="delivery_date-{express_day.isoformat()}"]').click()
        with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
            page.get_by_label(re.compile("^Standard")).check()
        notice = page.locator("#delivery-calendar-notice")
        expect(notice).to_contain_text("a été retirée du calendrier")
        expect(notice).to_contain_text("La livraison la plus proche possible est le")
        expect(page.locator(".delivery-calendar__day input:checked")).to_have_count(0)
    portal.assert_accessible()
    portal.screenshots("order-table-calendar-notice")


def test_the_table_without_javascript_is_the_full_one(portal, demo, browser):
    portal.login("C100001")
    cookies = portal.page.context.cookies()
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(portal.url("/cesu/commandes/nouvelle/"))
    # The <noscript> refresh asked for the full table: every select has its options.
    expect(page).to_have_url(re.compile(r"\?complet=1$"))
    face_value = page.get_by_label("Valeur faciale, Bernard Lucas")
    expect(face_value.locator("option")).to_have_count(6)
    face_value.select_option(label="10,00\u00a0€")
    page.get_by_role("button", name="Sauvegarder mon panier").first.click()
    expect(page.get_by_role("status")).to_contain_text("Votre panier est sauvegardé.")
    expect(page).to_have_url(re.compile(r"\?complet=1$"))
    expect(page.get_by_label("Valeur faciale, Bernard Lucas")).to_have_value("10.00")
    context.close()


def test_buttons_that_start_long_work_are_disabled_once_clicked(portal, demo):
    page = portal.page
    placed_before = Order.objects.filter(organization__name="Demo Industries").count()
    portal.login("C100001")
    portal.goto("/cesu/commandes/nouvelle/")
    # The compact table's selects get their options before the manager opens them.
    expect(page.get_by_label("Valeur faciale, Bernard Lucas").locator("option")).to_have_count(6)
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label("Adresse de livraison des carnets papier").select_option(index=1)
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label(re.compile("^Standard")).check()
    page.locator(".delivery-calendar__day label").first.click()
    page.get_by_role("button", name="Commander", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Récapitulatif de votre commande")
    portal.screenshots("order-recap-usual-booklets")
    page.get_by_label("J’ai lu et j’accepte les Conditions Générales de Vente").check()

    # Keep the page on screen after the click (a listener of the test, the last to hear
    # the submit, counts the forms really sent and stops their navigation) to see what the
    # manager sees while the server works.
    page.evaluate(
        """() => {
            window.sent = 0;
            window.addEventListener('submit', (event) => {
                if (!event.defaultPrevented) window.sent += 1;
                event.preventDefault();
            });
        }"""
    )
    page.get_by_role("button", name="Valider la commande").click()
    busy = page.get_by_role("button", name="Validation en cours…")
    expect(busy).to_be_disabled()
    portal.screenshot("order-recap-validating")
    page.evaluate("() => document.querySelector('.recap-form').requestSubmit()")
    assert page.evaluate("() => window.sent") == 1  # The second submit was stopped.
    page.reload()
    page.get_by_label("J’ai lu et j’accepte les Conditions Générales de Vente").check()
    page.get_by_role("button", name="Valider la commande").click()
    expect(page.get_by_role("status")).to_contain_text("est enregistrée")
    placed = Order.objects.filter(organization__name="Demo Industries").count()
    assert placed == placed_before + 1


def test_the_import_progress_and_the_recap_being_made_are_pages_to_look_at(portal, demo):
    from accounts.models import Organization, User

    page = portal.page
    portal.login("C100001")
    organization = Organization.objects.get(name="Demo Industries")
    beneficiary_import = BeneficiaryImport.objects.create(
        organization=organization,
        created_by=User.objects.get(username="C100001"),
        file="beneficiary-imports/en-cours.csv",
        status=BeneficiaryImport.Status.CHECKING,
        rows_checked=1500,
        rows_total=6000,
    )
    portal.goto(f"/cesu/beneficiaires/importer/{beneficiary_import.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification de votre fichier")
    expect(page.get_by_text("1\u202f500 lignes vérifiées sur 6\u202f000")).to_be_visible()
    portal.assert_accessible()
    portal.screenshots("import-progress")
    # The task finishes: the page changes by itself (htmx every second).
    BeneficiaryImport.objects.filter(pk=beneficiary_import.pk).update(
        status=BeneficiaryImport.Status.REFUSED, refusal="Le fichier est vide."
    )
    expect(page.locator("#id_file_error")).to_have_text("Le fichier est vide.", timeout=5000)

    order = Order.objects.filter(organization=organization).first()
    Order.objects.filter(pk=order.pk).update(recap_pdf_requested_at=timezone.now())
    portal.goto(f"/cesu/commandes/{order.public_id}/recapitulatif.pdf")
    expect(page.get_by_text("est en cours de préparation")).to_be_visible()
    portal.assert_accessible()
    portal.screenshots("recap-pdf-pending")
