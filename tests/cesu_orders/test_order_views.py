"""The order pages: « Commander » (table, « + », cart, calendar), the recap with
« Valider la commande », the history and the order detail."""

import threading
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cesu_orders.models import Beneficiary, Cart, Invoice, Order, OrderStatus, VoucherFormat
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
RECAP = reverse("cesu_orders:order_recap")
HISTORY = reverse("cesu_orders:order_list")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def address(org_a):
    return funder_ready(org_a)


@pytest.fixture
def people(org_a):
    """Three bénéficiaires created out of alphabetical order, and one archived."""
    zoe = BeneficiaryFactory(organization=org_a, last_name="Zola", first_name="Zoé")
    emile = BeneficiaryFactory(organization=org_a, last_name="Émery", first_name="Émile")
    anna = BeneficiaryFactory(
        organization=org_a,
        last_name="Arnaud",
        first_name="Anna",
        usual_format=VoucherFormat.ELECTRONIC,
        usual_face_value=Decimal("20.00"),
    )
    BeneficiaryFactory(organization=org_a, last_name="Ancien", archived_at="2026-01-01T00:00Z")
    return [anna, emile, zoe]


def test_the_table_lists_every_active_beneficiary_in_alphabetical_order(
    client, alice, address, people
):
    client.force_login(alice)
    page = client.get(TABLE).content.decode()
    positions = [page.index(f"{p.last_name} {p.first_name}") for p in people]
    assert positions == sorted(positions)
    assert "Ancien" not in page
    assert "Rappeler ma dernière commande" in page
    assert "Sauvegarder mon panier" in page
    assert 'name="delivery_date"' in page
    assert page.count('role="tooltip"') == 8


def test_the_table_costs_a_constant_number_of_queries(client, alice, org_a, address, people):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as small:
        client.get(TABLE)
    Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(organization=org_a, sort_name=f"n{i:05d}") for i in range(2000)
    )
    with CaptureQueriesContext(connection) as large:
        response = client.get(TABLE)
    assert response.content.decode().count('name="booklets"') == 2003
    assert len(large) == len(small) <= 16


def test_saving_the_cart_keeps_only_ordered_lines_and_reopens_on_them(
    client, alice, org_a, address, people
):
    anna, emile, zoe = people
    client.force_login(alice)
    data = table_post(
        people,
        address,
        lines={emile: [{"booklets": "2"}, {"booklets": "1", "face_value": "10.00"}]},
    )
    response = client.post(TABLE, data)
    assert response.status_code == 302
    cart = Cart.objects.get(organization=org_a)
    assert cart.version == 1
    assert [(ln.beneficiary, ln.booklets, ln.face_value) for ln in cart.lines.all()] == [
        (emile, 2, Decimal("15.00")),
        (emile, 1, Decimal("10.00")),
    ]
    assert cart.delivery_date == EARLIEST_STANDARD
    page = client.get(TABLE).content.decode()
    assert "Votre panier est sauvegardé" in page
    assert page.count(f'value="{emile.public_id}"') == 2
    assert 'value="2" min="0"' in page
    assert 'name="cart_version" value="1"' in page


def test_a_cart_of_2000_lines_is_saved_in_bulk(
    client, alice, org_a, address, people, django_assert_max_num_queries
):
    Beneficiary.objects.bulk_create(
        BeneficiaryFactory.build(organization=org_a, sort_name=f"n{i:05d}") for i in range(1997)
    )
    everyone = list(Beneficiary.objects.for_organization(org_a).active().order_by("sort_name"))
    data = table_post(everyone, address, lines={b: [{"booklets": "1"}] for b in everyone})
    client.force_login(alice)
    # One INSERT for all lines; SQLite splits it into batches of its variable limit.
    with django_assert_max_num_queries(45 if connection.vendor == "sqlite" else 25):
        response = client.post(TABLE, data)
    assert response.status_code == 302
    assert Cart.objects.get().lines.count() == 2000


