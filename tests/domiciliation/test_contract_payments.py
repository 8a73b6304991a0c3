"""Paying a running contract's invoices: a card or SEPA mandate saved once (the simulated
provider, Stripe Checkout in setup mode), each invoice charged off-session with an
idempotency key, Stripe's signed webhook confirming or failing it (with its reason),
« Payer » by the company, transfers recorded by the domiciliataire; replayed, stale,
forged or unexpected answers refused or recorded, never a 500, never paid twice."""

import time
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from domiciliation.models import (
    Contract,
    ContractStatus,
    Invoice,
    Payment,
    SavedPaymentMethod,
)
from domiciliation.services.billing import billing_run
from domiciliation.services.credit_notes import invoice_cancel
from domiciliation.services.invoice_payments import (
    invoice_charge,
    invoice_payment_start,
    payment_method_save,
)
from domiciliation.services.payments import PaymentRefused
from notifications import sms
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import signed_contract
from tests.domiciliation.stripe_api import FakeStripe, event, post_webhook

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()
SIGNED = datetime(2027, 1, 10, 10, tzinfo=PARIS)
SECOND_MONTH = datetime(2027, 2, 10, 6, tzinfo=PARIS)


@pytest.fixture
def contract(company, paris, admin):
    with time_machine.travel(SIGNED, tick=False):
        return signed_contract(company, [paris], admin, billing_months=1)


def _bill(capture, execute=True):
    with time_machine.travel(SECOND_MONTH, tick=False), capture(execute=execute):
        billing_run()
    return Invoice.objects.get(kind=Invoice.Kind.PERIOD)


def _save_simulated(contract, method_id="sim_card", label="Visa •••• 4242 (simulation)"):
    return payment_method_save(
        contract=contract,
        gateway=Payment.Method.SIMULATED,
        kind=SavedPaymentMethod.Kind.CARD,
        label=label,
        method_id=method_id,
    )


# The simulated provider (embedded default, demo)


def test_the_company_saves_a_simulated_card_and_the_next_invoice_is_charged(
    client, contract, company, django_capture_on_commit_callbacks
):
    client.force_login(company)
    response = client.post(reverse("domiciliation:payment_method_setup", args=[contract.public_id]))
    assert response.url == reverse(
        "domiciliation:payment_method_simulation", args=[contract.public_id]
    )
    page = client.get(response.url)
    assert "Enregistrer un moyen de paiement" in page.content.decode()
    client.post(response.url, {"method": "card"})
    saved = SavedPaymentMethod.objects.get(contract=contract)
    assert (saved.is_active, saved.label) == (True, "Visa •••• 4242 (simulation)")
    mail.outbox.clear()
    invoice = _bill(django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    payment = invoice.payments.get()
    assert (payment.status, payment.saved_method) == (Payment.Status.SUCCEEDED, saved)
    assert payment.idempotency_key == f"invoice-{invoice.public_id}-1"
    to_company = {m.subject for m in mail.outbox if m.to == ["paul@start.example"]}
    assert to_company == {
        f"Votre facture {invoice.number} – {contract.provider}",
        f"Paiement reçu\u00a0: facture {invoice.number}",
    }
    issued = next(m for m in mail.outbox if m.subject.startswith("Votre facture"))
    assert "prélevée sur votre moyen de paiement enregistré" in issued.body
    # Charged again (the task run twice, the catch-up job): nothing more.
    assert invoice_charge(invoice_id=invoice.pk) is None
    assert invoice.payments.count() == 1


def test_a_new_method_replaces_the_previous_one(contract):
    first = _save_simulated(contract)
    second = _save_simulated(contract, "sim_sepa", "Prélèvement SEPA •••• 3000 (simulation)")
    first.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)


def test_a_declined_off_session_charge_is_recorded_and_the_company_told(
    contract, django_capture_on_commit_callbacks
):
    from domiciliation.gateways import SIMULATED_DECLINED

    _save_simulated(contract, SIMULATED_DECLINED, "Visa •••• 0002 (simulation, refusée)")
    mail.outbox.clear()
    sms.outbox.clear()
    invoice = _bill(django_capture_on_commit_callbacks)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    payment = invoice.payments.get()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_reason == "carte refusée par la banque (simulation)"
    (message,) = [m for m in mail.outbox if m.subject.startswith("Paiement refusé")]
    assert "carte refusée par la banque (simulation)" in message.body
    assert [s["to"] for s in sms.outbox if "refusé" in s["text"]] == ["+33612345678"]
    assert contract.events.filter(note__contains="refusé").exists()


