from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD, MembershipFactory

NEW_PASSWORD = "Nouveau-mot-de-passe-2026"


@pytest.fixture
def flagged(db):
    user = MembershipFactory(user__username="C100001", role="primary").user
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user


@pytest.mark.parametrize("url", ["/espace/", "/compte/organisations/", "/admin/"])
def test_a_flagged_user_is_sent_to_the_password_change(client, flagged, url):
    client.force_login(flagged)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")


def test_the_change_page_explains_why(client, flagged):
    client.force_login(flagged)
    response = client.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "choisissez un nouveau mot de passe avant de continuer" in page
    # The navigation stays hidden until the password is changed.
    assert "Mon espace" not in page


def test_a_flagged_user_may_log_out(client, flagged):
    client.force_login(flagged)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_changing_the_password_clears_the_flag(client, flagged):
    client.force_login(flagged)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    flagged.refresh_from_db()
    assert flagged.must_change_password is False
    assert flagged.check_password(NEW_PASSWORD)
    assert client.get(reverse("home"), follow=True).status_code == 200


def test_a_weak_new_password_is_refused_and_keeps_the_flag(client, flagged):
    client.force_login(flagged)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "court", "password2": "court"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.must_change_password is True
    assert flagged.check_password(PASSWORD)


def test_a_password_reset_clears_the_flag(client, flagged):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(flagged)
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(flagged), "key": key},
    )
    form_page = client.get(url, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.must_change_password is False
    assert flagged.check_password(NEW_PASSWORD)


def _log_in(client, username):
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302


def test_the_forced_change_after_login_does_not_ask_again_for_the_password_just_typed(
    client, flagged
):
    _log_in(client, "C100001")
    page = client.get(reverse("account_change_password")).content.decode()
    assert 'name="oldpassword"' not in page
    assert 'name="password1"' in page
    response = client.post(
        reverse("account_change_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.must_change_password is False
    assert flagged.check_password(NEW_PASSWORD)


def test_a_forced_change_long_after_login_asks_for_the_current_password(client, flagged):
    with time_machine.travel(timezone.now() - timedelta(minutes=20)):
        _log_in(client, "C100001")
    page = client.get(reverse("account_change_password")).content.decode()
    assert 'name="oldpassword"' in page
    response = client.post(
        reverse("account_change_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    flagged.refresh_from_db()
    assert flagged.must_change_password is True


def test_an_ordinary_change_always_asks_for_the_current_password(client, flagged):
    flagged.must_change_password = False
    flagged.save()
    _log_in(client, "C100001")
    assert 'name="oldpassword"' in client.get(reverse("account_change_password")).content.decode()
