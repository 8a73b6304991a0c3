"""The end of a contract with the clock moved: the company's notice (the end of a term,
never before the initial term), a second notice refused, the transfer of its seat, the
domiciliataire's termination (15 days at least); tacit renewal; at the end, run three
times: the contract ended once, the last period settled pro rata (credit note on a paid
period, re-billing of an unpaid one), the end attestation and the greffe notice (their
text), e-mails to both sides, mail returned to sender, the greffe sending recorded once."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from domiciliation.models import (
    CaseDocument,
    Contract,
    ContractStatus,
    CreditNote,
    GreffeNotice,
    Invoice,
    Termination,
)
from domiciliation.services.contract_jobs import contracts_run
from domiciliation.services.contracts import ContractRefused
from domiciliation.services.termination import (
    contract_give_notice,
    contract_terminate,
    contract_transfer_seat,
    greffe_notice_create,
    greffe_notice_record_sent,
)
from tests.domiciliation.factories import at, signed_contract

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


def run(capture, day: date, times: int = 3) -> list[dict]:
    done = []
    with time_machine.travel(at(day), tick=False):
        for _ in range(times):
            with capture(execute=True):
                done.append(contracts_run())
    return done


def pdf_text(field_file) -> str:
    with field_file.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    return " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


@pytest.fixture
def contract(company, paris, admin):
    """Signed on 10 January 2027: 6 months at least (to 9 July), billed quarterly, one
    month's notice before the end of a term."""
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        return signed_contract(company, [paris], admin, billing_months=3, duration_months=6)


def test_notice_ends_with_the_term_and_never_before_the_initial_term(contract, company):
    assert contract.minimum_ends_on == date(2027, 7, 9)
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        contract = contract_give_notice(contract=contract, actor=company)
    assert contract.status == ContractStatus.NOTICE
    assert contract.ends_on == date(2027, 7, 9)
    assert contract.termination == Termination.COMPANY_NOTICE
    assert contract.notice_given_on == date(2027, 2, 1)


def test_notice_less_than_a_month_before_the_term_runs_to_the_next_one(contract, company):
    with time_machine.travel(at(date(2027, 6, 20)), tick=False):
        contract = contract_give_notice(contract=contract, actor=company)
    assert contract.ends_on == date(2028, 1, 9)


def test_a_second_notice_is_refused(client, contract, company, django_capture_on_commit_callbacks):
    with time_machine.travel(at(date(2027, 2, 1))):
        client.force_login(company)
        url = reverse("domiciliation:contract_notice", args=[contract.public_id])
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(url, {"kind": "notice", "confirm": "on"})
        assert first.status_code == 302
        second = client.post(url, {"kind": "notice", "confirm": "on"})
    assert second.status_code == 400
    assert "Un préavis est déjà en cours" in second.content.decode()
    assert contract.events.filter(to_status=ContractStatus.NOTICE).count() == 1
    company_notice, provider_notice = sorted(
        (m for m in mail.outbox if "Fin" in m.subject),
        key=lambda m: m.to[0] != "paul@start.example",
    )
    assert company_notice.to == ["paul@start.example"]
    assert company_notice.subject == "Fin de votre contrat de domiciliation le 9 juillet 2027"
    assert "Résiliation par le domicilié" in company_notice.body
    assert provider_notice.to == ["admin@paris.example"]
    assert contract.number in provider_notice.subject


def test_notice_needs_the_confirmation_box(client, contract, company):
    client.force_login(company)
    response = client.post(
        reverse("domiciliation:contract_notice", args=[contract.public_id]), {"kind": "notice"}
    )
    assert response.status_code == 400
    assert "Cochez la case" in response.content.decode()
    contract.refresh_from_db()
    assert contract.ends_on is None


@pytest.mark.parametrize(
    ("ends_on", "message"),
    [
        (date(2027, 5, 31), "au moins jusqu’au 9 juillet 2027"),
        (date(2027, 1, 31), "dans le passé"),
    ],
)
def test_a_seat_transfer_before_the_minimum_or_in_the_past_is_refused(
    contract, company, ends_on, message
):
    with (
        time_machine.travel(at(date(2027, 2, 1)), tick=False),
        pytest.raises(ContractRefused, match=message),
    ):
        contract_transfer_seat(contract=contract, ends_on=ends_on, actor=company)
    contract.refresh_from_db()
    assert (contract.status, contract.ends_on) == (ContractStatus.RUNNING, None)


def test_the_provider_terminates_for_cause_fifteen_days_ahead_at_least(contract, admin):
    with time_machine.travel(at(date(2027, 8, 1)), tick=False):
        with pytest.raises(ContractRefused, match="16 août 2027"):
            contract_terminate(
                contract=contract,
                termination=Termination.PROVIDER_CAUSE,
                ends_on=date(2027, 8, 10),
                note="Domiciliation fictive",
                actor=admin,
            )
        contract = contract_terminate(
            contract=contract,
            termination=Termination.PROVIDER_CAUSE,
            ends_on=date(2027, 8, 16),
            note="Domiciliation fictive",
            actor=admin,
        )
    assert (contract.status, contract.ends_on) == (ContractStatus.NOTICE, date(2027, 8, 16))


