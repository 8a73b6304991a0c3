"""E-mail addresses: sign-up tells nobody whether an address has an account, and a change
of address needs the password, a link followed from the new address, and tells the old
one."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory

SIGNUP = reverse("account_signup")
EMAIL = reverse("account_email")
NEW_PASSWORD = "Un-mot-de-passe-solide-42"


def _signup(client, email):
    return client.post(
        SIGNUP, {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )


def _link(message) -> str:
    return re.search(r"http://testserver(/compte/confirmation-e-mail/\S+/)", message.body).group(1)


# Sign-up


def test_signing_up_with_a_taken_address_reads_like_any_sign_up_and_warns_its_owner(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(username="C100001", email="gestion@alpha.example")
    with django_capture_on_commit_callbacks(execute=True):
        taken = _signup(Client(), "gestion@alpha.example")
        fresh = _signup(Client(), "nouvelle@start.example")

    assert taken.redirect_chain == fresh.redirect_chain
    assert taken.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    for response in (taken, fresh):
        page = response.content.decode()
        assert "Confirmez votre adresse e-mail" in page
        assert "utilise déjà" not in page
        assert "_auth_user_id" not in response.wsgi_request.session
    assert User.objects.filter(email__iexact="gestion@alpha.example").get() == owner
    assert owner.check_password(PASSWORD)
    to_owner = [m for m in mailoutbox if m.to == ["gestion@alpha.example"]]
    assert len(to_owner) == 1
    assert "/compte/mot-de-passe/oublie/" in to_owner[0].body


def test_a_new_account_logs_in_only_once_its_address_is_confirmed(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, "nouvelle@start.example")
    other = Client()
    with django_capture_on_commit_callbacks(execute=True):
        refused = other.post(
            reverse("account_login"),
            {"login": "nouvelle@start.example", "password": NEW_PASSWORD},
            follow=True,
        )
    assert "_auth_user_id" not in other.session
    assert "Confirmez votre adresse e-mail" in refused.content.decode()

    confirmed = client.post(_link(mailoutbox[0]), follow=True)

    assert client.session["_auth_user_id"] == str(User.objects.get().pk)
    assert confirmed.status_code == 200
    assert EmailAddress.objects.get(email="nouvelle@start.example").verified


# Changing one's address


@pytest.fixture
def manager(db):
    return MembershipFactory(
        user__username="C100001", user__email="gestion@alpha.example", role="primary"
    ).user


def _change(client, email, password=PASSWORD):
    return client.post(EMAIL, {"action_add": "", "email": email, "password": password})


def test_it_asks_for_the_current_password(client, manager, mailoutbox):
    client.force_login(manager)

    response = _change(client, "nouveau@alpha.example", password="mauvais-mot-de-passe")

    assert response.status_code == 200
    assert "Le mot de passe est incorrect." in response.content.decode()
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["gestion@alpha.example"]
    assert mailoutbox == []


def test_a_change_takes_effect_from_the_new_address_and_the_old_one_is_told(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(EMAIL).content.decode()
        response = _change(client, "nouveau@alpha.example")

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "gestion@alpha.example"  # nothing changed yet
    assert "gestion@alpha.example" in page
    [confirmation] = mailoutbox
    assert confirmation.to == ["nouveau@alpha.example"]
    pending = client.get(EMAIL).content.decode()
    assert "Nouvelle adresse en attente de confirmation" in pending

    # « Mot de passe oublié » sends no reset link to the address not yet confirmed.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": "nouveau@alpha.example"})
    assert not any("/compte/mot-de-passe/nouveau/" in m.body for m in mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(confirmation))

    manager.refresh_from_db()
    assert (manager.username, manager.email) == ("C100001", "nouveau@alpha.example")
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("nouveau@alpha.example", True, True)
    ]
    notice = mailoutbox[-1]
    assert notice.to == ["gestion@alpha.example"]
    assert "nouveau@alpha.example" in notice.body


def test_a_company_logs_in_with_its_new_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    company = UserFactory(username="fondatrice@start.example", email="fondatrice@start.example")
    client.force_login(company)
    with django_capture_on_commit_callbacks(execute=True):
        _change(client, "contact@start.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(mailoutbox[0]))

    company.refresh_from_db()
    assert (company.username, company.email) == ("contact@start.example", "contact@start.example")
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": "contact@start.example", "password": PASSWORD})
    assert fresh.session["_auth_user_id"] == str(company.pk)


def test_an_address_of_another_account_cannot_be_taken(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="autre@alpha.example", email="autre@alpha.example")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        _change(client, "autre@alpha.example")
    links = [m for m in mailoutbox if m.to == ["autre@alpha.example"]]
    if links:
        client.post(_link(links[0]))

    manager.refresh_from_db()
    assert manager.email == "gestion@alpha.example"
    assert not EmailAddress.objects.filter(email="autre@alpha.example", user=manager, verified=True)
