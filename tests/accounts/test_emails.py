"""allauth's e-mails are the portal's: its French templates in the portal's layout, its
name, and links on PORTAL_BASE_URL, never on the host the request came through."""

from pathlib import Path

import allauth
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.adapter import AccountAdapter
from notifications.models import Notification
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.support.typography import html_typography_faults, typography_faults

pytestmark = pytest.mark.django_db

PUBLIC = "https://portail.example"
REQUEST_HOST = "127.0.0.1:8101"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PORTAL_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]


def _allauth_mails() -> list[str]:
    """Every e-mail allauth may send (account and MFA), by template prefix."""
    return sorted(
        str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
        for folder in ("account/email", "mfa/email")
        for path in (ALLAUTH_TEMPLATES / folder).glob("*_subject.txt")
    )


def _assert_the_portals(message):
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert "127.0.0.1" not in text
        assert "example.com" not in text
    assert not message.subject.startswith("[")
    assert "Portail CESU & domiciliation" in message.body
    assert "Portail <span" in html
    assert "CESU &amp; domiciliation" in html
    assert message.from_email.startswith("Portail CESU & domiciliation <")
    assert typography_faults(message.subject) == []
    assert typography_faults(message.body) == []
    assert html_typography_faults(html) == []


@pytest.mark.parametrize("prefix", _allauth_mails())
def test_every_allauth_mail_has_the_portals_french_templates(prefix):
    for suffix in ("_subject.txt", "_message.txt", "_message.html"):
        assert (TEMPLATES / f"{prefix}{suffix}").exists(), f"{prefix}{suffix}"


@pytest.mark.parametrize("prefix", _allauth_mails())
def test_every_allauth_mail_renders_in_the_portals_layout(
    prefix, rf, django_capture_on_commit_callbacks
):
    from allauth.core import context

    user = UserFactory(first_name="Zoé", email="zoe@start.example")
    request = rf.get("/", HTTP_HOST=REQUEST_HOST)
    values = {
        "user": user,
        "key": "cle",
        "activate_url": f"http://{REQUEST_HOST}/compte/confirmation-e-mail/cle/",
        "password_reset_url": f"http://{REQUEST_HOST}/compte/mot-de-passe/nouveau/cle/",
        "signup_url": f"http://{REQUEST_HOST}/compte/inscription/",
        "timestamp": timezone.now(),
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
        "from_email": "ancienne@start.example",
        "to_email": "zoe@start.example",
        "deleted_email": "ancienne@start.example",
        "username": "zoe@start.example",
    }
    if prefix.endswith("_code"):
        values["code"] = "123456"
    with context.request_context(request), django_capture_on_commit_callbacks(execute=True):
        AccountAdapter(request).send_mail(prefix, "zoe@start.example", values)
    (message,) = mail.outbox
    _assert_the_portals(message)
    if "url" in " ".join(path.read_text() for path in TEMPLATES.glob(f"{prefix}_message.*")):
        assert f"{PUBLIC}/compte/" in message.body


def test_the_confirmation_mail_of_a_new_company_links_to_the_public_address(
    django_capture_on_commit_callbacks,
):
    client = Client(HTTP_HOST=REQUEST_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "creatrice@nouvelle.example",
                "password1": "Un-mot-de-passe-solide-42",
                "password2": "Un-mot-de-passe-solide-42",
            },
        )
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == ["creatrice@nouvelle.example"]]
    assert message.subject == "Bienvenue\u00a0! Confirmez votre adresse e-mail"
    assert f"{PUBLIC}/compte/confirmation-e-mail/" in message.body
    assert "Bonjour, c’est" not in message.body
    assert "Bonjour, c'est" not in message.body
    _assert_the_portals(message)
    notification = Notification.objects.get(recipient="creatrice@nouvelle.example")
    assert notification.event == "account_email_email_confirmation_signup"


def test_the_password_reset_mail_links_to_the_public_address(django_capture_on_commit_callbacks):
    MembershipFactory(user__username="C100001", user__email="gestion@alpha.example")
    client = Client(HTTP_HOST=REQUEST_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "gestion@alpha.example"})
    (message,) = mail.outbox
    assert message.subject == "Choisissez un nouveau mot de passe"
    assert f"{PUBLIC}/compte/mot-de-passe/nouveau/" in message.body
    assert "identifiant\u00a0: C100001" in message.body
    _assert_the_portals(message)
