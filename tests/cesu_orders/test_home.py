from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from cesu_orders.models import NewsItem
from tests.accounts.factories import MembershipFactory


@pytest.fixture
def news(db):
    now = timezone.now()
    return [
        NewsItem.objects.create(
            title="Ancienne nouvelle", body="a", published_at=now - timedelta(days=30)
        ),
        NewsItem.objects.create(
            title="Nouveau millésime", body="b", published_at=now - timedelta(days=1)
        ),
        NewsItem.objects.create(title="Brouillon", body="c", published_at=None),
        NewsItem.objects.create(title="Programmée", body="d", published_at=now + timedelta(days=2)),
    ]


def test_a_manager_lands_on_the_cesu_home_after_login(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("cesu_orders:home")


def test_the_home_lists_published_news_newest_first(client, alice, news):
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:home")).content.decode()
    assert "Toute l’actualité du CESU" in page
    assert page.index("Nouveau millésime") < page.index("Ancienne nouvelle")
    assert "Brouillon" not in page
    assert "Programmée" not in page


def test_the_primary_manager_sees_the_managers_shortcut(client, alice, bob):
    client.force_login(alice)
    assert "Gestionnaires</a>" in client.get(reverse("cesu_orders:home")).content.decode()
    client.force_login(bob)
    assert "Gestionnaires</a>" not in client.get(reverse("cesu_orders:home")).content.decode()


def test_the_cesu_space_is_refused_to_a_domiciliataire(client, db):
    user = MembershipFactory(organization__kind=Organization.Kind.PROVIDER, role="admin").user
    client.force_login(user)
    response = client.get(reverse("cesu_orders:home"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_the_home_runs_a_constant_number_of_queries(client, alice, django_assert_max_num_queries):
    for index in range(20):
        NewsItem.objects.create(title=f"Info {index}", body="x", published_at=timezone.now())
    client.force_login(alice)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("cesu_orders:home"))
    assert response.status_code == 200
