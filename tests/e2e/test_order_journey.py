import re
from decimal import Decimal

from django.core import mail
from playwright.sync_api import expect

from cesu_orders.models import Cart, Order, OrderStatus
from common.money import format_euros


def _euros(text: str) -> Decimal:
    return Decimal(text.replace("\u202f", "").replace("\u00a0€", "").replace(",", "."))


def test_a_manager_orders_with_a_saved_cart_and_staff_marks_it_made(portal, demo):
    page = portal.page
    portal.login("C100001")
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Commandes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique des commandes")
    page.get_by_role("link", name="Commander", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cesu/commandes/nouvelle/$"))
    portal.assert_accessible()

    # Every bénéficiaire starts at its usual booklets. Two lines for Bernard Lucas: the
    # usual one at 2 booklets instead of 1 (20 €), and a « + » line at 10 €: 300 € more.
    usual = _euros(page.locator("[data-total-face]").text_content())
    page.get_by_label("Carnets, Bernard Lucas").fill("2")
    page.get_by_role("button", name="Ajouter une ligne pour Bernard Lucas").click()
    page.get_by_label("Carnets, Bernard Lucas").nth(1).fill("1")
    page.get_by_label("Valeur faciale, Bernard Lucas").nth(1).select_option(label="10,00\u00a0€")
    expect(page.locator("[data-total-face]")).to_have_text(format_euros(usual + 300))
    page.get_by_label("Filtrer par nom").fill("bern")
    expect(page.get_by_label("Carnets, Martin Émilie")).to_be_hidden()
    expect(page.get_by_label("Carnets, Bernard Lucas").nth(1)).to_be_visible()
    portal.screenshot("order-table")
    page.get_by_role("button", name="Sauvegarder mon panier").click()
    expect(page.get_by_role("status")).to_contain_text("Votre panier est sauvegardé.")

    # Log out and back in: the cart is there.
    page.get_by_role("button", name="Se déconnecter").click()
    portal.login("C100001")
    portal.goto("/cesu/commandes/nouvelle/")
    expect(page.get_by_label("Carnets, Bernard Lucas")).to_have_count(2)
    expect(page.get_by_label("Carnets, Bernard Lucas").first).to_have_value("2")
    expect(page.get_by_label("Valeur faciale, Bernard Lucas").nth(1)).to_have_value("10.00")

    # Delivery: an address, a transport mode and a day on the calendar, by keyboard.
    # Each change redraws the calendar (htmx): wait for it before picking a day.
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label("Adresse de livraison des carnets papier").select_option(
            label="Siège – 12 rue des Ateliers, 69007 Lyon"
        )
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.get_by_label(re.compile("^Standard")).check()
    first_day = page.locator(".delivery-calendar__day input").first
    day_label = page.locator(".delivery-calendar__day label").first
    day_label.click()
    expect(first_day).to_be_checked()
    portal.assert_accessible()
    portal.screenshot("order-table-delivery")
    page.get_by_role("button", name="Commander", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Récapitulatif de votre commande")
    expect(page.get_by_text("Total Bernard Lucas (30 titres)")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("order-recap")
    page.get_by_label("J’ai lu et j’accepte les Conditions Générales de Vente").check()
    page.get_by_role("button", name="Valider la commande").click()

    expect(page.get_by_role("status")).to_contain_text("est enregistrée")
    order = Order.objects.get(lines__face_value=10, status=OrderStatus.RECEIVED)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    portal.assert_accessible()
    portal.screenshot("order-detail")
    assert not Cart.objects.get(organization=order.organization).lines.exists()
    received = [m for m in mail.outbox if order.number in m.subject]
    assert [m.to for m in received] == [["gestion@demo-industries.example"]]
    nav.get_by_role("link", name="Commandes", exact=True).click()
    expect(page.get_by_role("row", name=re.compile(order.number))).to_contain_text(
        "Prise en charge"
    )
    portal.assert_accessible()
    portal.screenshot("order-history")

    # Staff marks the order « fabriquée »: the managers get the delivery date.
    page.get_by_role("button", name="Se déconnecter").click()
    portal.login("staff@demo.example")
    portal.goto(f"/admin/cesu_orders/order/{order.pk}/change/")
    page.get_by_role("link", name="Marquer fabriquée").click()
    page.get_by_label("Date de livraison").fill("2026-12-04")
    page.get_by_role("button", name="Marquer fabriquée").click()
    expect(page.locator(".messagelist")).to_contain_text("marquer fabriquée")
    order.refresh_from_db()
    assert order.status == OrderStatus.MANUFACTURED
    made = [m for m in mail.outbox if "fabrication" in m.subject and order.number in m.subject]
    assert made[0].subject.endswith("livraison le 4 décembre 2026")
    assert "vendredi 4 décembre 2026" in made[0].body