def test_the_company_pays_an_unpaid_invoice_with_the_simulated_page(
    client, contract, company, django_capture_on_commit_callbacks
):
    invoice = _bill(django_capture_on_commit_callbacks)
    client.force_login(company)
    url = reverse("domiciliation:invoice_pay", args=[contract.public_id, invoice.public_id])
    response = client.post(url, {"with": "card"})
    payment = Payment.objects.get(invoice=invoice)
    assert response.url == reverse("domiciliation:payment_simulation", args=[payment.public_id])
    assert f"Facture {invoice.number}" in client.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"outcome": "success"}, follow=True)
    assert f"facture {invoice.number} réglée" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    # Paying it again is refused with a message, nothing more is created.
    response = client.post(url, {"with": "card"}, follow=True)
    assert "aucun paiement n’est attendu" in response.content.decode()
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_another_company_cannot_pay_nor_see_the_invoice(
    client, contract, django_capture_on_commit_callbacks
):
    invoice = _bill(django_capture_on_commit_callbacks)
    client.force_login(UserFactory())
    url = reverse("domiciliation:invoice_pay", args=[contract.public_id, invoice.public_id])
    assert client.post(url, {"with": "card"}).status_code == 404
    assert client.get(reverse("domiciliation:invoice", args=[invoice.public_id])).status_code == 404
    assert not Payment.objects.filter(invoice=invoice).exists()


# Transfers recorded by the domiciliataire


@pytest.mark.parametrize(
    ("amount", "received_on", "message"),
    [
        ("10,00", "2027-02-11", "ne correspond pas à la facture"),
        ("36,00", "2099-01-01", "dans le futur"),
        ("-1", "2027-02-11", "supérieur à 0\u00a0€"),
    ],
)
def test_a_wrong_transfer_saves_nothing(
    client, contract, agent, amount, received_on, message, django_capture_on_commit_callbacks
):
    invoice = _bill(django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2027, 2, 12, 12, tzinfo=PARIS)):
        client.force_login(agent)
        response = client.post(
            reverse("domiciliation_provider:contract_transfer", args=[contract.public_id]),
            {"invoice": invoice.public_id, "amount": amount, "received_on": received_on,
             "reference": "VIR 1"},
        )  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert not Payment.objects.filter(invoice=invoice, status="succeeded").exists()


def test_an_agent_records_a_transfer(client, contract, agent, django_capture_on_commit_callbacks):
    invoice = _bill(django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2027, 2, 12, 12, tzinfo=PARIS)):
        client.force_login(agent)
        response = client.post(
            reverse("domiciliation_provider:contract_transfer", args=[contract.public_id]),
            {"invoice": invoice.public_id, "amount": "36,00", "received_on": "2027-02-11",
             "reference": "VIR 1"},
        )  # fmt: skip
    assert response.status_code == 302
    invoice.refresh_from_db()
    payment = invoice.payments.get()
    assert (invoice.status, payment.method, payment.recorded_by) == ("paid", "transfer", agent)


# Stripe, against the local stand-in of its API


def _setup_completed(contract, *, session_id="cs_setup_1", customer="cus_test_1"):
    return event(
        "checkout.session.completed",
        {
            "id": session_id,
            "object": "checkout.session",
            "mode": "setup",
            "client_reference_id": str(contract.public_id),
            "customer": customer,
            "setup_intent": "seti_1",
        },
    )


def test_the_company_saves_a_card_with_checkout_in_setup_mode(
    client, contract, company, stripe_api
):
    client.force_login(company)
    response = client.post(reverse("domiciliation:payment_method_setup", args=[contract.public_id]))
    assert response.url == "https://checkout.stripe.test/c/setup/cs_setup_1"
    customer, session = [r for r in stripe_api if r["method"] == "POST"]
    assert customer["path"] == "/v1/customers"
    assert customer["headers"]["Idempotency-Key"] == f"customer-{contract.public_id}"
    assert session["form"]["mode"] == ["setup"]
    assert session["form"]["customer"] == ["cus_test_1"]
    assert session["form"]["payment_method_types[0]"] == ["card"]
    assert session["form"]["payment_method_types[1]"] == ["sepa_debit"]
    assert session["form"]["client_reference_id"] == [str(contract.public_id)]
    client.logout()
    payload = _setup_completed(contract)
    assert post_webhook(client, payload).status_code == 200
    saved = SavedPaymentMethod.objects.get(contract=contract)
    assert (saved.gateway, saved.kind, saved.label, saved.method_id) == (
        "stripe",
        "card",
        "Visa •••• 4242",
        "pm_card_1",
    )
    # Replayed: the same method, once.
    assert post_webhook(client, payload).status_code == 200
    assert SavedPaymentMethod.objects.filter(contract=contract).count() == 1


