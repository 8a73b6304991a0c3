"""Shipping with a carrier and a tracking link, and the e-CESU bénéficiaires told of
their credit when their order is made (once)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cesu_orders.carriers import Carrier, tracking_url
from cesu_orders.models import OrderStatus, VoucherFormat
from cesu_orders.services.ecesu import ecesu_credits_notify
from cesu_orders.services.orders import (
    OrderRefused,
    order_mark_manufactured,
    order_mark_shipped,
)
from tests.accounts.factories import UserFactory
from tests.cesu_orders.factories import (
    TODAY,
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org_a):
    paper = BeneficiaryFactory(organization=org_a, last_name="Martin", first_name="Émilie")
    electronic = {
        "usual_format": VoucherFormat.ELECTRONIC,
        "usual_face_value": Decimal("20.00"),
    }
    lucas = BeneficiaryFactory(
        organization=org_a, last_name="Bernard", first_name="Lucas", email="lucas@ex.fr",
        **electronic,
    )  # fmt: skip
    chloe = BeneficiaryFactory(
        organization=org_a, last_name="Thomas", first_name="Chloé", email="chloe@ex.fr",
        **electronic,
    )  # fmt: skip
    return paper, lucas, chloe


@pytest.fixture
def order(org_a, alice, people):
    paper, lucas, chloe = people
    address = funder_ready(org_a)
    with time_machine.travel(TODAY, tick=False):
        order = place(
            org_a,
            alice,
            [
                line(paper),
                line(lucas, booklets=2),
                line(lucas, face_value=Decimal("10.00")),
                line(chloe),
            ],
            delivery_to(address),
        )
    mail.outbox.clear()
    return order


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


# Tracking


def test_the_carriers_tracking_pages_are_built_from_the_number():
    assert tracking_url(Carrier.COLISSIMO, "6A12345678901") == (
        "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"
    )
    assert tracking_url(Carrier.CHRONOPOST, "XY123456789FR") == (
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=XY123456789FR"
    )
    assert tracking_url(Carrier.OTHER, "ABC") == ""
    assert tracking_url(Carrier.COLISSIMO, "a&b=c") == (
        "https://www.laposte.fr/outils/suivre-vos-envois?code=a%26b%3Dc"
    )


def test_the_shipped_email_and_the_order_page_give_the_carrier_and_the_link(
    client, alice, order, staff, django_capture_on_commit_callbacks
):
    order_mark_manufactured(order=order, actor=staff, delivery_date=date(2026, 12, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_shipped(
            order=order, actor=staff, tracking_number="6a 1234 5678 901", carrier="colissimo"
        )
    order.refresh_from_db()
    assert order.tracking_number == "6A12345678901"
    link = "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"
    (message,) = mail.outbox
    assert "Transporteur\u00a0: Colissimo" in message.body
    assert link in message.body
    html = message.alternatives[0][0]
    assert f'<a href="{link}"' in html
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:order_detail", args=[order.public_id])).content.decode()
    assert "<dd>Colissimo</dd>" in page
    assert f'href="{link}"' in page
    assert order.events.get(to_status=OrderStatus.SHIPPED).note == (
        "Colissimo, numéro de suivi\u00a0: 6A12345678901"
    )


def test_a_tracking_number_a_carrier_cannot_look_up_is_refused(order, staff):
    order_mark_manufactured(order=order, actor=staff, delivery_date=date(2026, 12, 1))
    with pytest.raises(OrderRefused, match="8 à 30 lettres et chiffres"):
        order_mark_shipped(
            order=order, actor=staff, tracking_number="<script>", carrier="chronopost"
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.MANUFACTURED
    assert order.tracking_number == ""


def test_staff_pick_the_carrier_in_the_admin_step(client, order, staff):
    staff.is_superuser = True
    staff.save()
    order_mark_manufactured(order=order, actor=staff, delivery_date=date(2026, 12, 1))
    client.force_login(staff)
    url = reverse("admin:cesu_orders_order_step", args=[order.pk, "shipped"])
    form = client.get(url).content.decode()
    assert "Transporteur" in form
    assert "Chronopost" in form
    client.post(url, {"carrier": "chronopost", "tracking_number": "XY123456789FR"})
    order.refresh_from_db()
    assert (order.status, order.carrier) == (OrderStatus.SHIPPED, Carrier.CHRONOPOST)


# e-CESU


def test_each_ecesu_beneficiary_is_told_the_amount_credited_once(
    order, staff, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_manufactured(order=order, actor=staff, delivery_date=date(2026, 12, 1))
    credits = {m.to[0]: m for m in mail.outbox if "e-CESU" in m.subject}
    assert sorted(credits) == ["chloe@ex.fr", "lucas@ex.fr"]  # not Émilie: paper
    lucas = credits["lucas@ex.fr"]
    # Lucas: 2 × 10 × 20 € + 10 × 10 € = 500 €, half of it from his employer.
    assert lucas.subject == "Votre compte e-CESU est crédité de 500,00\u00a0€ le 1er décembre 2026"
    assert "(30 titres) le mardi 1er décembre 2026, dont 250,00\u00a0€ financés" in lucas.body
    assert "Millésime 2026, utilisable jusqu’au 31 janvier 2027" in lucas.body
    assert "https://e-cesu.domalin.example/" in lucas.body
    assert "affilié au Centre de remboursement du CESU" in lucas.body

    # Made again (a retried task, a double click in the back office): nothing new.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ecesu_credits_notify(order=order)
    assert mail.outbox == []
