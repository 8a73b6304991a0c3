"""The virtual mailbox with the keyboard alone: the agent records a letter in the entry
table, the company opens it from « Mon courrier » and asks for it to be forwarded. Tab to
move, type to fill, Enter to follow a link or press a button; the mouse is never used."""

from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from mail.models import MailItem, MailStatus
from tests.e2e.test_keyboard_order_journey import _tab_to

SENDER = "Banque du Clavier"


def _log_in(page, login):
    _tab_to(page, page.get_by_label("Identifiant ou adresse e-mail"))
    page.keyboard.type(login)
    _tab_to(page, page.get_by_label("Mot de passe"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_mail_entered_and_forwarded_with_the_keyboard_only(portal, demo):
    page = portal.page
    portal.goto("/compte/connexion/")
    _log_in(page, "agent@demo.example")

    nav = page.get_by_role("navigation", name="Navigation principale")
    _tab_to(page, nav.get_by_role("link", name="Courrier", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courrier")
    _tab_to(page, page.get_by_role("link", name="Saisir le courrier du jour"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir le courrier")
    _tab_to(
        page, page.get_by_label("Entreprise (nom, SIREN ou n° de contrat), ligne 1", exact=True)
    )
    page.keyboard.type("Atelier Rousseau")
    _tab_to(page, page.get_by_label("Expéditeur, ligne 1", exact=True))
    page.keyboard.type(SENDER)
    _tab_to(page, page.get_by_role("button", name="Enregistrer le courrier"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("enregistré")
    portal.assert_accessible()
    portal.screenshot("keyboard-mail-entered")
    assert MailItem.objects.get(sender=SENDER).status == MailStatus.HELD

    _tab_to(page, page.get_by_role("banner").get_by_role("button", name="Se déconnecter"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    portal.goto("/compte/connexion/")
    _log_in(page, "client@demo.example")
    nav = page.get_by_role("navigation", name="Navigation principale")
    _tab_to(page, nav.get_by_role("link", name="Mon courrier"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon courrier")
    _tab_to(page, page.get_by_role("link", name=f"{SENDER} Non lu"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lettre simple de {SENDER}")
    _tab_to(page, page.get_by_label("Adresse de réexpédition"))
    page.keyboard.press("Control+A")
    page.keyboard.type("12 rue du Clavier")
    page.keyboard.press("Enter")  # a new line of the address, not a submit
    page.keyboard.type("75011 Paris")
    _tab_to(page, page.get_by_role("button", name="Réexpédier", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Réexpédition demandée.")
    expect(
        page.get_by_text("Votre demande (« à réexpédier ») est transmise à votre domiciliataire.")
    ).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("keyboard-mail-forward-asked")
    item = MailItem.objects.get(sender=SENDER)
    assert item.status == MailStatus.TO_FORWARD
    assert item.requested_address == "12 rue du Clavier\n75011 Paris"