def test_a_setup_for_another_customer_saves_nothing(client, contract, stripe_api):
    Contract.objects.filter(pk=contract.pk).update(stripe_customer="cus_test_1")
    assert post_webhook(client, _setup_completed(contract, customer="cus_other")).status_code == 200
    assert not SavedPaymentMethod.objects.exists()


@pytest.fixture
def stripe_contract(contract, stripe_api):
    Contract.objects.filter(pk=contract.pk).update(stripe_customer="cus_test_1")
    payment_method_save(
        contract=contract,
        gateway=Payment.Method.STRIPE,
        kind=SavedPaymentMethod.Kind.CARD,
        label="Visa •••• 4242",
        method_id="pm_card_1",
        setup_reference="cs_setup_1",
    )
    return contract


def _intents(requests):
    return [r for r in requests if r["path"] == "/v1/payment_intents"]


def test_each_invoice_is_charged_off_session_with_an_idempotency_key(
    stripe_contract, stripe_api, django_capture_on_commit_callbacks
):
    invoice = _bill(django_capture_on_commit_callbacks)
    (request,) = _intents(stripe_api)
    form = request["form"]
    assert request["headers"]["Idempotency-Key"] == f"invoice-{invoice.public_id}-1"
    assert form["amount"] == ["3600"]
    assert form["currency"] == ["eur"]
    assert form["customer"] == ["cus_test_1"]
    assert form["payment_method"] == ["pm_card_1"]
    assert (form["off_session"], form["confirm"]) == (["true"], ["true"])
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.payments.get().provider_payment_id == "pi_off_1"


def test_a_charge_whose_answer_was_lost_is_sent_again_with_the_same_key(
    stripe_contract, stripe_api, django_capture_on_commit_callbacks
):
    from domiciliation.services.invoice_payments import _charge_attempt

    invoice = _bill(django_capture_on_commit_callbacks, execute=False)
    attempt = _charge_attempt(invoice.pk)  # the worker died before calling Stripe
    invoice_charge(invoice_id=invoice.pk)
    invoice_charge(invoice_id=invoice.pk)
    keys = {r["headers"]["Idempotency-Key"] for r in _intents(stripe_api)}
    assert keys == {attempt.idempotency_key}
    assert FakeStripe.charges == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_declined_card_is_recorded_with_stripes_reason(
    stripe_contract, stripe_api, django_capture_on_commit_callbacks
):
    FakeStripe.intent_outcome = "declined"
    invoice = _bill(django_capture_on_commit_callbacks)
    payment = invoice.payments.get()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_reason == "Your card has insufficient funds. (insufficient_funds)"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def _intent_event(payment, kind, *, amount=3600, intent_id="pi_off_1", **extra):
    return event(
        kind,
        {
            "id": intent_id,
            "object": "payment_intent",
            "amount_received": amount if kind.endswith("succeeded") else 0,
            "currency": "eur",
            "metadata": {"payment": str(payment.public_id)},
            **extra,
        },
    )


