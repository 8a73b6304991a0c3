"""The lists owed to the SIE and URSSAF (R123-168), built from contracts that start and
end across quarter boundaries: each quarter's starts and ends, the 1 January list, a
future period refused, the PDF letter and the CSV, the sending recorded once with its
rows frozen, the reminders 15 and 3 days before each deadline exactly once, the overdue
list on the dashboard, admins only, constant queries."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from domiciliation.declarations import Period, parse_period, periods_with_deadline_within
from domiciliation.legal_selectors import declaration_periods, declaration_rows
from domiciliation.models import Declaration
from domiciliation.services.declarations import (
    DeclarationRefused,
    declaration_period_check,
    declaration_reminders_run,
)
from tests.accounts.factories import MembershipFactory
from tests.domiciliation.factories import at, bare_contract

pytestmark = pytest.mark.django_db

Q1_2026 = Period(2026, 1)
Q2_2026 = Period(2026, 2)
Q3_2026 = Period(2026, 3)
JAN_2026 = Period(2026, 0)
JAN_2027 = Period(2027, 0)


@pytest.fixture
def contracts(paris, lyon):
    """Starts and ends on both sides of the quarter boundaries."""
    made = {
        "A": bare_contract(paris, name="Alpha", siren="732829320", starts_on=date(2026, 2, 10)),
        "B": bare_contract(
            paris, name="Bravo", starts_on=date(2025, 11, 20), ends_on=date(2026, 4, 5)
        ),
        "C": bare_contract(
            paris, name="Charlie", starts_on=date(2026, 3, 31), ends_on=date(2026, 7, 1)
        ),
        "D": bare_contract(paris, name="Delta", starts_on=date(2026, 4, 1)),
        "E": bare_contract(paris, name="Echo", starts_on=date(2026, 1, 1)),
        "F": bare_contract(
            paris, name="Foxtrot", starts_on=date(2025, 6, 1), ends_on=date(2025, 12, 31)
        ),
    }
    bare_contract(lyon, name="Lyon Seule", starts_on=date(2026, 2, 1))
    return made


def names(rows):
    return [(row.company_name, row.starts_on, row.ends_on) for row in rows]


def admin_client(client, provider):
    client.force_login(provider.organization.memberships.get(role="admin").user)
    return client


def test_the_periods_and_their_deadlines():
    assert (Q1_2026.start, Q1_2026.end, Q1_2026.deadline) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 15),
    )
    assert Period(2026, 4).deadline == date(2027, 1, 15)
    assert JAN_2027.deadline == date(2027, 1, 15)
    assert JAN_2027.reminder_days() == [(15, date(2026, 12, 31)), (3, date(2027, 1, 12))]
    assert parse_period("trimestre-2026-2") == Q2_2026
    assert parse_period("annuelle-2027") == JAN_2027
    assert parse_period("trimestre-2026-5") is None
    assert periods_with_deadline_within(date(2026, 12, 31), 15) == [Period(2026, 4), JAN_2027]


def test_each_quarter_lists_the_domiciliations_begun_or_ended_in_it(contracts, paris):
    organization = paris.organization
    assert names(declaration_rows(organization, Q1_2026)) == [
        ("Alpha", date(2026, 2, 10), None),
        ("Charlie", date(2026, 3, 31), None),
        ("Echo", date(2026, 1, 1), None),
    ]
    assert names(declaration_rows(organization, Q2_2026)) == [
        ("Bravo", None, date(2026, 4, 5)),
        ("Delta", date(2026, 4, 1), None),
    ]
    assert names(declaration_rows(organization, Q3_2026)) == [("Charlie", None, date(2026, 7, 1))]
    assert names(declaration_rows(organization, Period(2025, 4))) == [
        ("Bravo", date(2025, 11, 20), None),
        ("Foxtrot", None, date(2025, 12, 31)),
    ]
    row = declaration_rows(organization, Q1_2026)[0]
    assert (row.siren, row.address) == ("732829320", "1 rue X, 75002 Paris")


def test_the_annual_list_names_the_companies_domiciled_on_1_january(contracts, paris):
    organization = paris.organization
    assert [r.company_name for r in declaration_rows(organization, JAN_2026)] == ["Bravo", "Echo"]
    assert [r.company_name for r in declaration_rows(organization, JAN_2027)] == [
        "Alpha",
        "Delta",
        "Echo",
    ]


def test_a_future_period_is_refused(client, contracts, paris):
    with pytest.raises(DeclarationRefused, match="pas encore disponible"):
        declaration_period_check(Q2_2026, today=date(2026, 6, 30))
    assert declaration_period_check(Q2_2026, today=date(2026, 7, 1)) == Q2_2026
    with time_machine.travel(at(date(2026, 12, 31)), tick=False):
        admin_client(client, paris)
        for name in ("declaration_detail", "declaration_pdf", "declaration_csv"):
            response = client.get(reverse(f"domiciliation_provider:{name}", args=["annuelle-2027"]))
            assert response.status_code == 302
        page = client.get(response.url)
        response = client.post(
            reverse("domiciliation_provider:declaration_sent", args=["annuelle-2027"]),
            {"sent_on": "2026-12-31", "channel": "letter"},
        )
    assert "à partir du 1er janvier 2027" in page.content.decode().replace("\u00a0", " ")
    assert response.status_code == 302
    assert not Declaration.objects.exists()
    unknown = client.get(reverse("domiciliation_provider:declaration_detail", args=["T9"]))
    assert unknown.status_code == 404


def test_the_page_lists_every_period_since_the_first_contract(client, contracts, paris):
    with time_machine.travel(at(date(2026, 7, 20)), tick=False):
        response = admin_client(client, paris).get(reverse("domiciliation_provider:declarations"))
        summaries = declaration_periods(paris.organization, today=date(2026, 7, 20))
    assert [(s.period.short_label, s.count) for s in summaries] == [
        ("T2 2026", 2),
        ("T1 2026", 3),
        ("1er\u00a0janvier 2026", 2),
        ("T4 2025", 2),
        ("T3 2025", 0),
        ("T2 2025", 1),
    ]
    page = response.content.decode()
    assert "Liste du 2e\u00a0trimestre 2026" in page
    assert "Lyon Seule" not in page
    assert "En retard" in page  # T1 2026, T4 2025... not sent
    assert "Rien à déclarer" in page  # T3 2025


def test_the_pdf_letter_and_the_csv(client, contracts, paris):
    with time_machine.travel(at(date(2026, 4, 2)), tick=False):
        admin_client(client, paris)
        pdf = client.get(
            reverse("domiciliation_provider:declaration_pdf", args=["trimestre-2026-1"])
        )
        got = client.get(
            reverse("domiciliation_provider:declaration_csv", args=["trimestre-2026-1"])
        )
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "Service des impôts des entreprises" in text
    assert "URSSAF" in text
    assert "Objet : liste du 1er trimestre 2026" in text
    assert "entre le 1er janvier 2026 et le 31 mars 2026 : 3 entreprises" in text
    for name in ("Alpha", "Charlie", "Echo", "732829320", "DOM-75-2020-001"):
        assert name in text
    assert "Delta" not in text
    assert got["Content-Disposition"] == 'attachment; filename="declaration-trimestre-2026-1.csv"'
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Contrat",
        "Dénomination",
        "SIREN",
        "Adresse de domiciliation",
        "Début",
        "Fin",
    ]
    assert rows[1][1:] == ["Alpha", "732829320", "1 rue X, 75002 Paris", "10/02/2026", ""]
    assert len(rows) == 4


def test_the_sending_is_recorded_once_and_its_rows_kept(client, contracts, paris):
    url = reverse("domiciliation_provider:declaration_sent", args=["trimestre-2026-1"])
    detail = reverse("domiciliation_provider:declaration_detail", args=["trimestre-2026-1"])
    with time_machine.travel(at(date(2026, 4, 10)), tick=False):
        admin_client(client, paris)
        future = client.post(url, {"sent_on": "2026-04-11", "channel": "letter"})
        assert future.status_code == 400
        assert "ne peut pas être dans le futur" in future.content.decode()
        early = client.post(url, {"sent_on": "2026-03-30", "channel": "letter"})
        assert early.status_code == 400
        first = client.post(url, {"sent_on": "2026-04-09", "channel": "registered_letter"})
        assert first.status_code == 302
        # A contract entered afterwards for the quarter does not change what was sent.
        bare_contract(paris, name="Zoulou", starts_on=date(2026, 3, 1))
        second = client.post(url, {"sent_on": "2026-04-10", "channel": "online"})
        page = client.get(detail).content.decode()
    assert second.status_code == 400
    assert "L’envoi de cette liste est déjà enregistré\u00a0: le 9 avril 2026." in (
        second.content.decode()
    )
    declaration = Declaration.objects.get()
    assert (declaration.sent_on, declaration.channel) == (date(2026, 4, 9), "registered_letter")
    assert [row["company_name"] for row in declaration.rows] == ["Alpha", "Charlie", "Echo"]
    assert declaration.events.count() == 1
    assert "Envoyée le 9 avril 2026 par lettre recommandée avec avis de réception" in page
    assert "Zoulou" not in page
    assert "Enregistrer l’envoi" not in page


def test_reminders_go_out_15_and_3_days_before_each_deadline_once(
    contracts, paris, lyon, django_capture_on_commit_callbacks
):
    MembershipFactory(organization=paris.organization, role="admin", user__email="b@paris.example")
    sent_q4 = Declaration.objects.create(
        provider=lyon, year=2026, quarter=4, status=Declaration.Status.SENT,
        sent_on=date(2026, 12, 30), channel="letter",
    )  # fmt: skip

    def run(day):
        with (
            time_machine.travel(at(day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return [declaration_reminders_run() for _ in range(3)]

    assert run(date(2026, 12, 30)) == [0, 0, 0]
    # 31 December: 15 days before 15 January (the Q4 2026 list and the 1 January list).
    assert run(date(2026, 12, 31)) == [3, 0, 0]  # Paris: both lists; Lyon: the annual one
    assert run(date(2027, 1, 5)) == [0, 0, 0]
    assert run(date(2027, 1, 12)) == [3, 0, 0]
    assert run(date(2027, 1, 14)) == [0, 0, 0]
    assert run(date(2027, 1, 15)) == [0, 0, 0]
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    paris_admins = ["admin@paris.example", "b@paris.example"]
    assert [s for s in subjects if s[0] in paris_admins] == sorted(
        (to, f"Rappel\u00a0: {label} à envoyer avant le 15 janvier 2027")
        for to in paris_admins
        for label in (
            "Liste annuelle des domiciliés au 1er\u00a0janvier 2027",
            "Liste annuelle des domiciliés au 1er\u00a0janvier 2027",
            "Liste du 4e\u00a0trimestre 2026",
            "Liste du 4e\u00a0trimestre 2026",
        )
    )
    assert [s[1] for s in subjects if s[0] == "admin@lyon.example"] == [
        "Rappel\u00a0: Liste annuelle des domiciliés au 1er\u00a0janvier 2027 à envoyer avant "
        "le 15 janvier 2027"
    ] * 2
    body = next(m for m in mail.outbox if "4e" in m.subject).body
    assert "dans 15\u00a0jours" in body or "dans 3\u00a0jours" in body
    assert "/domiciliataire/declarations/trimestre-2026-4/" in body
    sent_q4.refresh_from_db()
    assert sent_q4.reminded_15_at is None


def test_a_late_job_sends_only_the_closest_reminder(
    contracts, paris, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(date(2026, 4, 13)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert declaration_reminders_run() == 2  # Paris and Lyon
        assert declaration_reminders_run() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@lyon.example", "admin@paris.example"]
    assert all("dans 3\u00a0jours" in m.body for m in mail.outbox)
    assert Declaration.objects.filter(reminded_15_at__isnull=False).count() == 2


def test_the_dashboard_flags_a_list_overdue(client, contracts, paris):
    dashboard = reverse("domiciliation_provider:dashboard")
    with time_machine.travel(at(date(2026, 4, 14)), tick=False):
        page = admin_client(client, paris).get(dashboard).content.decode()
        assert "3 déclarations au SIE et à l’URSSAF en retard" in page
        assert "1er\u00a0janvier 2026, T4 2025, T2 2025 (article" in page
    with time_machine.travel(at(date(2026, 4, 15)), tick=False):
        page = admin_client(client, paris).get(dashboard).content.decode()
        assert "4 déclarations au SIE et à l’URSSAF en retard" in page
        assert "T1 2026" in page
        client.post(
            reverse("domiciliation_provider:declaration_sent", args=["trimestre-2026-1"]),
            {"sent_on": "2026-04-15", "channel": "online"},
        )
        page = client.get(dashboard).content.decode()
    assert "3 déclarations au SIE et à l’URSSAF en retard" in page
    assert "T1 2026" not in page


def test_agents_and_companies_may_not_reach_the_declarations(client, contracts, paris, company):
    client.force_login(paris.organization.memberships.get(role="agent").user)
    assert client.get(reverse("domiciliation_provider:declarations")).status_code == 403
    detail = reverse("domiciliation_provider:declaration_detail", args=["trimestre-2026-1"])
    assert client.get(detail).status_code == 403
    client.force_login(company)
    assert client.get(detail).status_code in {403, 404}


def test_the_page_and_the_annual_list_take_a_fixed_number_of_queries(
    client, paris, django_assert_max_num_queries
):
    for index in range(3):
        bare_contract(paris, name=f"Société {index}", starts_on=date(2024, 1 + index, 5))
    admin_client(client, paris)
    urls = [
        reverse("domiciliation_provider:declarations"),
        reverse("domiciliation_provider:declaration_detail", args=["annuelle-2026"]),
        reverse("domiciliation_provider:declaration_csv", args=["annuelle-2026"]),
    ]
    counts = []
    for _ in range(2):
        for url in urls:
            with django_assert_max_num_queries(12) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        for index in range(20):
            bare_contract(paris, name=f"Autre {index}", starts_on=date(2025, 1 + index % 12, 3))
    assert counts[:3] == counts[3:]
