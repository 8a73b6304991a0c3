import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import MembershipFactory


def test_the_landing_page_shows_the_three_entry_points(client, db):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for title in [
        "Espace Commandes CESU",
        "Annuaire national de la domiciliation",
        "Espace domiciliataire",
    ]:
        assert title in page
    assert 'class="skip-link" href="#contenu"' in page


def test_an_unknown_url_gives_the_french_404(client, db):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_post_without_csrf_token_gives_the_french_403(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert "_auth_user_id" in client.session


def test_private_pages_redirect_anonymous_users_to_the_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/espace/"


def test_home_shows_the_organization_and_role_in_the_header(client, alice):
    client.force_login(alice)
    page = client.get(reverse("organization_list")).content.decode()
    assert "Alpha Conseil · Gestionnaire principal" in page
    assert "Se déconnecter" in page


def test_every_response_carries_the_security_headers(client, db):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(client, alice):
    client.force_login(alice)
    for url in ["/", reverse("account_login"), reverse("home")]:
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url


@pytest.mark.parametrize(
    "url_name",
    [
        "landing",
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_signup",
        "cesu_orders:home",
        "organization_list",
        "account_change_password",
        "account_logout",
    ],
)
def test_french_punctuation_has_a_non_breaking_space(client, alice, url_name):
    if url_name in {
        "cesu_orders:home",
        "organization_list",
        "account_change_password",
        "account_logout",
    }:
        client.force_login(alice)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", response.content.decode(), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.findall(r"\w [:;?!]", text)


def test_the_session_ends_after_an_hour_of_inactivity_only(client, alice):
    start = timezone.now()
    home = reverse("home")
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
    for minutes in (50, 100, 150):  # active every 50 minutes: still logged in
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(home).status_code == 302
            assert client.get(reverse("organization_list")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=150 + 61), tick=False):
        response = client.get(reverse("organization_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_parallel_requests_do_not_each_rewrite_the_session(client, alice):
    client.force_login(alice)
    client.get(reverse("organization_list"))
    key = client.session.session_key
    saved = Session.objects.get(session_key=key).expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        client.get(reverse("organization_list"))
    assert Session.objects.get(session_key=key).expire_date == saved


def test_home_runs_a_constant_number_of_queries(client, alice, django_assert_max_num_queries):
    for index in range(30):
        MembershipFactory(user=alice, role="secondary", organization__name=f"Org {index:02}")
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organization_list"))
    assert response.content.decode().count("Gestionnaire secondaire") == 30
