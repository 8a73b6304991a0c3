import re

from playwright.sync_api import expect

from accounts.models import User

NEW_PASSWORD = "Mon-nouveau-secret-2026"


def test_landing_login_with_forced_password_change_then_home(portal, demo):
    User.objects.filter(username="C100001").update(must_change_password=True)
    page = portal.page

    portal.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("portail CESU")
    portal.assert_accessible()
    portal.screenshot("landing")

    page.get_by_role("link", name="Se connecter").first.click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    portal.assert_accessible()
    portal.screenshot("login")

    portal.login("C100001")
    expect(page).to_have_url(re.compile(r"/compte/mot-de-passe/modifier/"))
    expect(page.get_by_text("choisissez un nouveau mot de passe")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("password-change-forced")

    # The password typed a moment ago at login is not asked again.
    expect(page.get_by_label("Mot de passe actuel")).to_have_count(0)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Modifier le mot de passe").click()

    expect(page).to_have_url(re.compile(r"/cesu/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace Commandes CESU")
    expect(page.get_by_role("heading", name="Le millésime 2027 arrive")).to_be_visible()
    expect(page.get_by_text("Demo Industries · Gestionnaire principal")).to_be_visible()
    portal.assert_accessible()
    portal.screenshot("home")
    assert User.objects.get(username="C100001").must_change_password is False


def test_a_failed_login_shows_a_french_error(portal, demo):
    page = portal.page
    portal.login("C100001", "pas-le-bon-mot-de-passe")
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    portal.assert_accessible()
    portal.screenshot("login-error")


def test_the_error_pages_are_french(portal, demo):
    page = portal.page
    response = portal.goto("/cette-page-nexiste-pas/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    portal.assert_accessible()
