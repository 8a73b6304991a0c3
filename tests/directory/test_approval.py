"""The prefectoral approval: 6 years from its date, alerts 6 months and 1 month before
its expiry (each once), an expired approval blocks new acceptances and the public page
says so; its reference on the contract and the invoice."""

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from directory.services.approval import approval_alerts_run
from domiciliation.services.instruction import CaseRefused
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import make_provider
from tests.domiciliation.factories import accept, at, sent_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    provider = make_provider(name="Agrément Domiciliation", approval_date=date(2021, 3, 15))
    MembershipFactory(
        organization=provider.organization, role="admin", user__email="admin@agrement.example"
    )
    return provider


def run(day, times=3, capture=None):
    with time_machine.travel(at(day), tick=False), capture(execute=True):
        return [approval_alerts_run() for _ in range(times)]


def test_the_approval_runs_six_years(provider):
    assert provider.approval_expires_on == date(2027, 3, 15)
    assert not provider.approval_is_expired(date(2027, 3, 14))
    assert provider.approval_is_expired(date(2027, 3, 15))


def test_alerts_six_months_and_one_month_before_the_expiry_once_each(
    provider, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert run(date(2026, 9, 14), capture=capture) == [0, 0, 0]
    assert run(date(2026, 9, 15), capture=capture) == [1, 0, 0]
    assert run(date(2026, 12, 1), capture=capture) == [0, 0, 0]
    assert run(date(2027, 2, 15), capture=capture) == [1, 0, 0]
    assert run(date(2027, 3, 15), capture=capture) == [0, 0, 0]
    subjects = [(m.to, m.subject) for m in mail.outbox]
    assert (
        subjects
        == [(["admin@agrement.example"], "Votre agrément préfectoral expire le 15 mars 2027")] * 2
    )
    assert "dans moins de 6\u00a0mois" in mail.outbox[0].body
    assert "dans moins de 1\u00a0mois" in mail.outbox[1].body


def test_a_renewed_approval_starts_its_alerts_again(provider, django_capture_on_commit_callbacks):
    from directory.services.profiles import provider_save

    run(date(2027, 2, 20), capture=django_capture_on_commit_callbacks)
    provider.refresh_from_db()
    assert provider.approval_alerted_6m_at
    assert provider.approval_alerted_1m_at
    provider.approval_date = date(2027, 2, 1)
    provider_save(provider=provider, changed=["approval_date"])
    provider.refresh_from_db()
    assert provider.approval_alerted_6m_at is None is provider.approval_alerted_1m_at


def test_an_expired_approval_blocks_acceptance_and_the_public_page_says_so(client, provider):
    admin = provider.organization.memberships.get(role="admin").user
    client_file = sent_file(UserFactory(), [provider])
    case = client_file.cases.get()
    with time_machine.travel(at(date(2027, 3, 15)), tick=False):
        with pytest.raises(CaseRefused, match="agrément préfectoral a expiré le 15 mars 2027"):
            accept(case, admin)
        page = client.get(reverse("directory:provider", args=[provider.slug])).content.decode()
    assert "expiré le 15 mars 2027" in page
    assert "il ne peut pas accepter de nouveau dossier" in page
    case.refresh_from_db()
    assert case.status == "S1"
    with time_machine.travel(at(date(2027, 3, 14)), tick=False):
        page = client.get(reverse("directory:provider", args=[provider.slug])).content.decode()
        assert accept(case, admin).status == "accepted"
    assert "valable jusqu’au 15 mars 2027" in page
    assert "Préfecture de police de Paris" in page


def test_the_approval_reference_is_on_the_contract_and_the_invoice(provider):
    from domiciliation.services.documents import contract_pdf, invoice_pdf
    from tests.domiciliation.factories import paid_case

    admin = provider.organization.memberships.get(role="admin").user
    case = paid_case(UserFactory(), [provider], admin)
    for pdf in (contract_pdf(case), invoice_pdf(case.issued_invoice)):
        pages = PdfReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        assert "agrément préfectoral" in text
        assert "DOM-75-2020-001" in text


def test_the_profile_shows_the_expiry(client, provider):
    client.force_login(provider.organization.memberships.get(role="admin").user)
    url = reverse("directory_provider:profile")
    with time_machine.travel(at(date(2026, 12, 1)), tick=False):
        page = client.get(url).content.decode()
        assert "Agrément préfectoral valable jusqu’au <strong>15 mars 2027</strong>" in page
    with time_machine.travel(at(date(2027, 3, 15)), tick=False):
        client.force_login(provider.organization.memberships.get(role="admin").user)
        page = client.get(url).content.decode()
    assert "Votre agrément préfectoral a expiré le 15 mars 2027" in page
    assert 'name="approval_prefecture"' in page
