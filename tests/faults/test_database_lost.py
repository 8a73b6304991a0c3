"""The database connection dies while « Valider la commande » writes the order: nothing
of the order remains, the cart is as it was, the manager sees the French error page, and
validating again places the order once, with the number the failed attempt gave back."""

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from sequences.models import Sequence

from cesu_orders.models import Cart, Invoice, Order, OrderEvent, OrderLine
from cesu_orders.selectors import terms_of_sale_current
from notifications.models import Notification
from tests.cesu_orders.factories import (
    TODAY,
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    save_cart,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

RECAP = reverse("cesu_orders:order_recap")


class BackendKiller:
    """An execute wrapper that terminates this connection's PostgreSQL backend (from a
    second connection) just before the first INSERT into `table`, so that the INSERT
    meets a dead connection, as when the database restarts or the network drops."""

    def __init__(self, table: str):
        self.table = table
        self.statements = []
        self.killed = False

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        if not self.killed and sql.startswith(f'INSERT INTO "{self.table}"'):
            self.killed = True
            self._terminate(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)

    @staticmethod
    def _terminate(pid: int) -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                # Waits (up to 5 s) until the backend is gone, not only signalled.
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                assert cursor.fetchone() == (True,)
        finally:
            other.close()


def cart_state(organization):
    cart = Cart.objects.get(organization=organization)
    lines = cart.lines.order_by("position").values_list(
        "beneficiary_id", "usage_category_id", "voucher_format", "booklets", "face_value"
    )
    return (
        cart.version,
        cart.delivery_target,
        cart.delivery_address_id,
        cart.transport_mode,
        cart.delivery_date,
        list(lines),
    )


def order_numbers_used(year: int) -> int:
    sequence = Sequence.objects.filter(name=f"cesu-order-{year}").first()
    return sequence.last if sequence else 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a PostgreSQL backend")
def test_it_keeps_no_partial_order_and_the_cart_when_the_database_connection_dies(
    catalogue, org_a, alice, mailoutbox
):
    with time_machine.travel(TODAY, tick=False):
        address = funder_ready(org_a)
        people = [BeneficiaryFactory(organization=org_a) for _ in range(3)]
        cart = save_cart(org_a, alice, [line(person) for person in people], delivery_to(address))
        before = cart_state(org_a)
        used = order_numbers_used(2026)
        client = Client(raise_request_exception=False)
        client.force_login(alice)
        data = {
            "cart_version": cart.version,
            "terms_version": terms_of_sale_current().version,
            "accept_terms": "on",
        }

        killer = BackendKiller(OrderLine._meta.db_table)
        with connection.execute_wrapper(killer):
            response = client.post(RECAP, data)

        # The order row was written, then its lines met a dead connection.
        assert killer.killed
        assert any(
            sql.startswith(f'INSERT INTO "{Order._meta.db_table}"') for sql in killer.statements
        )
        assert response.status_code == 500
        page = response.content.decode()
        assert '<html lang="fr">' in page
        assert "Une erreur est survenue" in page
        assert "veuillez réessayer dans quelques instants" in page
        # Nothing of the order was kept, and the cart is exactly as it was.
        assert not Order.objects.exists()
        assert not OrderLine.objects.exists()
        assert not OrderEvent.objects.exists()
        assert not Invoice.objects.exists()
        assert not Notification.objects.exists()
        assert cart_state(org_a) == before
        assert mailoutbox == []

        # The manager comes back to the recap and validates again.
        assert "Valider la commande" in client.get(RECAP).content.decode()
        response = client.post(RECAP, data)

        order = Order.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("cesu_orders:order_detail", args=[order.public_id])
        assert order.lines.count() == 3
        assert Invoice.objects.get().order == order
        # The failed attempt gave its number back: no gap in the order numbers.
        assert order.number == f"CMD-2026-{used + 1:06d}"
        assert not Cart.objects.get(organization=org_a).lines.exists()
        assert [m.subject for m in mailoutbox] == [
            f"Confirmation de prise en charge de votre commande {order.number}"
        ]
