import datetime

import pytest
import time_machine
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


def _fail(client, login, times=1):
    for _ in range(times):
        response = _login(client, login, "mauvais-mot-de-passe")
    return response


LOCKED_AT = datetime.datetime(2026, 12, 3, 22, 0, 30, tzinfo=datetime.UTC)  # 23 h 00 Paris


def test_a_locked_account_is_told_when_it_may_retry_and_its_owner_is_emailed_once(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    with (
        time_machine.travel(LOCKED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _fail(client, "C100001", times=5)
        refused = _login(client, "C100001")  # the right password, while the lock holds
        _fail(Client(REMOTE_ADDR="203.0.113.9"), "gestion@alpha.example", times=3)

    assert "_auth_user_id" not in client.session
    assert (
        "Trop de tentatives de connexion échouées. Vous pourrez réessayer à partir de "
        "23\u00a0h\u00a006." in refused.content.decode()
    )
    [warning] = mailoutbox
    assert warning.to == ["gestion@alpha.example"]
    assert warning.subject == "Connexion à votre compte suspendue après plusieurs échecs"
    assert "suspendue jusqu’au 3 décembre 2026 à 23\u00a0h\u00a006" in warning.body
    assert "Mot de passe oublié" in warning.body

    # The lock ends; five new failures lock it again, and the owner hears of it again.
    with (
        time_machine.travel(LOCKED_AT + datetime.timedelta(minutes=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _login(Client(), "C100001").status_code == 302
        _fail(client, "C100001", times=5)

    assert len(mailoutbox) == 2


def test_locking_an_unknown_identifier_reads_the_same_and_emails_nobody(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    with (
        time_machine.travel(LOCKED_AT, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _fail(client, "C999999", times=6)

    assert "Vous pourrez réessayer à partir de 23\u00a0h\u00a006." in response.content.decode()
    assert mailoutbox == []


def test_one_ip_trying_many_accounts_is_stopped_by_the_per_ip_limit(manager):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    with time_machine.travel(LOCKED_AT, tick=False):
        for number in range(10):
            _fail(attacker, f"C90000{number}")
        refused = _login(attacker, "C100001")
        elsewhere = _login(Client(REMOTE_ADDR="192.0.2.1"), "C100001")

    assert "Vous pourrez réessayer à partir de 23\u00a0h\u00a002." in refused.content.decode()
    assert elsewhere.status_code == 302  # the owner, from another address, is not locked out


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
