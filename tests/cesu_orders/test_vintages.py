"""The millésime rules around 1 December and 31 January: which millésime a delivery may
carry, the recap's choice and its warning, the order placed with the millésime chosen,
and every line of the order, its PDF and its e-mail saying until when it is usable."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from cesu_orders import vintages
from cesu_orders.services.orders import OrderRefused
from tests.cesu_orders.factories import (
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    place,
    recap_pdf_bytes,
    save_cart,
)

pytestmark = pytest.mark.django_db

RECAP = reverse("cesu_orders:order_recap")
MONDAY_30_NOVEMBER = "2026-11-30 10:00 +01:00"
TUESDAY_1_DECEMBER = "2026-12-01 10:00 +01:00"


@pytest.fixture
def address(org_a):
    return funder_ready(org_a)


@pytest.fixture
def emilie(org_a):
    return BeneficiaryFactory(organization=org_a, last_name="Martin", first_name="Émilie")


# The rules


@pytest.mark.parametrize(
    ("today", "delivery", "years"),
    [
        # Before 1 December: the delivery year's millésime only.
        (date(2026, 11, 30), date(2026, 12, 7), [2026]),
        (date(2026, 11, 30), date(2027, 1, 5), []),  # 2027 opens on 1 December 2026
        # From 1 December: a December delivery may carry the next millésime.
        (date(2026, 12, 1), date(2026, 12, 8), [2026, 2027]),
        (date(2026, 12, 24), date(2026, 12, 31), [2026, 2027]),
        (date(2026, 12, 1), date(2027, 1, 5), [2027]),
        # Around 31 January: millésime 2026 can no longer be delivered.
        (date(2027, 1, 29), date(2027, 2, 5), [2027]),
        (date(2027, 1, 31), date(2027, 1, 31), [2027]),
    ],
)
def test_the_millesimes_a_delivery_may_carry(today, delivery, years):
    assert vintages.vintages_for(delivery=delivery, today=today) == years


def test_titles_are_usable_until_31_january_and_ordered_from_1_december():
    assert vintages.usable_until(2026) == date(2027, 1, 31)
    assert vintages.orderable_from(2027) == date(2026, 12, 1)
    assert vintages.expires_soon(vintage=2026, delivery=date(2026, 12, 8))
    assert not vintages.expires_soon(vintage=2027, delivery=date(2026, 12, 8))
    assert not vintages.expires_soon(vintage=2026, delivery=date(2026, 11, 27))


# The recap


def test_on_30_november_a_december_delivery_carries_2026_and_warns(
    client, org_a, alice, address, emilie
):
    with time_machine.travel(MONDAY_30_NOVEMBER, tick=False):
        save_cart(org_a, alice, [line(emilie)], delivery_to(address, date=date(2026, 12, 7)))
        client.force_login(alice)
        page = client.get(RECAP).content.decode()
    assert "Titres utilisables jusqu’au 31 janvier 2027 seulement" in page
    assert "Millésime des titres de cette commande" not in page  # 2027 is not open yet
    assert 'name="vintage_year" value="2026"' in page


def test_from_1_december_the_recap_offers_the_next_millesime(client, org_a, alice, address, emilie):
    with time_machine.travel(TUESDAY_1_DECEMBER, tick=False):
        save_cart(org_a, alice, [line(emilie)], delivery_to(address, date=date(2026, 12, 8)))
        client.force_login(alice)
        page = client.get(RECAP).content.decode()
        assert "Millésime des titres de cette commande" in page
        assert (
            "Depuis le 1<sup>er</sup>&nbsp;décembre, vous pouvez commander le millésime 2027"
            in (page)
        )
        chosen = client.get(RECAP, {"millesime": "2027"}).content.decode()
    assert 'name="vintage_year" value="2027"' in chosen
    assert "2027, utilisable jusqu’au 31 janvier 2028" in chosen
    assert "seulement" not in chosen  # no warning for the next millésime


def test_an_order_of_the_next_millesime_placed_in_december(org_a, alice, address, emilie):
    with time_machine.travel(TUESDAY_1_DECEMBER, tick=False):
        order = place(
            org_a,
            alice,
            [line(emilie)],
            delivery_to(address, date=date(2026, 12, 8)),
            vintage_year=2027,
        )
    assert (order.vintage_year, order.vintage_valid_until) == (2027, date(2028, 1, 31))


def test_a_millesime_the_delivery_cannot_carry_is_refused(org_a, alice, address, emilie):
    with (
        time_machine.travel(MONDAY_30_NOVEMBER, tick=False),
        pytest.raises(OrderRefused, match="Le millésime 2027 ne peut pas être livré"),
    ):
        place(
            org_a,
            alice,
            [line(emilie)],
            delivery_to(address, date=date(2026, 12, 7)),
            vintage_year=2027,
        )
    assert not org_a.cesu_orders_order_set.exists()


def test_validating_from_the_recap_keeps_the_millesime_chosen(
    client, org_a, alice, address, emilie
):
    with time_machine.travel(TUESDAY_1_DECEMBER, tick=False):
        cart = save_cart(org_a, alice, [line(emilie)], delivery_to(address, date=date(2026, 12, 8)))
        client.force_login(alice)
        response = client.post(
            RECAP,
            {
                "cart_version": cart.version,
                "terms_version": "2026-12",
                "accept_terms": "on",
                "vintage_year": "2027",
            },
        )
    assert response.status_code == 302
    assert org_a.cesu_orders_order_set.get().vintage_year == 2027


# Every line says until when it is usable


@pytest.fixture
def december_order(org_a, alice, address, emilie):
    with time_machine.travel(TUESDAY_1_DECEMBER, tick=False):
        mail.outbox.clear()
        return place(
            org_a,
            alice,
            [line(emilie, booklets=2), line(emilie, face_value=Decimal("10.00"))],
            delivery_to(address, date=date(2026, 12, 8)),
        )


def test_the_order_page_shows_the_millesime_of_each_line(client, alice, december_order):
    with time_machine.travel("2027-01-31 18:00 +01:00", tick=False):
        client.force_login(alice)
        page = client.get(
            reverse("cesu_orders:order_detail", args=[december_order.public_id])
        ).content.decode()
    # The summary and each of the two lines.
    assert page.count("utilisable jusqu’au 31 janvier 2027") == 3
    assert "valables jusqu" not in page


def test_the_recap_pdf_and_the_email_show_the_millesime(client, alice, december_order):
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(recap_pdf_bytes(december_order))).pages
    )
    text = re.sub(r"[ \n]+", " ", text)
    # An order has one millésime: said once above the lines (a 2,000-line recap keeps one
    # short row per line), and each line's « Millésime » column.
    assert "Millésime 2026, utilisable jusqu’au 31 janvier 2027" in text
    assert text.count("utilisable jusqu’au 31 janvier 2027") == 1
    assert len(re.findall(r"€ 2026\b", text)) == 2
    (received,) = [m for m in mail.outbox if "prise en charge" in m.subject.lower()]
    assert "Millésime 2026, utilisable jusqu’au 31 janvier 2027" in received.body
