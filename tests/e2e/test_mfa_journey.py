import re

from playwright.sync_api import expect

from accounts.models import Membership
from tests.accounts.factories import PASSWORD, MembershipFactory, totp_code, totp_code_for_secret
from tests.directory.factories import ProviderOrganizationFactory


def _screenshots(portal, name):
    page = portal.page
    page.set_viewport_size({"width": 390, "height": 844})
    portal.screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    portal.screenshot(f"{name}-1366")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_a_domiciliataire_admin_sets_up_two_factor_login_then_logs_in_with_a_code(
    portal, transactional_db
):
    organization = ProviderOrganizationFactory(name="Domiciliation Sécurité")
    admin = MembershipFactory(
        organization=organization,
        role=Membership.Role.ADMIN,
        totp=False,
        user__username="admin@securite.example",
        user__email="admin@securite.example",
    ).user
    page = portal.page
    page.set_viewport_size({"width": 1366, "height": 900})

    # Its first login leads to the set-up, and nowhere else.
    portal.login("admin@securite.example", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("status")).to_contain_text(
        "activez la double authentification pour continuer"
    )
    portal.assert_accessible()
    _screenshots(portal, "mfa-activate")
    portal.goto("/domiciliataire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")

    # The authenticator app is given the key shown; a wrong code is refused.
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code affiché par l’application").fill("000000")
    page.get_by_role("button", name="Activer", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code est incorrect")
    portal.assert_accessible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code affiché par l’application").fill(totp_code_for_secret(secret))
    page.get_by_role("button", name="Activer", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    codes = page.get_by_role("list", name="Codes de secours").get_by_role("listitem")
    expect(codes).to_have_count(10)
    portal.assert_accessible()
    _screenshots(portal, "mfa-recovery-codes")

    page.get_by_role("link", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_text("Activée.")).to_be_visible()
    portal.assert_accessible()
    _screenshots(portal, "mfa-index")
    portal.goto("/compte/securite/")
    portal.assert_accessible()
    _screenshots(portal, "account-security")
    page.get_by_role("link", name="Modifier mon adresse e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adresse e-mail")
    portal.assert_accessible()
    _screenshots(portal, "account-email")

    # Logged out, the password alone is no longer enough.
    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
    portal.goto("/compte/connexion/")
    page.get_by_label("Identifiant ou adresse e-mail").fill("admin@securite.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    portal.assert_accessible()
    _screenshots(portal, "mfa-authenticate")
    page.get_by_label("Code de vérification").fill(totp_code(admin))
    page.get_by_role("button", name="Valider").click()

    expect(page).to_have_url(re.compile(r"/domiciliataire/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
