"""A domiciliataire's admin invites agents, who choose their password from the e-mail's
link, and deactivates or reactivates them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, User
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TEAM = reverse("domiciliation_provider:team")
NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def admin(paris):
    return Membership.objects.get(organization=paris.organization, role="admin").user


def _invite(django_capture_on_commit_callbacks, client, email="nadia@paris.example"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(TEAM, {"first_name": "Nadia", "last_name": "Roux", "email": email})


def test_an_invited_agent_chooses_a_password_and_instructs_cases(
    client, admin, paris, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    assert _invite(django_capture_on_commit_callbacks, client).status_code == 302
    agent = User.objects.get(email="nadia@paris.example")
    assert not agent.has_usable_password()
    assert agent.memberships.get().role == Membership.Role.AGENT
    (message,) = mail.outbox
    assert message.to == ["nadia@paris.example"]
    assert f"Invitation à instruire les dossiers de {paris.organization}" in message.subject
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body)[1]
    assert "Invitation envoyée" in client.get(TEAM).content.decode()

    client.logout()
    form_url = client.get(link).url
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.login(username="nadia@paris.example", password=NEW_PASSWORD)
    assert client.get(reverse("domiciliation_provider:case_list")).status_code == 200
    assert client.get(TEAM).status_code == 403


def test_an_address_already_in_use_is_refused_next_to_the_field(
    client, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    response = _invite(django_capture_on_commit_callbacks, client, email=admin.email.upper())
    assert response.status_code == 400
    assert "déjà utilisée par un autre compte" in response.content.decode()
    assert mail.outbox == []
    response = client.post(TEAM, {"first_name": "", "last_name": "X", "email": "pas-un-email"})
    assert response.status_code == 400
    assert Membership.objects.filter(organization=admin.memberships.get().organization).count() == 2


def test_a_deactivated_agent_loses_access_at_once_and_can_be_reactivated(client, admin, paris):
    agent = Membership.objects.get(organization=paris.organization, role="agent").user
    agent_client = client.__class__()
    agent_client.force_login(agent)
    assert agent_client.get(reverse("domiciliation_provider:case_list")).status_code == 200

    client.force_login(admin)
    client.post(reverse("domiciliation_provider:agent_deactivate", args=[agent.public_id]))
    agent.refresh_from_db()
    assert not agent.is_active
    response = agent_client.get(reverse("domiciliation_provider:case_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    client.post(reverse("domiciliation_provider:agent_reactivate", args=[agent.public_id]))
    agent.refresh_from_db()
    assert agent.is_active
    assert agent.memberships.get().is_active


def test_an_admin_cannot_deactivate_an_admin_or_themselves(client, admin, paris):
    other_admin = MembershipFactory(organization=paris.organization, role="admin").user
    client.force_login(admin)
    for user in (admin, other_admin):
        response = client.post(
            reverse("domiciliation_provider:agent_deactivate", args=[user.public_id]), follow=True
        )
        user.refresh_from_db()
        assert user.is_active
    assert "Seul un agent peut être désactivé" in response.content.decode()


def test_an_agent_of_another_provider_is_a_404(client, admin, lyon):
    stranger = MembershipFactory(organization=lyon.organization, role="agent").user
    client.force_login(admin)
    url = reverse("domiciliation_provider:agent_deactivate", args=[stranger.public_id])
    assert client.post(url).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active