def test_a_sepa_debit_is_confirmed_by_the_webhook_days_later(
    client, stripe_contract, stripe_api, django_capture_on_commit_callbacks
):
    FakeStripe.intent_outcome = "processing"
    invoice = _bill(django_capture_on_commit_callbacks)
    payment = invoice.payments.get()
    assert (payment.status, payment.provider_payment_id) == ("pending", "pi_off_1")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    payload = _intent_event(payment, "payment_intent.succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, payload).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    # Replayed, and a late failure of the same intent: nothing changes.
    events = contract_events(stripe_contract)
    assert post_webhook(client, payload).status_code == 200
    failed = _intent_event(payment, "payment_intent.payment_failed", event_id="evt_2")
    assert post_webhook(client, failed).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert contract_events(stripe_contract) == events


def contract_events(contract) -> int:
    return contract.events.count()


def test_a_sepa_debit_returned_is_recorded_with_its_reason(
    client, stripe_contract, stripe_api, django_capture_on_commit_callbacks
):
    FakeStripe.intent_outcome = "processing"
    invoice = _bill(django_capture_on_commit_callbacks)
    payment = invoice.payments.get()
    mail.outbox.clear()
    payload = _intent_event(
        payment,
        "payment_intent.payment_failed",
        last_payment_error={"code": "insufficient_funds", "message": "Provision insuffisante."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, payload).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_reason == "Provision insuffisante. (insufficient_funds)"
    (message,) = [m for m in mail.outbox if m.subject.startswith("Paiement refusé")]
    assert "Provision insuffisante." in message.body


def test_a_forged_amount_pays_nothing_and_is_recorded(
    client, stripe_contract, stripe_api, django_capture_on_commit_callbacks
):
    FakeStripe.intent_outcome = "processing"
    invoice = _bill(django_capture_on_commit_callbacks)
    payment = invoice.payments.get()
    payload = _intent_event(payment, "payment_intent.succeeded", amount=100)
    assert post_webhook(client, payload).status_code == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.status) == ("pending", "issued")
    assert stripe_contract.events.filter(note__contains="1,00\u00a0€").exists()


@pytest.mark.parametrize("tamper", ["unsigned", "wrong_secret", "stale"])
def test_an_unsigned_or_stale_webhook_changes_nothing(
    client, stripe_contract, stripe_api, tamper, django_capture_on_commit_callbacks
):
    FakeStripe.intent_outcome = "processing"
    invoice = _bill(django_capture_on_commit_callbacks)
    payload = _intent_event(invoice.payments.get(), "payment_intent.succeeded")
    if tamper == "unsigned":
        response = post_webhook(client, payload, header="")
    elif tamper == "wrong_secret":
        response = post_webhook(client, payload, secret="whsec_other")
    else:
        response = post_webhook(client, payload, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_money_for_a_cancelled_invoice_is_kept_for_a_refund(
    client, stripe_contract, admin, stripe_api, django_capture_on_commit_callbacks
):
    FakeStripe.intent_outcome = "processing"
    invoice = _bill(django_capture_on_commit_callbacks)
    payment = invoice.payments.get()
    with django_capture_on_commit_callbacks(execute=True):
        invoice_cancel(invoice=invoice, note="Geste commercial", actor=admin)
        response = post_webhook(client, _intent_event(payment, "payment_intent.succeeded"))
    assert response.status_code == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.status, invoice.status) == ("received_late", "cancelled")
    assert any("à rembourser" in m.subject for m in mail.outbox if m.to == ["admin@paris.example"])


def test_a_payment_for_an_ended_contract_is_refused(
    contract, company, django_capture_on_commit_callbacks
):
    invoice = _bill(django_capture_on_commit_callbacks)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ENDED)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.CANCELLED)
    with pytest.raises(PaymentRefused, match="aucun paiement n’est attendu"):
        invoice_payment_start(invoice=invoice, method=Payment.Method.SIMULATED, actor=company)
    # The saved method is never charged once the contract ended.
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.ISSUED)
    _save_simulated_after_end = SavedPaymentMethod.objects.create(
        contract=contract, gateway="simulated", kind="card", label="x", method_id="sim_card"
    )
    assert _save_simulated_after_end.pk
    assert invoice_charge(invoice_id=invoice.pk) is None
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_the_invoice_pdf_of_a_paid_period_says_it_is_paid(
    client, contract, company, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from pypdf import PdfReader

    _save_simulated(contract)
    invoice = _bill(django_capture_on_commit_callbacks)
    Invoice.objects.filter(pk=invoice.pk).update(pdf="")  # rendered again, now paid
    client.force_login(company)
    response = client.get(reverse("domiciliation:invoice", args=[invoice.public_id]))
    text = PdfReader(BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Facture acquittée" in text
    assert "Visa •••• 4242 (simulation)".lower() in text.lower()
    assert Decimal("36.00") == invoice.amount_incl_tax
    assert date(2027, 2, 18) == invoice.due_date


def test_the_catch_up_job_does_what_lost_tasks_did_not(
    contract, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from domiciliation.services.contract_jobs import contracts_catch_up

    with time_machine.travel(SECOND_MONTH - timedelta(days=1), tick=False):
        _save_simulated(contract)
    # Billed, but nothing queued on commit ran: the broker was down.
    invoice = _bill(django_capture_on_commit_callbacks, execute=False)
    assert not invoice.pdf
    with time_machine.travel(SECOND_MONTH + timedelta(minutes=5), tick=False):
        assert contracts_catch_up() == 0  # not late yet
    with time_machine.travel(SECOND_MONTH + timedelta(minutes=11), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert contracts_catch_up() == 2
        assert contracts_catch_up() == 0
    invoice.refresh_from_db()
    assert invoice.pdf
    assert invoice.status == Invoice.Status.PAID
    assert [m.subject for m in mail.outbox if m.subject.startswith("Votre facture")] == [
        f"Votre facture {invoice.number} – {contract.provider}"
    ]


def test_a_method_saved_after_an_invoice_does_not_charge_it_behind_the_companys_back(
    contract, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from domiciliation.services.contract_jobs import contracts_catch_up

    invoice = _bill(django_capture_on_commit_callbacks)
    with time_machine.travel(SECOND_MONTH + timedelta(hours=1), tick=False):
        _save_simulated(contract)
    with time_machine.travel(SECOND_MONTH + timedelta(hours=2), tick=False):
        contracts_catch_up()
    assert not invoice.payments.exists()
