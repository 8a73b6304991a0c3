from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_clear_password_change, user_set_temporary_password
from tests.accounts.factories import UserFactory


def test_it_sets_a_random_temporary_password_valid_72_hours(db):
    user = UserFactory()
    first = user_set_temporary_password(user=user)
    second = user_set_temporary_password(user=UserFactory())
    user.refresh_from_db()
    assert len(first) >= 14
    assert first != second
    assert user.check_password(first)
    assert user.must_change_password is True
    expected = timezone.now() + timedelta(hours=72)
    assert abs(user.temporary_password_expires_at - expected) < timedelta(seconds=5)


def test_an_expired_temporary_password_no_longer_logs_in(client, db):
    user = UserFactory(username="C200001", email="gestion@gamma.example")
    password = user_set_temporary_password(user=user)
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        response = client.post(reverse("account_login"), {"login": "C200001", "password": password})
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect." in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_a_valid_temporary_password_logs_in_and_asks_for_a_new_one(client, db):
    user = UserFactory(username="C200002", email="gestion@delta.example")
    password = user_set_temporary_password(user=user)
    response = client.post(
        reverse("account_login"), {"login": "C200002", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("account_change_password")


def test_a_session_opened_with_a_temporary_password_ends_when_it_expires(client, db):
    user = UserFactory(username="C200003", email="gestion@epsilon.example")
    password = user_set_temporary_password(user=user)
    with time_machine.travel(user.temporary_password_expires_at - timedelta(minutes=10)):
        client.post(reverse("account_login"), {"login": "C200003", "password": password})
        assert client.get(reverse("account_change_password")).status_code == 200

    # Ten minutes later, without the session being idle long enough to end by itself.
    with time_machine.travel(user.temporary_password_expires_at + timedelta(seconds=1)):
        response = client.get(reverse("account_change_password"), follow=True)
        posted = client.post(
            reverse("account_change_password"),
            {"oldpassword": password, "password1": "Nouveau-mot-de-passe-42", "password2": "x"},
        )

    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert "Votre mot de passe temporaire a expiré" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert posted.status_code == 302
    assert posted.url.startswith(reverse("account_login"))


def test_choosing_a_password_lifts_the_expiry(db):
    user = UserFactory()
    user_set_temporary_password(user=user)
    user_clear_password_change(user=user)
    user.refresh_from_db()
    assert user.temporary_password_expires_at is None
    assert user.must_change_password is False
