"""The contract's pages: the company's « Mon contrat », the domiciliataire's « Contrats »
(counts, filters, the revenue chart and its text alternative, unpaid invoices) and each
contract's page; who may see and do what; constant query counts."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from domiciliation.contract_selectors import monthly_revenue
from domiciliation.models import Contract, ContractStatus
from domiciliation.services.billing import billing_run
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import at, signed_contract

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()
TODAY = datetime(2027, 6, 15, 10, tzinfo=PARIS)


def contract_for(provider, admin, email, signed=date(2027, 1, 10), **offer):
    offer.setdefault("billing_months", 1)
    with time_machine.travel(at(signed), tick=False):
        return signed_contract(UserFactory(email=email), [provider], admin, **offer)


@pytest.fixture
def contract(company, paris, admin):
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        contract = signed_contract(company, [paris], admin, billing_months=1)
    with time_machine.travel(at(date(2027, 6, 10)), tick=False):
        billing_run()
    return contract


def test_the_company_reads_its_contract(client, contract, company):
    with time_machine.travel(TODAY):
        client.force_login(company)
        page = client.get(reverse("domiciliation:contract", args=[contract.public_id]))
    text = page.content.decode()
    for expected in [
        "Mon contrat de domiciliation",
        "En cours",
        contract.number,
        "10 janvier 2027",
        "Le <strong>10 juillet 2027</strong>&nbsp;: 36,00\u00a0€ TTC",
        "Enregistrer un moyen de paiement",
        "F2027-00006",
        "Payer 36,00\u00a0€",
        "Résilier mon contrat",
        # On 15 June the initial term ends within a month (9 July): the next one.
        "prend fin le <strong>9 janvier 2028</strong>",
        "Historique du contrat",
    ]:
        assert expected in text, expected
    # « Mes dossiers » leads to it.
    with time_machine.travel(TODAY):
        dashboard = client.get(reverse("domiciliation:dashboard")).content.decode()
    assert reverse("domiciliation:contract", args=[contract.public_id]) in dashboard


def test_nobody_else_reaches_the_company_contract(client, contract, admin):
    url = reverse("domiciliation:contract", args=[contract.public_id])
    for user in (UserFactory(), admin):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert client.post(reverse("domiciliation:contract_notice", args=[contract.public_id]),
                       {"kind": "notice", "confirm": "on"}).status_code == 404  # fmt: skip
    contract.refresh_from_db()
    assert contract.ends_on is None


def test_the_provider_lists_its_contracts_with_counts_filters_and_revenue(
    client, contract, paris, admin, agent, lyon
):
    other = contract_for(paris, admin, "b@b.example", signed=date(2027, 3, 1))
    Contract.objects.filter(pk=other.pk).update(status=ContractStatus.SUSPENDED)
    elsewhere = contract_for(lyon, lyon.organization.memberships.get().user, "c@c.example")
    with time_machine.travel(TODAY):
        client.force_login(agent)
        url = reverse("domiciliation_provider:contract_list")
        page = client.get(url).content.decode()
        assert "Nouvelle Start" in page
        assert str(elsewhere.public_id) not in page
        assert "Suspendu pour impayé</a>&nbsp;: <strong>1</strong>" in page
        assert "En cours</a>&nbsp;: <strong>1</strong>" in page
        # The chart: an SVG with a title, a description and the figures as a table.
        assert '<svg viewBox="0 0 640 200" role="img"' in page
        assert "Revenu mensuel récurrent aujourd’hui" in page
        assert '<caption class="visually-hidden">Revenu mensuel récurrent, mois par mois' in page
        suspended = client.get(url, {"statut": "suspended"}).content.decode()
        assert other.number in suspended
        assert contract.number not in suspended
        found = client.get(url, {"q": contract.number}).content.decode()
        assert "1 contrat" in found
        unpaid = client.get(url, {"impayes": "on"}).content.decode()
        assert contract.number in unpaid
        detail = client.get(reverse("domiciliation_provider:contract_detail",
                                    args=[contract.public_id]))  # fmt: skip
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Enregistrer un virement reçu" in text
    assert "Modifier le prix ou les options" not in text  # an agent


def test_monthly_revenue_follows_the_contracts_over_twelve_months(contract, paris, admin):
    contract_for(paris, admin, "b@b.example", signed=date(2027, 4, 1))
    with time_machine.travel(at(date(2027, 6, 1)), tick=False):
        billing_run()
    points = monthly_revenue(paris.organization, today=date(2027, 6, 15))
    by_day = {point.day: point.amount for point in points}
    assert len(points) == 13
    assert by_day[date(2026, 12, 1)] == Decimal("0")
    assert by_day[date(2027, 2, 1)] == Decimal("30.00")
    assert by_day[date(2027, 5, 1)] == Decimal("60.00")
    assert by_day[date(2027, 6, 15)] == Decimal("60.00")


def test_the_pages_run_a_constant_number_of_queries(client, contract, paris, admin, company):
    pages = [
        (admin, reverse("domiciliation_provider:contract_list")),
        (admin, reverse("domiciliation_provider:contract_unpaid")),
        (admin, reverse("domiciliation_provider:greffe")),
        (admin, reverse("domiciliation_provider:contract_detail", args=[contract.public_id])),
        (company, reverse("domiciliation:contract", args=[contract.public_id])),
    ]

    def counts():
        result = []
        for user, url in pages:
            client.force_login(user)
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    with time_machine.travel(TODAY):
        before = counts()
    for index in range(4):
        contract_for(paris, admin, f"more{index}@x.example")
    with time_machine.travel(at(date(2027, 6, 14)), tick=False):
        billing_run()
    with time_machine.travel(TODAY):
        assert counts() == before


def test_an_agent_may_not_change_terms_nor_terminate(client, contract, agent):
    client.force_login(agent)
    for name, data in [
        ("contract_terms", {"monthly_price": "50"}),
        ("contract_terminate", {"termination": "provider_cause"}),
    ]:
        url = reverse(f"domiciliation_provider:{name}", args=[contract.public_id])
        assert client.post(url, data).status_code == 403
    contract.refresh_from_db()
    assert (contract.pending_terms, contract.ends_on) == ({}, None)


def test_a_wrong_price_is_shown_next_to_its_field(client, contract, admin):
    client.force_login(admin)
    response = client.post(
        reverse("domiciliation_provider:contract_terms", args=[contract.public_id]),
        {"monthly_price": "-3", "mail_scan_price": "0", "forwarding": "none",
         "forwarding_price": "0"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Indiquez un montant supérieur à 0\u00a0€." in response.content.decode()
    contract.refresh_from_db()
    assert contract.pending_terms == {}
