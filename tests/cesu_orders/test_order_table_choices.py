"""What the order table starts from and keeps: each bénéficiaire's usual number of
booklets, and the delivery day chosen when the transport mode or the address change."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cesu_orders.models import Cart
from tests.cesu_orders.factories import (
    EARLIEST_STANDARD,
    TODAY,
    BeneficiaryFactory,
    DeliveryAddressFactory,
    delivery_to,
    funder_ready,
    line,
    place,
    save_cart,
    table_post,
)

pytestmark = pytest.mark.django_db

TABLE = reverse("cesu_orders:order_table")
CALENDAR = reverse("cesu_orders:order_calendar")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def address(org_a):
    return funder_ready(org_a)


@pytest.fixture
def people(org_a):
    return [
        BeneficiaryFactory(organization=org_a, last_name="Arnaud", usual_booklets=2),
        BeneficiaryFactory(organization=org_a, last_name="Blanc", usual_booklets=0),
        BeneficiaryFactory(organization=org_a, last_name="Carré", usual_booklets=3),
    ]


def _booklets(page: str) -> list[str]:
    return re.findall(r'name="booklets" value="(\d+)"', page)


# « Nombre de carnets commandés d’habitude »


def test_the_table_starts_from_each_beneficiarys_usual_booklets(client, alice, address, people):
    client.force_login(alice)

    page = client.get(TABLE).content.decode()

    assert _booklets(page) == ["2", "0", "3"]
    # Priced from the start: 2 × 10 × 15 € and 3 × 10 × 15 €.
    assert "<span data-total-vouchers>50</span> titre(s)" in page
    assert "750,00\u00a0€" in page


def test_a_saved_cart_or_a_past_order_is_reopened_as_it_was(client, alice, org_a, address, people):
    arnaud, blanc, carre = people
    save_cart(org_a, alice, [line(blanc, booklets=5)], delivery_to(address))
    client.force_login(alice)

    # The others were left at zero when the cart was saved: they stay so.
    assert _booklets(client.get(TABLE).content.decode()) == ["0", "5", "0"]
    order = place(org_a, alice, [line(carre, booklets=4)], delivery_to(address))
    page = client.get(TABLE, {"depuis": order.public_id}).content.decode()
    assert _booklets(page) == ["0", "0", "4"]


def test_a_beneficiary_added_meanwhile_is_not_ordered_unseen(client, alice, org_a, address, people):
    client.force_login(alice)
    # The table was opened with three bénéficiaires; a fourth is added before the save.
    data = table_post(people, address, lines={p: [{"booklets": "1"}] for p in people})
    BeneficiaryFactory(organization=org_a, last_name="Dupuis", usual_booklets=6)

    assert client.post(TABLE, data).status_code == 302

    cart = Cart.objects.get(organization=org_a)
    assert sorted(ln.beneficiary.last_name for ln in cart.lines.all()) == [
        "Arnaud",
        "Blanc",
        "Carré",
    ]
    assert _booklets(client.get(TABLE).content.decode()) == ["1", "1", "1", "0"]


# The delivery day, when the mode or the address change


def _calendar(client, **params) -> str:
    return client.get(CALENDAR, params).content.decode()


def test_the_chosen_day_stays_chosen_when_the_new_mode_still_allows_it(client, alice, address):
    client.force_login(alice)

    page = _calendar(
        client,
        transport_mode="express",
        delivery=f"address-{address.pk}",
        delivery_date=EARLIEST_STANDARD.isoformat(),
    )

    assert f'value="{EARLIEST_STANDARD.isoformat()}" checked' in page
    assert 'id="delivery-calendar-notice" hx-swap-oob="innerHTML"></div>' in page


def test_a_day_the_new_mode_cannot_deliver_is_cleared_with_the_reason(client, alice, address):
    client.force_login(alice)
    express_only = date(2026, 11, 27)  # 4 business days: express, not standard (5).

    page = _calendar(
        client,
        transport_mode="standard",
        delivery=f"address-{address.pk}",
        delivery_date=express_only.isoformat(),
    )

    assert " checked" not in page
    assert (
        "La date choisie, le vendredi 27 novembre 2026, a été retirée du calendrier\u00a0: elle "
        "n’est plus possible avec ce mode de transport et cette adresse. La livraison la plus "
        "proche possible est le 30 novembre 2026."
    ) in page


def test_a_day_that_is_a_holiday_at_the_new_address_is_cleared_with_the_reason(
    client, alice, org_a, address
):
    strasbourg = DeliveryAddressFactory(organization=org_a, postcode="67000", city="Strasbourg")
    # Good Friday is a public holiday in Alsace and Moselle only.
    good_friday = date(2027, 3, 26)
    with time_machine.travel("2027-03-01 10:00 +01:00", tick=False):
        client.force_login(alice)
        kept = _calendar(
            client,
            transport_mode="standard",
            delivery=f"address-{address.pk}",
            delivery_date=good_friday.isoformat(),
        )
        cleared = _calendar(
            client,
            transport_mode="standard",
            delivery=f"address-{strasbourg.pk}",
            delivery_date=good_friday.isoformat(),
        )

    assert "a été retirée" not in kept
    assert "Le 26 mars 2027 est férié (Vendredi saint)" in cleared
    assert "a été retirée du calendrier" in cleared


def test_the_calendar_sends_the_chosen_day_when_it_redraws(client, alice, address, people):
    client.force_login(alice)

    page = client.get(TABLE).content.decode()

    assert page.count("hx-include=\"[data-calendar-input], [name='delivery_date']:checked\"") == 3
    assert '<div id="delivery-calendar-notice" aria-live="polite"></div>' in page
