"""Two-factor login (allauth.mfa, TOTP with recovery codes): set-up, login with a code,
a wrong code, recovery codes used once, and the roles that must use it."""

import datetime
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.models import Membership, Organization, User
from tests.accounts.factories import (
    PASSWORD,
    MembershipFactory,
    UserFactory,
    totp_code,
    totp_code_for_secret,
    with_totp,
)
from tests.test_url_sweep import PUBLIC, _has_arguments, _routes

LOGIN = reverse("account_login")
CODE_PAGE = reverse("mfa_authenticate")
ACTIVATE = reverse("mfa_activate_totp")
NOW = datetime.datetime(2026, 12, 3, 9, 0, 5, tzinfo=datetime.UTC)


def _login(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def _code_for_secret(secret: str, at=NOW) -> str:
    return totp_code_for_secret(secret, at=at)


@pytest.fixture
def company(db):
    return UserFactory(username="fondatrice@start.example", email="fondatrice@start.example")


@pytest.fixture
def provider_admin(db):
    organization = Organization.objects.create(kind="domiciliataire", name="Domiciliation MFA")
    return MembershipFactory(
        organization=organization,
        role=Membership.Role.ADMIN,
        totp=False,
        user__username="admin@mfa.example",
        user__email="admin@mfa.example",
    ).user


@time_machine.travel(NOW, tick=False)
def test_a_user_sets_up_an_authenticator_app_and_gets_recovery_codes(
    client, company, mailoutbox, django_capture_on_commit_callbacks
):
    _login(client, company.username)  # a fresh login: no need to type the password again

    page = client.get(ACTIVATE)

    content = page.content.decode()
    assert "Activer la double authentification" in content
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', content).group(1)
    assert 'src="data:image/svg+xml;base64,' in content

    wrong = client.post(ACTIVATE, {"code": "000000"})
    assert "Ce code est incorrect ou a déjà servi." in wrong.content.decode()
    assert not Authenticator.objects.filter(user=company).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE, {"code": _code_for_secret(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    [notice] = mailoutbox
    assert notice.to == [company.email]
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert set(Authenticator.objects.filter(user=company).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }


def test_login_then_asks_for_the_code_and_refuses_a_wrong_one(client, company):
    with_totp(company)
    with time_machine.travel(NOW, tick=False):
        response = _login(client, company.username)
        assert response.url == CODE_PAGE
        assert "_auth_user_id" not in client.session  # not logged in before the code

        page = client.get(CODE_PAGE).content.decode()
        wrong = client.post(CODE_PAGE, {"code": "123456"})
        assert "_auth_user_id" not in client.session

        right = client.post(CODE_PAGE, {"code": totp_code(company, at=NOW)})
        assert client.session["_auth_user_id"] == str(company.pk)

    assert "Vérification en deux étapes" in page
    assert "Ce code est incorrect ou a déjà servi." in wrong.content.decode()
    assert right.status_code == 302


def test_a_recovery_code_logs_in_once(company):
    with_totp(company)
    recovery = Authenticator.objects.get(user=company, type="recovery_codes").wrap()
    code = recovery.get_unused_codes()[0]

    first = Client()
    _login(first, company.username)
    first.post(CODE_PAGE, {"code": code})
    second = Client()
    _login(second, company.username)
    refused = second.post(CODE_PAGE, {"code": code})

    assert first.session["_auth_user_id"] == str(company.pk)
    assert "_auth_user_id" not in second.session
    assert "Ce code est incorrect ou a déjà servi." in refused.content.decode()
    assert code not in Authenticator.objects.get(pk=recovery.instance.pk).wrap().get_unused_codes()


def test_everybody_is_offered_two_factor_login_from_the_account_security_page(client, company):
    client.force_login(company)

    page = client.get(reverse("account_security")).content.decode()

    assert "Double authentification" in page
    assert ACTIVATE in page
    assert reverse("account_email") in page
    assert reverse("account_change_password") in page


@pytest.mark.parametrize("who", ["provider_admin", "staff"])
def test_a_user_who_must_use_it_reaches_no_page_before_setting_it_up(client, db, who, request):
    if who == "staff":
        user = UserFactory(is_staff=True, is_superuser=True, totp=False)
    else:
        user = request.getfixturevalue("provider_admin")
    client.force_login(user)
    allowed = {"mfa_activate_totp", "account_logout", "account_change_password"}
    allowed |= {"account_set_password", "account_reauthenticate", "mfa_reauthenticate"}

    reached = []
    for name, pattern in _routes().items():
        if name in PUBLIC or _has_arguments(pattern) or name in allowed:
            continue
        response = client.get(reverse(name))
        if not (response.status_code == 302 and response.url == ACTIVATE):
            reached.append((name, response.status_code))
    admin = client.get(reverse("admin:index"))

    assert reached == []
    assert (admin.status_code, admin.url) == (302, ACTIVATE)
    page = client.get(ACTIVATE, follow=True).content.decode()
    assert "activez la double authentification pour continuer" in page


def test_an_agent_or_a_manager_is_not_made_to_use_it(client, db):
    agent = MembershipFactory(
        organization=Organization.objects.create(kind="domiciliataire", name="Agents"),
        role=Membership.Role.AGENT,
    ).user
    client.force_login(agent)

    assert client.get(reverse("domiciliation_provider:dashboard")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_user_who_must_use_it_cannot_turn_it_off(client, db):
    staff = UserFactory(is_staff=True)
    _login(client, staff.username)
    client.post(CODE_PAGE, {"code": totp_code(staff, at=NOW)})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert "elle ne peut pas être désactivée" in response.content.decode()
    assert Authenticator.objects.filter(user=staff, type="totp").exists()


def test_the_demo_admin_and_staff_log_in_with_the_published_key(db):
    call_command("seed_demo", stdout=None)
    for username in ("domiciliataire@demo.example", "staff@demo.example"):
        client = Client()
        with time_machine.travel(NOW, tick=False):
            response = _login(client, username, DEMO_PASSWORD)
            assert response.url == CODE_PAGE
            client.post(CODE_PAGE, {"code": _code_for_secret(DEMO_TOTP_SECRET)})
            user = User.objects.get(username=username)
            assert client.session["_auth_user_id"] == str(user.pk)
            assert client.get(reverse("account_security")).status_code == 200


def test_demo_codes_prints_the_code_of_the_moment(db, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("demo_codes")

    assert _code_for_secret(DEMO_TOTP_SECRET) in capsys.readouterr().out
