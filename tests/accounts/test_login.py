import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, MembershipFactory

GENERIC_ERROR = "Identifiant ou mot de passe incorrect."


@pytest.fixture
def manager(db):
    return MembershipFactory(
        user__username="C100001", user__email="gestion@alpha.example", role="primary"
    ).user


def _login(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_the_login_page_is_french(client, db):
    response = client.get("/compte/connexion/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert "Identifiant ou adresse e-mail" in page
    assert "Mot de passe oublié" in page


@pytest.mark.parametrize("login", ["C100001", "c100001", "gestion@alpha.example"])
def test_it_logs_in_with_the_identifier_or_the_email(client, manager, login):
    response = _login(client, login)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).wsgi_request.user == manager


def test_wrong_credentials_get_one_generic_french_message(client, manager):
    wrong_password = _login(client, "C100001", "mauvais-mot-de-passe")
    unknown_user = _login(client, "C999999", "mauvais-mot-de-passe")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert GENERIC_ERROR in wrong_password.content.decode()
    assert GENERIC_ERROR in unknown_user.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes computed: checking a password and allauth's timing
    mitigation (hashing the typed password for nobody) both encode once."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls = []
    encode = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("C100001", PASSWORD),
        ("gestion@alpha.example", PASSWORD),
        ("C100001", "mauvais-mot-de-passe"),
        ("gestion@alpha.example", "mauvais-mot-de-passe"),
        ("C999999", "mauvais-mot-de-passe"),
        ("personne@nulle-part.example", "mauvais-mot-de-passe"),
    ],
)
def test_each_attempt_costs_one_password_hash_whatever_the_identifier(
    manager, hashes, login, password
):
    _login(Client(), login, password)

    assert hashes == [password]


def test_failed_logins_are_rate_limited(manager):
    client = Client()
    for _ in range(5):
        _login(client, "C100001", "mauvais-mot-de-passe")
    # Even the right password is refused while the limit holds.
    response = _login(client, "C100001")
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_company_creates_its_account_with_its_email(
    client, db, django_capture_on_commit_callbacks, mailoutbox
):
    from allauth.account.models import EmailAddress

    from accounts.models import User

    response = client.get(reverse("account_signup"))
    assert "Créer mon compte entreprise" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "fondatrice@start.example",
                "password1": "Un-mot-de-passe-solide-42",
                "password2": "Un-mot-de-passe-solide-42",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="fondatrice@start.example")
    assert user.username == "fondatrice@start.example"
    assert not user.memberships.exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert any("fondatrice@start.example" in m.to for m in mailoutbox)


def test_password_reset_mail_goes_through_the_outbox(
    client, manager, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": "gestion@alpha.example"}
        )
    assert response.status_code == 302
    notification = Notification.objects.get(recipient="gestion@alpha.example")
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gestion@alpha.example"]
    assert "/compte/mot-de-passe/nouveau/" in message.body


def test_logout_ends_the_session(client, manager):
    client.force_login(manager)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_log_in_through_the_portal_login(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
