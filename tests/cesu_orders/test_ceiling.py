"""The exemption ceiling across the year: each bénéficiaire's page shows the employer
share already ordered against the ceiling, and the financeur lists the bénéficiaires at
90 % of it or above. Orders count as soon as they are placed, cancelled ones never."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cesu_orders.models import ExemptionCeiling
from cesu_orders.selectors.yearly import beneficiaries_near_ceiling, beneficiary_ceiling_use
from cesu_orders.services.orders import order_cancel
from tests.accounts.factories import UserFactory
from tests.cesu_orders.factories import (
    BeneficiaryFactory,
    funder_ready,
    line,
    order_on,
    terms_since,
)

pytestmark = pytest.mark.django_db

CEILINGS = reverse("cesu_orders:ceiling_list")


@pytest.fixture
def shares(org_a, alice):
    """Employer shares ordered for delivery in 2026 (ceiling 2 591 €), with booklets of
    10 titles of 30 € at 50 % (150 € each): Zoé over it, Anna near it, Léo far below;
    Anna's cancelled order and Léo's 2025 order do not count."""
    address = funder_ready(org_a)
    terms_since(2025)
    people = {
        name: BeneficiaryFactory(organization=org_a, last_name=name, first_name="Test")
        for name in ("Zola", "Arnaud", "Leroy")
    }

    def booklets(person, count):
        return line(people[person], booklets=count, face_value=Decimal("30.00"))

    order_on(date(2026, 3, 2), org_a, alice, [booklets("Zola", 18), booklets("Arnaud", 9)], address)
    order_on(date(2026, 9, 7), org_a, alice, [booklets("Arnaud", 7), booklets("Leroy", 2)], address)
    cancelled = order_on(date(2026, 10, 5), org_a, alice, [booklets("Arnaud", 10)], address)
    order_cancel(order=cancelled, actor=UserFactory(is_staff=True), reason="Doublon")
    order_on(date(2025, 6, 2), org_a, alice, [booklets("Leroy", 15)], address)
    return people


def test_the_list_shows_the_beneficiaries_near_or_over_the_ceiling(org_a, shares):
    rows = beneficiaries_near_ceiling(organization=org_a, year=2026)

    assert [(row.beneficiary.last_name, row.use.share) for row in rows] == [
        ("Zola", Decimal("2700.00")),  # 18 × 150 €: 108 %
        ("Arnaud", Decimal("2400.00")),  # 16 × 150 €: 92 %, the cancelled 10 left out
    ]
    zola, arnaud = (row.use for row in rows)
    assert zola.is_over
    assert zola.excess == Decimal("109.00")
    assert arnaud.is_near
    assert not arnaud.is_over
    assert arnaud.remaining == Decimal("191.00")
    assert arnaud.percent == 92
    # Léo had 2 250 € in 2025 (ceiling 2 540 €): 88 %, not near.
    assert beneficiaries_near_ceiling(organization=org_a, year=2025) == []


def test_the_ceiling_list_page(client, alice, shares, django_assert_max_num_queries):
    client.force_login(alice)
    with (
        time_machine.travel("2026-11-23 10:00 +01:00", tick=False),
        django_assert_max_num_queries(12),
    ):
        page = client.get(CEILINGS).content.decode()
    assert "2\u202f591,00\u00a0€ en 2026" in page
    assert "Dépassé de 109,00\u00a0€" in page
    assert "Proche&nbsp;: reste 191,00\u00a0€" in page
    assert "Leroy" not in page
    assert reverse("cesu_orders:beneficiary_update", args=[shares["Zola"].public_id]) in page


def test_a_year_without_a_ceiling_says_so(client, alice, shares):
    ExemptionCeiling.objects.filter(year=2026).delete()
    client.force_login(alice)
    with time_machine.travel("2026-11-23 10:00 +01:00", tick=False):
        page = client.get(CEILINGS, {"annee": "2026"}).content.decode()
    assert "Le plafond d’exonération 2026 n’est pas encore publié" in page


def test_the_beneficiary_page_shows_the_share_ordered_against_the_ceiling(client, alice, shares):
    arnaud = shares["Arnaud"]
    with time_machine.travel("2026-11-23 10:00 +01:00", tick=False):
        client.force_login(alice)
        page = client.get(
            reverse("cesu_orders:beneficiary_update", args=[arnaud.public_id])
        ).content.decode()
        use = beneficiary_ceiling_use(beneficiary=arnaud, year=2026)
    assert (use.share, use.ceiling) == (Decimal("2400.00"), Decimal("2591.00"))
    assert "Plafond d’exonération 2026" in page
    assert "<strong>2\u202f400,00\u00a0€</strong> sur 2\u202f591,00\u00a0€ (92&nbsp;%)" in page
    assert 'value="2400.00"' in page
    assert "Proche du plafond" in page


def test_the_recap_still_warns_per_line_above_the_ceiling(client, org_a, alice, shares):
    from tests.cesu_orders.factories import delivery_to, save_cart

    address = org_a.cesu_orders_deliveryaddress_set.first()
    with time_machine.travel("2026-11-23 10:00 +01:00", tick=False):
        save_cart(
            org_a,
            alice,
            [line(shares["Arnaud"], booklets=2, face_value=Decimal("30.00"))],
            delivery_to(address),
        )
        client.force_login(alice)
        page = client.get(reverse("cesu_orders:order_recap")).content.decode()
    assert "Plafond d’exonération dépassé" in page
    assert "Arnaud Test&nbsp;: 2\u202f700,00\u00a0€ (dépassement de 109,00\u00a0€)" in page