def test_the_contract_renews_tacitly_at_the_end_of_its_term(
    contract, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks, date(2027, 7, 9))
    contract.refresh_from_db()
    assert contract.term_ends_on == date(2027, 7, 9)
    run(django_capture_on_commit_callbacks, date(2027, 7, 10))
    contract.refresh_from_db()
    assert contract.term_ends_on == date(2028, 1, 9)
    renewals = contract.events.filter(note__startswith="Contrat reconduit tacitement")
    assert [e.note for e in renewals] == ["Contrat reconduit tacitement jusqu’au 9 janvier 2028"]


def test_a_seat_transfer_in_the_middle_of_a_paid_period_is_credited_and_refunded(
    client, contract, company, admin, django_capture_on_commit_callbacks
):
    """Quarterly: the period from 10 July to 9 October 2027 is paid (saved method) and
    the company moves its seat after 31 July: the 70 days left are credited."""
    from domiciliation.services.invoice_payments import payment_method_save

    payment_method_save(
        contract=contract, gateway="simulated", kind="card", label="Visa •••• 4242",
        method_id="sim_card",
    )  # fmt: skip
    run(django_capture_on_commit_callbacks, date(2027, 7, 10))
    period = Invoice.objects.get(contract=contract, period_index=2)
    assert period.status == Invoice.Status.PAID
    with (
        time_machine.travel(at(date(2027, 7, 12)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contract_transfer_seat(contract=contract, ends_on=date(2027, 7, 31), actor=company)
    mail.outbox.clear()
    done = run(django_capture_on_commit_callbacks, date(2027, 8, 1))
    assert [d["ended"] for d in done] == [1, 0, 0]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ENDED
    assert contract.returns_mail_to_sender
    assert not Contract.objects.receiving_mail().filter(pk=contract.pk).exists()
    (credit_note,) = CreditNote.objects.filter(contract=contract)
    # 92 days billed 90 € HT; 70 unused: 68,48 € HT, 82,18 € TTC, refunded.
    assert credit_note.reason == CreditNote.Reason.CONTRACT_END
    assert credit_note.amount_excl_tax == Decimal("68.48")
    assert credit_note.amount_incl_tax == Decimal("82.18")
    assert credit_note.refunded_at is not None
    assert credit_note.number == "A2027-00001"
    period.refresh_from_db()
    assert period.status == Invoice.Status.PAID  # never edited
    text = pdf_text(credit_note.pdf)
    for expected in ["Avoir n° A2027-00001", f"facture n° {period.number}", "68,48", "13,70",
                     "82,18", "non utilisé du 1er août 2027 au 9 octobre 2027"]:  # fmt: skip
        assert expected in text, expected
    # Both documents, once, and the e-mails that carry them.
    attestation = CaseDocument.objects.get(case=contract.case, kind="end_attestation")
    notice = GreffeNotice.objects.get(contract=contract)
    assert (notice.kind, notice.status, notice.event_date) == (
        "contract_end",
        "due",
        date(2027, 7, 31),
    )
    text = pdf_text(attestation.file)
    for expected in ["Attestation de fin de domiciliation", "Nouvelle Start", contract.number,
                     "du 10 janvier 2027 au 31 juillet 2027", "transfert de siège",
                     contract.provider.approval_number]:  # fmt: skip
        assert expected in text, expected
    text = " ".join(pdf_text(notice.pdf).split())
    for expected in ["Greffe du tribunal des activités économiques de Paris", "R. 123-168",
                     "siège domicilié au 75002 Paris", "Nouvelle Start",
                     "SIREN : non communiqué", contract.provider.approval_number,
                     "du 10 janvier 2027 au 31 juillet 2027"]:  # fmt: skip
        assert expected in text, expected
    ended = {
        m.to[0]: m for m in mail.outbox if "fin de" in m.subject.lower() or "greffe" in m.subject
    }
    assert ended["paul@start.example"].attachments[0][0] == (
        "Attestation de fin de domiciliation – Nouvelle Start.pdf"
    )
    assert ended["admin@paris.example"].attachments[0][0] == "Avis au greffe – Nouvelle Start.pdf"
    assert CaseDocument.objects.filter(case=contract.case, kind="end_attestation").count() == 1
    # The company's page keeps everything.
    client.force_login(company)
    page = client.get(reverse("domiciliation:contract", args=[contract.public_id])).content.decode()
    assert "Attestation de fin de domiciliation (PDF)" in page
    assert "A2027-00001" in page
    assert "retourné à l’expéditeur" in page
    assert "Résilier mon contrat" not in page


def test_an_unpaid_last_period_is_cancelled_and_billed_again_for_the_days_used(
    contract, admin, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks, date(2027, 7, 10))
    period = Invoice.objects.get(contract=contract, period_index=2)
    with time_machine.travel(at(date(2027, 8, 1)), tick=False):
        contract_terminate(
            contract=contract,
            termination=Termination.PROVIDER_CAUSE,
            ends_on=date(2027, 8, 20),
            note="Activité non déclarée",
            actor=admin,
        )
    run(django_capture_on_commit_callbacks, date(2027, 8, 21))
    period.refresh_from_db()
    assert period.status == Invoice.Status.CANCELLED
    (credit_note,) = period.credit_notes.all()
    assert (credit_note.amount_incl_tax, credit_note.refund_due) == (period.amount_incl_tax, False)
    replacement = Invoice.objects.get(contract=contract, period_index=2, status="issued")
    # 42 days used out of 92: 90 € × 42 / 92 = 41,09 € HT.
    assert (replacement.period_start, replacement.period_end) == (
        date(2027, 7, 10),
        date(2027, 8, 20),
    )
    assert replacement.amount_excl_tax == Decimal("41.09")
    assert "prorata jusqu’au 20 août 2027" in replacement.line_items[0][0]


def test_the_last_period_is_billed_pro_rata_when_the_end_falls_in_it(
    company, paris, admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        contract = signed_contract(company, [paris], admin, billing_months=1, duration_months=3)
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        contract = contract_transfer_seat(contract=contract, ends_on=date(2027, 4, 20),
                                          actor=company)  # fmt: skip
    run(django_capture_on_commit_callbacks, date(2027, 4, 10))
    last = Invoice.objects.get(contract=contract, period_index=3)
    # From 10 April to 20 April: 11 days out of 30.
    assert (last.period_start, last.period_end) == (date(2027, 4, 10), date(2027, 4, 20))
    assert last.amount_excl_tax == Decimal("11.00")
    run(django_capture_on_commit_callbacks, date(2027, 5, 10))
    assert not Invoice.objects.filter(contract=contract, period_index=4).exists()
    assert not CreditNote.objects.filter(contract=contract).exists()


def test_the_greffe_sending_is_recorded_once(
    client, contract, company, agent, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        contract_give_notice(contract=contract, actor=company)
    run(django_capture_on_commit_callbacks, date(2027, 7, 10))
    notice = GreffeNotice.objects.get(contract=contract)
    with time_machine.travel(at(date(2027, 7, 12))):
        client.force_login(agent)
        queue = client.get(reverse("domiciliation_provider:greffe")).content.decode()
        assert "Nouvelle Start" in queue
        assert "Lettre au greffe (PDF)" in queue
        assert "Destinataire&nbsp;: Greffe du tribunal des activités économiques de Paris" in queue
        prefix = notice.public_id.hex[:8]
        url = reverse("domiciliation_provider:greffe_notice_sent", args=[notice.public_id])
        data = {f"{prefix}-sent_on": "2027-07-20", f"{prefix}-channel": "letter"}
        future = client.post(url, data, follow=True)
        assert "dans le futur" in future.content.decode()
        client.post(
            url, {f"{prefix}-sent_on": "2027-07-11", f"{prefix}-channel": "registered_letter"}
        )
        again = client.post(url, {f"{prefix}-sent_on": "2027-07-12", f"{prefix}-channel": "email"},
                            follow=True)  # fmt: skip
    assert "déjà enregistré" in again.content.decode()
    notice.refresh_from_db()
    assert (notice.status, notice.sent_on, notice.channel, notice.sent_by) == (
        "sent",
        date(2027, 7, 11),
        "registered_letter",
        agent,
    )
    assert contract.events.filter(note__startswith="Avis au greffe").count() == 1
    with pytest.raises(ContractRefused):
        greffe_notice_record_sent(
            notice=notice, sent_on=date(2027, 7, 12), channel="email", actor=agent
        )
    pdf = client.get(reverse("domiciliation_provider:greffe_notice_pdf", args=[notice.public_id]))
    assert pdf.status_code == 200


def test_a_notice_for_a_running_contract_is_refused(contract):
    with pytest.raises(ContractRefused, match="est en cours"):
        greffe_notice_create(
            contract=contract, kind=GreffeNotice.Kind.CONTRACT_END, event_date=date(2027, 3, 1)
        )
    assert not GreffeNotice.objects.exists()


def test_the_greffe_is_the_one_of_the_seat(lyon):
    from domiciliation.greffes import greffe_of

    centre = lyon.centres.get()
    assert greffe_of(centre) == "Greffe du tribunal de commerce compétent pour Lyon (Rhône)"
    centre.department = type(centre.department).objects.get(code="67")
    centre.city = "Strasbourg"
    assert greffe_of(centre) == (
        "Greffe de la chambre commerciale du tribunal judiciaire compétent pour Strasbourg "
        "(Bas-Rhin)"
    )
