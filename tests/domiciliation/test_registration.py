"""A company created through the portal owes its Kbis and SIREN after signature: the
reminders (15 and 30 days after, once per step), its upload from « Mon contrat », the
domiciliataire's « Kbis attendus »."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from domiciliation.models import ClientFile, ProofType
from domiciliation.services.registration import (
    RegistrationRefused,
    contract_registration_send,
    registration_reminders_run,
)
from domiciliation.tasks import registration_reminders
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import ANSWERS, at, pdf_bytes, pdf_upload, signed_contract

pytestmark = pytest.mark.django_db

SIGNED = date(2027, 3, 1)
SUBJECT = "Votre Kbis et votre SIREN sont attendus – Paris Domiciliation"


@pytest.fixture
def contract(company, paris, admin):
    with time_machine.travel(at(SIGNED), tick=False):
        return signed_contract(company, [paris], admin)


def run(capture, day: date, times: int = 2) -> int:
    sent = 0
    with time_machine.travel(at(day, 9, 30), tick=False):
        for _ in range(times):
            with capture(execute=True):
                sent += registration_reminders_run()
    return sent


def reminders():
    return [m for m in mail.outbox if m.subject == SUBJECT]


def test_a_company_being_created_owes_its_kbis_after_signature(contract):
    assert ANSWERS["company_status"] == ClientFile.CompanyStatus.CREATION
    assert contract.awaits_registration
    assert contract.owes_registration
    assert contract.siren == ""


def test_the_reminder_goes_out_at_15_and_30_days_once_each(
    contract, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=14)) == 0
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=15)) == 1
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=16)) == 0
    assert len(reminders()) == 1
    first = reminders()[0]
    assert first.to == ["paul@start.example"]
    assert "signé depuis 15 jours" in first.body
    assert reverse("domiciliation:contract", args=[contract.public_id]) in first.body
    assert "R123-168" in first.body
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=29)) == 0
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=30)) == 1
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=90)) == 0
    assert [m.body.count("signé depuis 30 jours") for m in reminders()] == [0, 1]
    contract.refresh_from_db()
    assert contract.registration_reminders == 2
    assert contract.events.filter(note__contains="Votre Kbis et votre SIREN").count() == 2


def test_a_step_missed_while_the_job_did_not_run_is_not_sent_twice(
    contract, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=40)) == 1
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=41)) == 0
    assert len(reminders()) == 1
    assert "signé depuis 40 jours" in reminders()[0].body


def test_the_beat_task_calls_the_service(contract, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with (
        time_machine.travel(at(SIGNED + timedelta(days=15)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert registration_reminders() == 1
    assert len(reminders()) == 1


def test_an_existing_company_is_not_reminded(
    paris, admin, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(ANSWERS, "company_status", ClientFile.CompanyStatus.EXISTING)
    monkeypatch.setitem(ANSWERS, "siren", "732829320")
    # The Kbis of an existing company is a proof of its file, asked before sending.
    ProofType.objects.filter(code="kbis").update(is_active=False)
    with time_machine.travel(at(SIGNED), tick=False):
        contract = signed_contract(UserFactory(email="x@existing.example"), [paris], admin)
    assert not contract.awaits_registration
    assert contract.siren == "732829320"
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=15)) == 0
    assert not reminders()


def test_the_company_sends_its_kbis_and_the_reminders_stop(
    client, contract, company, paris, django_capture_on_commit_callbacks
):
    url = reverse("domiciliation:contract", args=[contract.public_id])
    client.force_login(company)
    page = client.get(url).content.decode()
    assert "Envoyer mon Kbis" in page
    refused = client.post(
        reverse("domiciliation:registration_send", args=[contract.public_id]),
        {"siren": "123456789", "kbis": pdf_upload("kbis.pdf")},
    )
    assert refused.status_code == 400
    assert "Saisissez un numéro SIREN valide" in refused.content.decode()
    not_a_pdf = client.post(
        reverse("domiciliation:registration_send", args=[contract.public_id]),
        {"siren": "732 829 320", "kbis": SimpleUploadedFile("kbis.pdf", b"<html>")},
    )
    assert not_a_pdf.status_code == 400
    response = client.post(
        reverse("domiciliation:registration_send", args=[contract.public_id]),
        {"siren": "732 829 320", "kbis": pdf_upload("kbis.pdf")},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.siren == "732829320"
    assert not contract.awaits_registration
    assert contract.registered_at
    assert contract.kbis.read() == pdf_bytes()
    assert contract.events.filter(note="Kbis et SIREN reçus\u00a0: SIREN 732829320").exists()
    page = client.get(url).content.decode()
    assert "Envoyer mon Kbis" not in page
    assert "Kbis et SIREN transmis le" in page
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks, SIGNED + timedelta(days=30)) == 0
    assert not reminders()
    with pytest.raises(RegistrationRefused):
        contract_registration_send(
            contract=contract, siren="732829320", upload=pdf_upload(), kind="pdf", actor=company
        )


def test_the_provider_sees_which_companies_still_owe_their_kbis(
    client, contract, company, admin, agent, lyon
):
    client.force_login(agent)
    listing = client.get(reverse("domiciliation_provider:registration_list")).content.decode()
    assert "Nouvelle Start" in listing
    assert contract.number in listing
    contracts = client.get(reverse("domiciliation_provider:contract_list")).content.decode()
    assert "1 entreprise créée avec vous doit encore son Kbis et son SIREN" in contracts
    detail_url = reverse("domiciliation_provider:contract_detail", args=[contract.public_id])
    assert "Kbis et SIREN attendus" in client.get(detail_url).content.decode()
    kbis_url = reverse("domiciliation_provider:contract_kbis", args=[contract.public_id])
    assert client.get(kbis_url).status_code == 404

    contract_registration_send(
        contract=contract, siren="732829320", upload=pdf_upload(), kind="pdf", actor=company
    )
    listing = client.get(reverse("domiciliation_provider:registration_list")).content.decode()
    assert "Nouvelle Start" not in listing
    assert "Aucune entreprise ne vous doit son Kbis." in listing
    assert kbis_url in client.get(detail_url).content.decode()
    download = client.get(kbis_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()

    # Another domiciliataire: 404.
    other = lyon.organization.memberships.get().user
    client.force_login(other)
    assert client.get(kbis_url).status_code == 404
    assert (
        "Nouvelle Start"
        not in client.get(reverse("domiciliation_provider:registration_list")).content.decode()
    )
