"""The CESU order journey with the keyboard alone: Tab to move, type to fill, Space to
tick, Enter to follow a link or press a button. Locators only say which element the
focus must reach; the mouse is never used."""

import re

from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from cesu_orders.models import Order, OrderStatus

MAX_TABS = 600


def _tab_to(page, target):
    """Presses Tab until `target` has the focus (a keyboard user's way there)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_manager_orders_cesu_with_the_keyboard_only(portal, demo):
    page = portal.page
    portal.goto("/compte/connexion/")
    _tab_to(page, page.get_by_label("Identifiant ou adresse e-mail"))
    page.keyboard.type("C100001")
    _tab_to(page, page.get_by_label("Mot de passe"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    nav = page.get_by_role("navigation", name="Navigation principale")
    _tab_to(page, nav.get_by_role("link", name="Commandes", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique des commandes")
    _tab_to(page, page.get_by_role("link", name="Commander", exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cesu/commandes/nouvelle/$"))

    _tab_to(page, page.get_by_label("Carnets, Bernard Lucas"))
    page.keyboard.press("Control+A")
    page.keyboard.type("2")

    # Delivery: the address (arrow keys in the list), the standard mode, then the first
    # open day of the calendar (redrawn by htmx after each change).
    _tab_to(page, page.get_by_label("Adresse de livraison des carnets papier"))
    with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
        page.keyboard.press("ArrowDown")
    standard = page.get_by_label(re.compile("^Standard"))
    _tab_to(page, standard)
    if not standard.is_checked():
        with page.expect_response(re.compile("/commandes/nouvelle/calendrier/")):
            page.keyboard.press("Space")
    first_day = page.locator(".delivery-calendar__day input").first
    _tab_to(page, first_day)
    page.keyboard.press("Space")
    expect(first_day).to_be_checked()
    portal.screenshot("keyboard-order-table")
    _tab_to(page, page.get_by_role("button", name="Commander", exact=True))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Récapitulatif de votre commande")
    _tab_to(page, page.get_by_label("J’ai lu et j’accepte les Conditions Générales de Vente"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("button", name="Valider la commande"))
    portal.screenshot("keyboard-order-recap")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("est enregistrée")
    order = Order.objects.filter(status=OrderStatus.RECEIVED).latest("created_at")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    assert order.lines.get(beneficiary__last_name="Bernard").booklets == 2
    portal.assert_accessible()
