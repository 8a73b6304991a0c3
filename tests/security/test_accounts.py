"""Account safety: a password change ends the user's other sessions; the password policy
refuses the most common passwords and takes long passphrases."""

import gzip
from pathlib import Path

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "Ancien-mot-de-passe-2026"
NEW = "Nouveau-mot-de-passe-tres-long-2026"


def test_changing_the_password_ends_the_users_other_sessions(client):
    user = UserFactory()
    user.set_password(OLD)
    user.save()
    other_device = Client()
    other_device.force_login(user)
    assert other_device.get(reverse("home")).status_code in {200, 302}
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": OLD, "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    # This device stays logged in, the other one is sent to the login page.
    assert client.get(reverse("account_change_password")).status_code == 200
    response = other_device.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def _most_common(count: int) -> list[str]:
    path = Path(CommonPasswordValidator().DEFAULT_PASSWORD_LIST_PATH)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [line.strip() for _, line in zip(range(count), lines, strict=False)]


def test_the_3000_most_common_passwords_are_refused():
    user = UserFactory.build(username="claire", email="claire@example.com")
    common = _most_common(3000)
    assert len(common) == 3000
    accepted = []
    for password in common:
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        accepted.append(password)
    assert accepted == []


def test_a_common_password_is_refused_for_being_common_not_only_short():
    long_and_common = [password for password in _most_common(3000) if len(password) >= 12]
    assert "qwerty123456" in long_and_common
    with pytest.raises(ValidationError) as error:
        password_validation.validate_password("qwerty123456")
    assert any(e.code == "password_too_common" for e in error.value.error_list)


def test_a_64_character_passphrase_is_accepted_at_signup(client):
    passphrase = "le-chat-de-la-voisine-mange-des-croissants-au-beurre-chaque-matin"[:64]
    assert len(passphrase) == 64
    password_validation.validate_password(passphrase)
    response = client.post(
        reverse("account_signup"),
        {"email": "longue@phrase.example", "password1": passphrase, "password2": passphrase},
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username="longue@phrase.example", password=passphrase)
