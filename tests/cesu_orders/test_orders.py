"""Placing an order and moving it through its states: the services, their e-mails,
their invoices and credit notes, the PDFs and the fulfilment CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from pypdf import PdfReader

from cesu_orders.exports import order_export_rows
from cesu_orders.models import (
    Cart,
    DeliveryTarget,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ServiceFees,
    TermsOfSale,
    VoucherFormat,
)
from cesu_orders.services.cart import CartChanged, cart_save
from cesu_orders.services.invoices import invoice_pdf_bytes
from cesu_orders.services.orders import (
    OrderRefused,
    order_cancel,
    order_mark_delivered,
    order_mark_manufactured,
    order_mark_shipped,
    order_place,
)
from tests.accounts.factories import UserFactory
from tests.cesu_orders.factories import (
    EARLIEST_STANDARD,
    TODAY,
    BeneficiaryFactory,
    DeliveryAddressFactory,
    cart_version,
    delivery_to,
    funder_ready,
    line,
    place,
    save_cart,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def address(org_a):
    return funder_ready(org_a)


@pytest.fixture
def emilie(org_a):
    return BeneficiaryFactory(organization=org_a, last_name="Martin", first_name="Émilie")


@pytest.fixture
def lucas(org_a):
    return BeneficiaryFactory(
        organization=org_a,
        last_name="Bernard",
        first_name="Lucas",
        usual_format=VoucherFormat.ELECTRONIC,
        usual_face_value=Decimal("20.00"),
        usual_employer_share=Decimal("33.33"),
    )


@pytest.fixture
def order(org_a, alice, address, emilie, lucas):
    """Émilie: 2 paper booklets of 10 × 15 € at 50 % plus one of 10 × 10 €; Lucas: one
    e-CESU credit of 10 × 20 € at 33.33 %."""
    mail.outbox.clear()
    return place(
        org_a,
        alice,
        [
            line(emilie, booklets=2),
            line(emilie, face_value=Decimal("10.00")),
            line(lucas),
        ],
        delivery_to(address),
    )


# Placement


def test_placing_copies_every_value_and_computes_the_totals(order, emilie, lucas):
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert order.number == "CMD-2026-000001"
    lines = list(order.lines.order_by("position"))
    assert [(ln.beneficiary_name, ln.booklets, ln.face_value) for ln in lines] == [
        ("Martin Émilie", 2, Decimal("15.00")),
        ("Martin Émilie", 1, Decimal("10.00")),
        ("Bernard Lucas", 1, Decimal("20.00")),
    ]
    # 20 × 15 + 10 × 10 + 10 × 20 = 600 €; employer: 150 + 50 + 10 × 6.67 = 266.70 €.
    assert order.face_total == Decimal("600.00")
    assert order.employer_share_total == Decimal("266.70")
    assert order.employee_share_total == Decimal("333.30")
    # Fees: 4.90 per order + 3 paper booklets × 0.45 + 1 e-CESU credit × 0.35 + 8.50
    # standard transport = 15.10 € HT; VAT 20 % = 3.02 €.
    assert order.fees_excl_vat == Decimal("15.10")
    assert order.vat == Decimal("3.02")
    assert order.total_to_pay == Decimal("618.12")
    assert order.delivery_postcode == "75001"
    assert order.vintage_year == 2026
    assert order.vintage_valid_until == date(2027, 1, 31)
    assert lines[2].beneficiary_email == lucas.email
    # Later changes to the bénéficiaire or the catalogue never alter the order.
    emilie.last_name = "Dupont"
    emilie.save()
    ServiceFees.objects.update(per_order=Decimal("99.00"))
    order.refresh_from_db()
    assert order.lines.first().beneficiary_name == "Martin Émilie"
    assert order.fees_excl_vat == Decimal("15.10")


def test_placing_empties_the_cart_and_records_the_terms(order, org_a, alice):
    cart = Cart.objects.get(organization=org_a)
    assert not cart.lines.exists()
    assert cart.delivery_date is None
    assert order.terms == TermsOfSale.objects.get(version="2026-01")
    assert order.terms_accepted_at is not None
    assert order.created_by == alice
    events = list(order.events.values_list("from_status", "to_status"))
    assert events == [("", "validated"), ("validated", "received")]


def test_placing_issues_the_invoice_with_the_next_number_of_the_year(order, org_a, alice, address):
    invoice = order.invoices.get()
    assert invoice.number == "FC-2026-000001"
    assert invoice.amount_excl_tax == Decimal("615.10")
    assert invoice.vat_amount == Decimal("3.02")
    assert invoice.amount_incl_tax == Decimal("618.12")
    assert invoice.pdf  # Rendered by the (eager) task on commit.
    second = place(
        org_a, alice, [line(BeneficiaryFactory(organization=org_a))], delivery_to(address)
    )
    assert second.invoices.get().number == "FC-2026-000002"


def test_the_prise_en_charge_email_goes_to_the_manager_and_the_primary_manager(
    org_a, alice, bob, address, emilie
):
    mail.outbox.clear()
    order = place(org_a, bob, [line(emilie)], delivery_to(address))
    received = [m for m in mail.outbox if "prise en charge" in m.subject]
    assert sorted(m.to[0] for m in received) == [alice.email, bob.email]
    message = received[0]
    assert message.subject == f"Confirmation de prise en charge de votre commande {order.number}"
    assert "lundi 30 novembre 2026" in message.body
    assert "Total à payer\u00a0: 166,62\u00a0€" in message.body  # 150 + (4.90 + 0.45 + 8.50) × 1.2
    assert f"/cesu/commandes/{order.public_id}/" in message.body


def test_a_stale_cart_version_places_nothing(org_a, alice, address, emilie):
    cart = save_cart(org_a, alice, [line(emilie)], delivery_to(address))
    terms = TermsOfSale.objects.get(version="2026-01")
    with pytest.raises(CartChanged):
        order_place(organization=org_a, user=alice, version=cart.version - 1, terms=terms)
    order_place(organization=org_a, user=alice, version=cart.version, terms=terms)
    # The same click again (double submit): the cart moved on, nothing more is placed.
    with pytest.raises(CartChanged):
        order_place(organization=org_a, user=alice, version=cart.version, terms=terms)
    assert Order.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_a_beneficiary_archived_after_the_save_blocks_the_order(org_a, alice, address, emilie):
    cart = save_cart(org_a, alice, [line(emilie)], delivery_to(address))
    emilie.archived_at = emilie.created_at
    emilie.save()
    with pytest.raises(OrderRefused) as refused:
        order_place(
            organization=org_a,
            user=alice,
            version=cart.version,
            terms=TermsOfSale.objects.get(version="2026-01"),
        )
    assert "Martin Émilie a été archivé" in refused.value.messages[0]
    assert not Order.objects.exists()
    assert Cart.objects.get().lines.count() == 1


def test_a_date_no_longer_feasible_blocks_the_order(org_a, alice, address, emilie):
    cart = save_cart(org_a, alice, [line(emilie)], delivery_to(address))
    with (
        time_machine.travel("2026-11-27 10:00 +01:00", tick=False),
        pytest.raises(OrderRefused) as refused,
    ):
        order_place(
            organization=org_a,
            user=alice,
            version=cart.version,
            terms=TermsOfSale.objects.get(version="2026-01"),
        )
    assert refused.value.messages == [
        "La livraison la plus proche possible est le 4 décembre 2026."
    ]
    assert not Order.objects.exists()


def test_new_terms_must_be_accepted_again(org_a, alice, address, emilie):
    cart = save_cart(org_a, alice, [line(emilie)], delivery_to(address))
    old = TermsOfSale.objects.get(version="2026-01")
    TermsOfSale.objects.create(
        version="2026-06", body="…", published_at=old.published_at.replace(month=6)
    )
    with pytest.raises(OrderRefused):
        order_place(organization=org_a, user=alice, version=cart.version, terms=old)
    assert not Order.objects.exists()


def test_delivery_to_homes_copies_each_home_into_the_export(org_a, alice, address, emilie):
    order = place(
        org_a,
        alice,
        [line(emilie)],
        delivery_to(None, target=DeliveryTarget.HOMES),
    )
    rows = list(order_export_rows(Order.objects.filter(pk=order.pk)))
    assert rows[1][10] == "Martin Émilie, 1 rue de la Paix, 75002 Paris"
    assert order.delivery_recipient == "Domicile de chaque bénéficiaire"


# The state machine


def test_staff_moves_the_order_to_delivered_and_each_step_leaves_an_event(order):
    staff = UserFactory(is_staff=True)
    order_mark_manufactured(order=order, actor=staff, delivery_date=date(2026, 12, 1))
    order_mark_shipped(order=order, actor=staff, tracking_number="COLIS123")
    order_mark_delivered(order=order, actor=staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.planned_delivery_date == date(2026, 12, 1)
    assert order.tracking_number == "COLIS123"
    moves = list(order.events.values_list("to_status", "actor"))[2:]
    assert moves == [("manufactured", staff.pk), ("shipped", staff.pk), ("delivered", staff.pk)]


def test_the_fabrication_email_carries_the_delivery_date(
    order, alice, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_manufactured(
            order=order, actor=UserFactory(is_staff=True), delivery_date=date(2026, 12, 1)
        )
    # The manager's e-mail; Lucas, an e-CESU bénéficiaire, gets his own (test_ecesu).
    (message,) = [m for m in mail.outbox if "fabrication" in m.subject]
    assert message.to == [alice.email]
    assert message.subject == (
        f"Confirmation de fabrication de votre commande {order.number}\u00a0: livraison le "
        "1er décembre 2026"
    )
    assert "Date de livraison\u00a0: mardi 1er décembre 2026" in message.body


def test_the_shipping_email_carries_the_tracking_number(order, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True)
    order_mark_manufactured(order=order, actor=staff, delivery_date=date(2026, 12, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_shipped(order=order, actor=staff, tracking_number="COLIS123")
    assert "COLIS123" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        ([], order_mark_shipped),
        ([], order_mark_delivered),
        (["manufactured"], order_cancel),
        (["cancelled"], order_mark_manufactured),
        (["manufactured", "shipped", "delivered"], order_mark_shipped),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(order, steps, refused):
    staff = UserFactory(is_staff=True)
    moves = {
        "manufactured": lambda: order_mark_manufactured(
            order=order, actor=staff, delivery_date=date(2026, 12, 1)
        ),
        "shipped": lambda: order_mark_shipped(order=order, actor=staff, tracking_number="X"),
        "delivered": lambda: order_mark_delivered(order=order, actor=staff),
        "cancelled": lambda: order_cancel(order=order, actor=staff, reason="Erreur"),
    }
    for step in steps:
        moves[step]()
    before = Order.objects.get(pk=order.pk).status
    events = OrderEvent.objects.count()
    arguments = {
        order_mark_shipped: {"tracking_number": "X"},
        order_mark_manufactured: {"delivery_date": date(2026, 12, 1)},
        order_cancel: {"reason": "x"},
        order_mark_delivered: {},
    }[refused]
    with pytest.raises(OrderRefused) as error:
        refused(order=order, actor=staff, **arguments)
    assert "ne peut pas passer" in error.value.messages[0]
    assert Order.objects.get(pk=order.pk).status == before
    assert OrderEvent.objects.count() == events


def test_cancelling_an_invoiced_order_issues_a_credit_note_and_tells_the_managers(
    order, alice, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=UserFactory(is_staff=True), reason="Doublon de commande")
    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit_note.number == "AV-2026-000001"
    assert credit_note.credited_invoice == order.invoices.get(kind=Invoice.Kind.INVOICE)
    assert credit_note.amount_incl_tax == Decimal("-618.12")
    assert mail.outbox[0].subject == f"Annulation de votre commande {order.number}"
    assert "Doublon de commande" in mail.outbox[0].body
    text = _pdf_text(invoice_pdf_bytes(credit_note))
    assert "Avoir n° AV-2026-000001" in text
    assert "Annule la facture FC-2026-000001" in text


# Documents: the four places where the totals appear agree to the cent


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_invoice_pdf_has_the_legal_mentions_and_the_totals(order):
    text = _pdf_text(invoice_pdf_bytes(order.invoices.get()))
    assert "Facture n° FC-2026-000001" in text
    assert "Domalin Services SAS" in text
    assert "SIREN 812345676" in text
    assert "SIRET 73282932000074" in text
    assert "Services à la personne à domicile" in text
    assert "Total HT 615,10 €" in text
    assert "TVA 20 % sur les frais 3,02 €" in text
    assert "Total TTC à payer 618,12 €" in text
    assert "23 décembre 2026" in text  # Due date: 30 days.
    assert "40 €" in text


def test_page_email_pdf_and_csv_agree_to_the_cent(
    client, alice, order, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    page = client.get(f"/cesu/commandes/{order.public_id}/").content.decode()
    email = next(m for m in mail.outbox if "prise en charge" in m.subject).body
    recap = f"/cesu/commandes/{order.public_id}/recapitulatif.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(recap)  # Queues its task.
    pdf = _pdf_text(b"".join(client.get(recap).streaming_content))
    rows = list(order_export_rows(Order.objects.filter(pk=order.pk)))
    assert "600,00\u00a0€" in page
    assert "618,12\u00a0€" in page
    assert "Total valeur faciale\u00a0: 600,00\u00a0€" in email
    assert "Total à payer\u00a0: 618,12\u00a0€" in email
    assert "Total valeur faciale 600,00 €" in pdf
    assert "Total à payer 618,12 €" in pdf
    csv_total = sum(Decimal(row[9].replace(",", ".")) for row in rows[1:])
    assert csv_total == order.face_total == Decimal("600.00")


def test_the_csv_export_has_one_row_per_line(order, client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/cesu_orders/order/",
        {"action": "export_csv", "_selected_action": [order.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Référence client", "Numéro de commande", "Bénéficiaire"]
    assert len(rows) == 4
    assert rows[1] == [
        order.client_reference,
        order.number,
        "Martin Émilie",
        "",
        "Services à la personne à domicile",
        "Papier",
        "2",
        "10",
        "15,00",
        "300,00",
        "Service RH – Alpha Conseil, 5 avenue de l’Opéra, 75001 Paris",
        "30/11/2026",
    ]
    assert rows[3][5] == "e-CESU"
    assert rows[3][10] == "e-CESU\u00a0: bernard@example.com"


def test_staff_step_pages_move_the_order(order, client, admin_user):
    client.force_login(admin_user)
    url = f"/admin/cesu_orders/order/{order.pk}/etape/manufactured/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"delivery_date": ""})
    assert response.status_code == 200  # The form again, with its error.
    assert Order.objects.get(pk=order.pk).status == OrderStatus.RECEIVED
    client.post(url, {"delivery_date": "2026-12-01"})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.MANUFACTURED
    response = client.post(url, {"delivery_date": "2026-12-02"}, follow=True)
    assert "ne peut pas passer" in response.content.decode()
    assert client.get(f"/admin/cesu_orders/order/{order.pk}/etape/unknown/").status_code == 404


def test_order_lines_are_bulk_written(org_a, alice, address, django_assert_max_num_queries):
    beneficiaries = [BeneficiaryFactory(organization=org_a) for _ in range(60)]
    lines = [line(b) for b in beneficiaries]
    with django_assert_max_num_queries(12):
        cart = cart_save(
            organization=org_a,
            user=alice,
            version=cart_version(org_a),
            lines=lines,
            delivery=delivery_to(address),
        )
    with django_assert_max_num_queries(40):
        order = order_place(
            organization=org_a,
            user=alice,
            version=cart.version,
            terms=TermsOfSale.objects.get(version="2026-01"),
        )
    assert OrderLine.objects.filter(order=order).count() == 60
    assert order.delivery_date == EARLIEST_STANDARD


def test_a_financeur_without_its_profile_cannot_order(org_b, charlie):
    address = DeliveryAddressFactory(organization=org_b)
    beneficiary = BeneficiaryFactory(organization=org_b)
    cart = save_cart(org_b, charlie, [line(beneficiary)], delivery_to(address))
    with pytest.raises(OrderRefused) as refused:
        order_place(
            organization=org_b,
            user=charlie,
            version=cart.version,
            terms=TermsOfSale.objects.get(version="2026-01"),
        )
    assert "profil de votre organisation est incomplet" in refused.value.messages[0]
    assert not Order.objects.exists()


def test_registration_ignores_credit_notes(order, django_capture_on_commit_callbacks):
    from cesu_orders.services.registration import _latest_invoice_amounts

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=UserFactory(is_staff=True), reason="Erreur")
    funder = order.organization.funder
    assert list(_latest_invoice_amounts(funder)) == ["FC-2026-000001"]


def test_the_csv_export_neutralises_formulas(org_a, alice, address):
    evil = BeneficiaryFactory(
        organization=org_a, last_name='=HYPERLINK("http://x")', first_name="A"
    )
    order = place(org_a, alice, [line(evil)], delivery_to(address))
    rows = list(order_export_rows(Order.objects.filter(pk=order.pk)))
    assert rows[1][2] == '\'=HYPERLINK("http://x") A'
