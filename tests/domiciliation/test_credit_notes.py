"""Credit notes (« avoirs »): « Rembourser » a first payment issues one; the domiciliataire
cancels a period with one (paid: refunded through Stripe with its amount and a key per
credit note; by transfer: « Remboursement effectué »); their own gapless numbers per
domiciliataire and year; never more than the invoice; the invoice itself untouched."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from domiciliation.models import CreditNote, Invoice, Payment
from domiciliation.services.billing import billing_run
from domiciliation.services.credit_notes import CreditNoteRefused, invoice_cancel
from domiciliation.services.invoice_payments import invoice_record_transfer
from domiciliation.services.payments import payment_refund
from domiciliation.services.requests import case_withdraw
from tests.domiciliation.factories import at, paid_case, signed_contract

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


@pytest.fixture
def billed(company, paris, admin, django_capture_on_commit_callbacks):
    """A monthly contract and its second invoice (36,00 € TTC), issued on 10 February."""
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        contract = signed_contract(company, [paris], admin, billing_months=1)
    with (
        time_machine.travel(at(date(2027, 2, 10)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        billing_run()
    mail.outbox.clear()
    return Invoice.objects.get(contract=contract, period_index=1)


def test_refunding_a_first_payment_issues_a_credit_note(
    company, paris, admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        case = paid_case(company, [paris], admin)
        with django_capture_on_commit_callbacks(execute=True):
            case = case_withdraw(case=case, actor=company)
            payment = payment_refund(payment=case.payments.get(), actor=admin)
    assert payment.status == Payment.Status.REFUNDED
    invoice = case.issued_invoice
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CANCELLED
    (credit_note,) = invoice.credit_notes.all()
    assert credit_note.number == "A2027-00001"
    assert credit_note.reason == CreditNote.Reason.REFUND
    assert credit_note.amount_incl_tax == invoice.amount_incl_tax == Decimal("168.00")
    assert credit_note.refunded_at is not None
    (message,) = [m for m in mail.outbox if m.subject.startswith("Avoir")]
    assert message.to == ["paul@start.example"]
    assert "168,00\u00a0€ TTC" in message.body
    with credit_note.pdf.open("rb") as file:
        text = PdfReader(BytesIO(file.read())).pages[0].extract_text().replace("\u00a0", " ")
    for expected in ["Avoir n° A2027-00001", f"facture n° {invoice.number}", "Remboursement",
                     "140,00", "28,00", "168,00", paris.approval_number]:  # fmt: skip
        assert expected in text, expected


def test_the_provider_cancels_an_unpaid_period(
    client, billed, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    url = reverse(
        "domiciliation_provider:contract_invoice_cancel", args=[billed.contract.public_id]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"invoice": billed.public_id, "note": "Geste commercial"})
    assert response.status_code == 302
    billed.refresh_from_db()
    assert billed.status == Invoice.Status.CANCELLED
    assert (billed.amount_incl_tax, billed.number) == (Decimal("36.00"), "F2027-00002")
    (credit_note,) = billed.credit_notes.all()
    assert (credit_note.refund_due, credit_note.note) == (False, "Geste commercial")
    assert credit_note.pdf
    # Cancelled twice: refused, with a message next to the form.
    response = client.post(url, {"invoice": billed.public_id, "note": "Encore"})
    assert response.status_code == 400
    assert CreditNote.objects.count() == 1


def test_an_agent_may_not_cancel_an_invoice(client, billed, agent):
    client.force_login(agent)
    url = reverse(
        "domiciliation_provider:contract_invoice_cancel", args=[billed.contract.public_id]
    )
    assert client.post(url, {"invoice": billed.public_id, "note": "x"}).status_code == 403
    billed.refresh_from_db()
    assert billed.status == Invoice.Status.ISSUED


def test_a_period_paid_by_card_is_refunded_through_stripe_with_its_amount(
    billed, admin, stripe_api, django_capture_on_commit_callbacks
):
    Payment.objects.create(
        case_id=billed.case_id, invoice=billed, method=Payment.Method.STRIPE,
        amount=billed.amount_incl_tax, status="succeeded", provider_payment_id="pi_paid",
    )  # fmt: skip
    Invoice.objects.filter(pk=billed.pk).update(status=Invoice.Status.PAID)
    with django_capture_on_commit_callbacks(execute=True):
        credit_note = invoice_cancel(invoice=billed, note="Double facturation", actor=admin)
    refund = next(r for r in stripe_api if r["path"] == "/v1/refunds")
    assert refund["form"]["payment_intent"] == ["pi_paid"]
    assert refund["form"]["amount"] == ["3600"]
    assert refund["headers"]["Idempotency-Key"] == f"refund-{credit_note.public_id}"
    credit_note.refresh_from_db()
    assert credit_note.refunded_at is not None


def test_a_period_paid_by_transfer_waits_for_the_providers_refund(
    client, billed, admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(date(2027, 2, 12)), tick=False):
        invoice_record_transfer(
            invoice=billed,
            amount=Decimal("36.00"),
            received_on=date(2027, 2, 11),
            reference="VIR",
            actor=admin,
        )
    with django_capture_on_commit_callbacks(execute=True):
        credit_note = invoice_cancel(invoice=billed, note="Erreur", actor=admin)
    credit_note.refresh_from_db()
    assert credit_note.awaits_refund
    client.force_login(admin)
    contract = billed.contract
    page = client.get(reverse("domiciliation_provider:contract_detail", args=[contract.public_id]))
    assert "Remboursement effectué" in page.content.decode()
    url = reverse("domiciliation_provider:credit_note_refunded",
                  args=[contract.public_id, credit_note.public_id])  # fmt: skip
    client.post(url)
    credit_note.refresh_from_db()
    assert not credit_note.awaits_refund
    assert "n’est pas à rembourser" in client.post(url, follow=True).content.decode()


def test_numbers_follow_each_other_per_provider_and_year(
    billed, admin, lyon, company, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(date(2027, 3, 10)), tick=False):
        first = invoice_cancel(invoice=billed, note="1", actor=admin)
        billing_run()
        second = invoice_cancel(
            invoice=Invoice.objects.get(contract=billed.contract, period_index=2),
            note="2",
            actor=admin,
        )
    assert (first.number, second.number) == ("A2027-00001", "A2027-00002")
    with time_machine.travel(at(date(2028, 1, 3)), tick=False):
        billing_run()
        third = invoice_cancel(
            invoice=Invoice.objects.filter(contract=billed.contract).latest("period_index"),
            note="3",
            actor=admin,
        )
    assert third.number == "A2028-00001"


def test_a_credit_note_never_exceeds_what_is_left_of_the_invoice(billed, admin):
    from domiciliation.pricing import charge
    from domiciliation.services.credit_notes import credit_note_issue

    credit_note_issue(invoice=billed, reason="contract_end",
                      credited=charge([("Partie", Decimal("20.00"))]), actor=admin)  # fmt: skip
    with pytest.raises(CreditNoteRefused, match="n’a plus que 12,00"):
        credit_note_issue(invoice=billed, reason="contract_end",
                          credited=charge([("Trop", Decimal("20.00"))]), actor=admin)  # fmt: skip


def test_another_tenants_credit_note_is_a_404(client, billed, admin, lyon):
    credit_note = invoice_cancel(invoice=billed, note="x", actor=admin)
    client.force_login(lyon.organization.memberships.get().user)
    url = reverse("domiciliation:credit_note", args=[credit_note.public_id])
    assert client.get(url).status_code == 404
    client.force_login(billed.contract.owner)
    assert client.get(url).status_code == 200