def test_the_plus_adds_a_line_below_the_same_beneficiary_without_javascript(
    client, alice, address, people
):
    anna, emile, zoe = people
    client.force_login(alice)
    data = table_post(people, address, lines={emile: [{"booklets": "3"}]}, add_line="1")
    data.pop("action")
    page = client.post(TABLE, data).content.decode()
    assert page.count(f'value="{emile.public_id}"') == 2
    assert page.index(f'value="{emile.public_id}"') < page.index(f'value="{zoe.public_id}"')
    assert "Retirer cette ligne de Émery Émile" in page
    assert not Cart.objects.exists()  # Nothing saved by the « + ».
    data = table_post(
        people, address, lines={emile: [{"booklets": "3"}, {"booklets": "0"}]}, remove_line="2"
    )
    data.pop("action")
    page = client.post(TABLE, data).content.decode()
    assert page.count(f'value="{emile.public_id}"') == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"booklets": "-1"}, "le nombre de carnets est un nombre entier de 0 à 100"),
        ({"booklets": "1.5"}, "le nombre de carnets est un nombre entier de 0 à 100"),
        ({"booklets": "101"}, "le nombre de carnets est un nombre entier de 0 à 100"),
        ({"booklets": "1", "face_value": "17.00"}, "choisissez une valeur faciale proposée"),
        (
            {"booklets": "1", "per_booklet": "7"},
            "choisissez un nombre de titres par carnet proposé",
        ),
        ({"booklets": "1", "share": "120"}, "la part patronale est un pourcentage de 0 à 100"),
        ({"booklets": "1", "share": "abc"}, "la part patronale est un pourcentage de 0 à 100"),
        ({"booklets": "1", "category": "999"}, "choisissez une catégorie d’utilisation proposée"),
        ({"booklets": "1", "format": "gold"}, "choisissez papier ou e-CESU"),
    ],
)
def test_bad_values_are_shown_on_the_line_and_nothing_is_saved(
    client, alice, address, people, values, message
):
    anna, emile, zoe = people
    client.force_login(alice)
    response = client.post(TABLE, table_post(people, address, lines={emile: [values]}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Émery Émile\u00a0: {message}" in page
    assert 'class="order-row__errors"' in page
    assert not Cart.objects.exists()


def test_an_e_cesu_line_needs_the_beneficiary_email(client, alice, address, people):
    anna, emile, zoe = people
    Beneficiary.objects.filter(pk=anna.pk).update(email="")
    client.force_login(alice)
    response = client.post(TABLE, table_post(people, address, lines={anna: [{"booklets": "1"}]}))
    assert response.status_code == 400
    assert "Arnaud Anna n’a pas d’adresse e-mail" in response.content.decode()


def test_commander_needs_a_line_and_a_feasible_date(client, alice, address, people):
    client.force_login(alice)
    response = client.post(TABLE, table_post(people, address, action="order"))
    assert response.status_code == 400
    assert "Saisissez au moins un carnet" in response.content.decode()
    anna, emile, zoe = people
    for day, message in [
        ("2026-11-28", "Le 28 novembre 2026 est un samedi\u00a0: choisissez un jour ouvré."),
        ("2026-11-29", "Le 29 novembre 2026 est un dimanche\u00a0: choisissez un jour ouvré."),
        ("2027-01-01", "Le 1er janvier 2027 est férié (Jour de l’an)"),
        ("2026-11-26", "La livraison la plus proche possible est le 30 novembre 2026."),
        ("2026-12-25", "Le 25 décembre 2026 est férié (Noël)"),
        # Before 1 December, next year's millésime cannot be ordered yet.
        (
            "2027-01-05",
            "Le millésime 2027 se commande à partir du 1er décembre 2026\u00a0: choisissez "
            "une date de livraison au plus tard le 31 décembre 2026.",
        ),
        ("pas-une-date", "Choisissez la date de livraison à l’aide du calendrier."),
    ]:
        data = table_post(
            people, address, lines={emile: [{"booklets": "1"}]}, action="order", delivery_date=day
        )
        response = client.post(TABLE, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Cart.objects.exists()


def test_another_financeurs_ids_are_refused(client, alice, address, people, org_b, charlie):
    stranger = BeneficiaryFactory(organization=org_b)
    their_address = DeliveryAddressFactory(organization=org_b)
    client.force_login(alice)
    data = table_post([*people, stranger], address, lines={stranger: [{"booklets": "5"}]})
    response = client.post(TABLE, data)
    assert response.status_code == 400
    assert "1 ligne(s) concernaient un bénéficiaire archivé ou inconnu" in response.content.decode()
    data = table_post(people, their_address, lines={people[1]: [{"booklets": "1"}]})
    response = client.post(TABLE, data)
    assert response.status_code == 400
    assert "Choisissez une des adresses de livraison proposées." in response.content.decode()
    assert not Cart.objects.exists()


def test_a_broken_table_is_refused(client, alice, address, people):
    client.force_login(alice)
    data = table_post(people, address)
    data["booklets"] = data["booklets"][:-1]
    response = client.post(TABLE, data)
    assert response.status_code == 400
    assert "Le tableau envoyé est incomplet" in response.content.decode()


def test_the_second_manager_saving_a_stale_cart_is_refused(client, alice, bob, address, people):
    anna, emile, zoe = people
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)
    first.post(TABLE, table_post(people, address, lines={emile: [{"booklets": "4"}]}))
    # Bob opened the table at version 0, before Alice's save.
    response = second.post(TABLE, table_post(people, address, lines={zoe: [{"booklets": "1"}]}))
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "Le panier a été modifié par Camille Durand le 23 novembre 2026 à 10\u00a0h\u00a000" in page
    )
    assert "Ouvrir le panier enregistré" in page
    cart = Cart.objects.get()
    assert [(ln.beneficiary, ln.booklets) for ln in cart.lines.all()] == [(emile, 4)]


def test_recall_last_order_and_order_again_fill_the_table(client, alice, org_a, address, people):
    anna, emile, zoe = people
    first = place(org_a, alice, [line(zoe, booklets=3)], delivery_to(address))
    place(org_a, alice, [line(emile, booklets=7)], delivery_to(address))
    client.force_login(alice)
    page = client.get(TABLE + "?depuis=derniere").content.decode()
    assert 'value="7" min="0"' in page
    assert "Le tableau reprend la commande CMD-2026-000002" in page
    page = client.get(f"{TABLE}?depuis={first.public_id}").content.decode()
    assert 'value="3" min="0"' in page
    assert 'value="7" min="0"' not in page


def test_order_again_with_another_financeurs_order_is_a_404(
    client, charlie, alice, org_a, address, people
):
    order = place(org_a, alice, [line(people[0])], delivery_to(address))
    client.force_login(charlie)
    assert client.get(f"{TABLE}?depuis={order.public_id}").status_code in {403, 404}


# The recap and « Valider la commande »


@pytest.fixture
def saved(org_a, alice, address, people):
    anna, emile, zoe = people
    return save_cart(
        org_a,
        alice,
        [line(emile, booklets=2), line(emile, face_value=Decimal("10.00")), line(anna)],
        delivery_to(address),
    )


def test_the_recap_shows_lines_totals_and_delivery(
    client, alice, saved, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(17):
        response = client.get(RECAP)
    page = response.content.decode()
    assert "Total Émery Émile (30 titres)" in page
    assert 'data-amount="face_total">600,00\u00a0€' in page
    assert 'data-amount="total_to_pay">' in page
    assert "lundi 30 novembre 2026" in page
    assert "2026, utilisable jusqu’au 31 janvier 2027" in page
    assert "Valider la commande" in page
    assert "Conditions Générales de Vente" in page


def test_the_recap_warns_above_the_exemption_ceiling(client, alice, org_a, address, people):
    anna, emile, zoe = people
    # 2 591 € in 2026: 50 booklets of 10 × 15 € at 50 % = 3 750 € of employer share.
    save_cart(
        org_a, alice, [line(zoe, booklets=50, face_value=Decimal("15.00"))], delivery_to(address)
    )
    client.force_login(alice)
    page = client.get(RECAP).content.decode()
    assert "Plafond d’exonération dépassé" in page
    assert "Zola Zoé&nbsp;: 3\u202f750,00\u00a0€ (dépassement de 1\u202f159,00\u00a0€)" in page
    assert "Valider la commande" in page  # A warning, not a block.


def test_validating_without_the_terms_is_refused(client, alice, saved):
    client.force_login(alice)
    response = client.post(RECAP, {"cart_version": saved.version, "terms_version": "2026-01"})
    assert response.status_code == 400
    assert "Cochez les Conditions Générales de Vente" in response.content.decode()
    assert not Order.objects.exists()


def test_validating_places_the_order_once(
    client, alice, saved, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    data = {"cart_version": saved.version, "terms_version": "2026-01", "accept_terms": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RECAP, data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cesu_orders:order_detail", args=[order.public_id])
    assert [m.subject for m in mailoutbox] == [
        f"Confirmation de prise en charge de votre commande {order.number}"
    ]
    # The same form posted again (double click, back button): nothing more.
    response = client.post(RECAP, data, follow=True)
    assert "Ce panier a déjà été validé ou modifié" in response.content.decode()
    assert Order.objects.count() == 1
    page = client.get(HISTORY).content.decode()
    assert order.number in page
    assert "Prise en charge" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_managers_validating_the_same_cart_at_once_place_one_order(
    catalogue, org_a, alice, bob, address, people
):
    from cesu_orders.models import TermsOfSale
    from cesu_orders.services.cart import CartChanged
    from cesu_orders.services.orders import order_place

    cart = save_cart(org_a, alice, [line(people[1])], delivery_to(address))
    terms = TermsOfSale.objects.get(version="2026-01")
    barrier = threading.Barrier(2)
    outcomes = []

    def validate(user):
        barrier.wait()
        try:
            order_place(organization=org_a, user=user, version=cart.version, terms=terms)
            outcomes.append("placed")
        except CartChanged:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=validate, args=(u,)) for u in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["placed", "refused"]
    assert Order.objects.count() == 1
    assert Invoice.objects.count() == 1


# History and detail


def test_the_history_filters_by_year_and_status(
    client, alice, org_a, address, people, django_assert_max_num_queries
):
    orders = [place(org_a, alice, [line(people[0])], delivery_to(address)) for _ in range(3)]
    Order.objects.filter(pk=orders[0].pk).update(created_at="2025-06-01T10:00Z")
    Order.objects.filter(pk=orders[1].pk).update(status=OrderStatus.DELIVERED)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        page = client.get(HISTORY).content.decode()
    assert all(o.number in page for o in orders)
    # Each row links straight to its invoice.
    for order in orders:
        invoice = order.invoices.get()
        url = reverse("cesu_orders:invoice_download", args=[invoice.public_id])
        assert f'<a class="nowrap" href="{url}">Facture {invoice.number}' in page
    page = client.get(HISTORY + "?annee=2025").content.decode()
    assert [o.number in page for o in orders] == [True, False, False]
    page = client.get(HISTORY + "?statut=delivered").content.decode()
    assert [o.number in page for o in orders] == [False, True, False]
    assert client.get(HISTORY + "?annee=abc&statut=zzz").status_code == 200


def test_the_detail_shows_lines_timeline_and_downloads(
    client, alice, org_a, address, people, django_capture_on_commit_callbacks
):
    order = place(org_a, alice, [line(people[1], booklets=2)], delivery_to(address))
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:order_detail", args=[order.public_id])).content.decode()
    assert "Émery Émile" in page
    assert "Prise en charge" in page
    assert "Commander à nouveau" in page
    invoice = order.invoices.get()
    response = client.get(reverse("cesu_orders:invoice_download", args=[invoice.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    recap = reverse("cesu_orders:order_recap_pdf", args=[order.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(recap)
    pdf = client.get(recap)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert f'filename="commande-{order.number}.pdf"' in pdf["Content-Disposition"]


def test_the_invoice_is_rendered_on_download_when_the_task_has_not_run(
    client, alice, org_a, address, people
):
    order = place(org_a, alice, [line(people[1])], delivery_to(address))
    invoice = order.invoices.get()
    Invoice.objects.filter(pk=invoice.pk).update(pdf="")
    client.force_login(alice)
    response = client.get(reverse("cesu_orders:invoice_download", args=[invoice.public_id]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Invoice.objects.get(pk=invoice.pk).pdf


def test_the_home_shows_the_order_figures(client, alice, org_a, address, people):
    order = place(org_a, alice, [line(people[1])], delivery_to(address))
    client.force_login(alice)
    page = client.get(reverse("cesu_orders:home")).content.decode()
    assert "Commandes 2026</dt><dd>1</dd>" in page
    assert f"{order.total_to_pay}".replace(".", ",") in page


def test_a_domiciliataire_cannot_open_the_order_pages(client, db):
    from accounts.models import Membership, Organization
    from tests.accounts.factories import MembershipFactory

    member = MembershipFactory(
        organization__kind=Organization.Kind.PROVIDER, role=Membership.Role.ADMIN
    ).user
    client.force_login(member)
    for url in (TABLE, RECAP, HISTORY):
        assert client.get(url).status_code == 403


def test_calendar_fragment_follows_the_transport_mode(client, alice, address, people):
    client.force_login(alice)
    url = reverse("cesu_orders:order_calendar")
    standard = client.get(url, {"transport_mode": "standard", "delivery": f"address-{address.pk}"})
    express = client.get(url, {"transport_mode": "express", "delivery": f"address-{address.pk}"})
    assert 'value="2026-11-27"' not in standard.content.decode()
    assert 'value="2026-11-27"' in express.content.decode()
    assert date(2026, 11, 27) < EARLIEST_STANDARD


def test_forged_indexes_and_ids_never_fail(client, alice, address, people):
    client.force_login(alice)
    assert client.get(TABLE + "?depuis=abc").status_code == 404
    for forged in ["²", "1" * 5000, "-1", "٣"]:
        data = table_post(people, address, add_line=forged, cart_version=forged)
        data.pop("action")
        assert client.post(TABLE, data).status_code == 200
        data = table_post(people, address, lines={people[1]: [{"booklets": forged}]})
        assert client.post(TABLE, data).status_code == 400
    url = reverse("cesu_orders:order_calendar")
    assert client.get(url, {"delivery": "address-²", "delivery_date": "²"}).status_code == 200


def test_a_deleted_delivery_address_blocks_the_order_with_a_message(client, alice, saved, address):
    address.delete()
    client.force_login(alice)
    page = client.get(RECAP).content.decode()
    assert "Choisissez où livrer les carnets papier." in page
    response = client.post(
        RECAP, {"cart_version": saved.version, "terms_version": "2026-01", "accept_terms": "on"}
    )
    assert response.status_code in {302, 400}
    assert not Order.objects.exists()
