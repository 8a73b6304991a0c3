"""The first payment: the amount and deadline, the simulated provider, Stripe Checkout
and its signed webhook, bank transfers, the invoice, reminders, expiry, reactivation."""

import json
import threading
import time
import uuid
from datetime import UTC, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import stripe
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from sequences import get_next_value

from common.formats import french_datetime
from domiciliation.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseStatus,
    Invoice,
    Payment,
    Signature,
)
from domiciliation.services.cases import CaseRefused
from domiciliation.services.deadlines import case_reactivate, payment_deadlines_run
from domiciliation.services.instruction import payment_deadline
from domiciliation.services.payments import (
    PaymentRefused,
    payment_confirm,
    payment_fail,
    payment_record_transfer,
    payment_refund,
    payment_start,
)
from domiciliation.services.requests import case_withdraw
from domiciliation.services.signatures import documents_catch_up
from notifications import sms
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import accepted_case, sent_file
from tests.domiciliation.stripe_api import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


@pytest.fixture
def case(company, paris, lyon, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case(company, [paris, lyon], admin)
    mail.outbox.clear()
    sms.outbox.clear()
    return case


def _pay(django_capture_on_commit_callbacks, case, company):
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
        return payment_confirm(payment=payment, amount=payment.amount, actor=company)


# The deadline


def test_the_deadline_is_the_end_of_the_seventh_day_in_paris_time():
    accepted = timezone.make_aware(timezone.datetime(2026, 11, 23, 2, 31), PARIS)
    local = timezone.localtime(payment_deadline(accepted))
    assert (local.day, local.month, local.hour, local.minute) == (30, 11, 23, 59)


def test_the_deadline_keeps_the_paris_calendar_across_the_end_of_summer_time():
    accepted = timezone.make_aware(timezone.datetime(2026, 10, 22, 10, 0), PARIS)
    deadline = payment_deadline(accepted)
    local = timezone.localtime(deadline)
    assert (local.day, local.month, local.hour, local.minute) == (29, 10, 23, 59)
    # The clocks went back on 25 October: one more hour of real time.
    assert deadline.astimezone(UTC) - accepted.astimezone(UTC) == timedelta(
        days=7, hours=14, minutes=59
    )


def test_the_deadline_keeps_the_paris_calendar_across_the_start_of_summer_time():
    accepted = timezone.make_aware(timezone.datetime(2027, 3, 25, 18, 30), PARIS)
    deadline = payment_deadline(accepted)
    local = timezone.localtime(deadline)
    assert (local.day, local.month, local.hour, local.minute) == (1, 4, 23, 59)
    # The clocks went forward on 28 March: one hour less of real time, still 7 days.
    assert deadline.astimezone(UTC) - accepted.astimezone(UTC) == timedelta(
        days=7, hours=4, minutes=29
    )


@pytest.mark.parametrize(
    "accepted",
    [
        (2026, 11, 23, 23, 59, 30),  # a few seconds before midnight
        (2026, 10, 24, 23, 59, 59),  # the night before the clocks go back
        (2027, 3, 27, 23, 59, 59),  # the night before the clocks go forward
    ],
)
def test_the_deadline_always_leaves_at_least_seven_days(accepted):
    accepted = timezone.make_aware(timezone.datetime(*accepted), PARIS)
    real_time = payment_deadline(accepted).astimezone(UTC) - accepted.astimezone(UTC)
    assert real_time >= timedelta(days=7)


def test_both_sides_see_the_deadline_in_paris_time(client, company, paris, admin):
    accepted_at = timezone.make_aware(timezone.datetime(2026, 10, 22, 23, 30), PARIS)
    with time_machine.travel(accepted_at, tick=False):
        case = accepted_case(company, [paris], admin)
        client.force_login(company)
        page = client.get(reverse("domiciliation:payment", args=[case.public_id]))
        client.force_login(admin)
        provider_page = client.get(
            reverse("domiciliation_provider:case_payment", args=[case.public_id])
        )
    # The end of 29 October in Paris, after the end of summer time.
    expected = "29 octobre 2026 à 23\u00a0h\u00a059"
    assert expected in page.content.decode()
    assert "168,00\u00a0€" in page.content.decode()
    assert expected in provider_page.content.decode()


# The simulated provider


def test_the_company_pays_with_the_simulated_provider(
    client, case, company, paris, django_capture_on_commit_callbacks
):
    client.force_login(company)
    page = client.get(reverse("domiciliation:payment", args=[case.public_id]))
    assert "Payer 168,00\u00a0€ par carte" in page.content.decode()
    response = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    payment = Payment.objects.get(case=case)
    assert response.url == reverse("domiciliation:payment_simulation", args=[payment.public_id])
    assert payment.amount == Decimal("168.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"outcome": "success"})
    assert response.status_code == 302
    case.refresh_from_db()
    payment.refresh_from_db()
    assert case.status == CaseStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    invoice = Invoice.objects.get(case=case)
    assert invoice.amount_incl_tax == Decimal("168.00")
    assert invoice.provider == paris
    # The company: one e-mail (invoice + signing link) and one SMS with the link.
    company_signature = Signature.objects.get(case=case, party=Signature.Party.COMPANY)
    sign_url = reverse("domiciliation:signature", args=[company_signature.public_id])
    to_company = [m for m in mail.outbox if m.to == ["paul@start.example"]]
    assert len(to_company) == 1
    assert "Paiement reçu" in to_company[0].subject
    assert invoice.number in to_company[0].body
    assert "168,00\u00a0€" in to_company[0].body
    assert f"http://testserver{sign_url}" in to_company[0].body
    assert [m["to"] for m in sms.outbox if sign_url in m["text"]] == ["+33612345678"]
    # The domiciliataire's admin, not its agent: e-mail and SMS with their own link.
    provider_signature = Signature.objects.get(case=case, party=Signature.Party.PROVIDER)
    provider_url = reverse("domiciliation:signature", args=[provider_signature.public_id])
    to_admin = [m for m in mail.outbox if provider_url in m.body]
    assert [m.to for m in to_admin] == [["admin@paris.example"]]
    assert not [m for m in mail.outbox if m.to == ["agent@paris.example"]]


def test_a_refused_card_leaves_the_case_waiting_and_can_be_retried(client, case, company):
    client.force_login(company)
    response = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    response = client.post(response.url, {"outcome": "failure"}, follow=True)
    assert "refusé par la banque" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert Payment.objects.get(case=case).status == Payment.Status.FAILED
    retry = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    assert Payment.objects.filter(case=case).count() == 2
    assert retry.url != response.redirect_chain[0][0]


def test_a_double_click_on_pay_makes_one_payment(client, case, company):
    client.force_login(company)
    first = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    second = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    assert first.url == second.url
    assert Payment.objects.filter(case=case).count() == 1


def test_confirming_the_same_payment_twice_changes_nothing_the_second_time(
    case, company, django_capture_on_commit_callbacks
):
    payment = _pay(django_capture_on_commit_callbacks, case, company)
    counts = (Invoice.objects.count(), CaseEvent.objects.count(), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True):
        again = payment_confirm(payment=payment, amount=payment.amount)
    assert again.status == Payment.Status.SUCCEEDED
    assert (Invoice.objects.count(), CaseEvent.objects.count(), len(mail.outbox)) == counts


def test_paying_a_case_not_waiting_for_payment_is_refused_and_recorded(
    client, case, company, django_capture_on_commit_callbacks
):
    _pay(django_capture_on_commit_callbacks, case, company)
    client.force_login(company)
    response = client.post(reverse("domiciliation:payment", args=[case.public_id]), follow=True)
    assert "aucun paiement n’est attendu" in response.content.decode()
    assert Payment.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, note__startswith="Paiement refusé").exists()


def test_paying_after_the_deadline_is_refused(client, case, company):
    with time_machine.travel(case.payment_due_at + timedelta(minutes=1)):
        client.force_login(company)
        response = client.post(reverse("domiciliation:payment", args=[case.public_id]), follow=True)
    assert "délai de paiement est dépassé" in response.content.decode()
    assert not Payment.objects.filter(case=case).exists()


def test_another_company_cannot_pay_or_simulate(client, case, company):
    client.force_login(company)
    start = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("domiciliation:payment", args=[case.public_id])).status_code == 404
    assert client.post(start.url, {"outcome": "success"}).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_the_simulated_page_does_not_exist_with_stripe(client, case, company, settings):
    client.force_login(company)
    start = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    settings.PAYMENT_PROVIDER = "stripe"
    assert client.post(start.url, {"outcome": "success"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


# Stripe Checkout, against a local stand-in of Stripe's API (no network)


def test_checkout_is_created_with_the_amount_in_cents_and_an_idempotency_key(
    client, case, company, stripe_api
):
    client.force_login(company)
    response = client.post(reverse("domiciliation:payment", args=[case.public_id]))
    assert response.url == "https://checkout.stripe.test/c/pay/cs_test_123"
    payment = Payment.objects.get(case=case)
    assert payment.method == Payment.Method.STRIPE
    assert payment.reference == "cs_test_123"
    (request,) = stripe_api
    assert request["headers"]["Idempotency-Key"] == f"checkout-{payment.public_id}"
    assert request["form"]["line_items[0][price_data][unit_amount]"] == ["16800"]
    assert request["form"]["line_items[0][price_data][currency]"] == ["eur"]
    assert request["form"]["client_reference_id"] == [str(payment.public_id)]
    # A second click resumes the same payment with the same key: Stripe answers with the
    # same session, never a second charge.
    client.post(reverse("domiciliation:payment", args=[case.public_id]))
    assert Payment.objects.filter(case=case).count() == 1
    assert stripe_api[1]["headers"]["Idempotency-Key"] == f"checkout-{payment.public_id}"


def _event(payment, *, amount=16800, event_id="evt_1", kind="checkout.session.completed"):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "data": {
                "object": {
                    "id": "cs_test_123",
                    "object": "checkout.session",
                    "client_reference_id": str(payment.public_id),
                    "payment_status": "paid",
                    "currency": "eur",
                    "amount_total": amount,
                    "payment_intent": "pi_test_1",
                }
            },
        }
    )


def _post_webhook(
    django_capture_on_commit_callbacks,
    client,
    payload,
    *,
    secret=WEBHOOK_SECRET,
    timestamp=None,
    header=None,
):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    header = header if header is not None else f"t={timestamp},v1={signature}"
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("domiciliation:stripe_webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )


@pytest.fixture
def stripe_payment(client, case, company, stripe_api):
    client.force_login(company)
    client.post(reverse("domiciliation:payment", args=[case.public_id]))
    client.logout()
    return Payment.objects.get(case=case)


def test_a_signed_webhook_confirms_the_payment(
    client, stripe_payment, django_capture_on_commit_callbacks
):
    payload = _event(stripe_payment)
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("domiciliation:stripe_webhook"),
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
    assert response.status_code == 200
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.SUCCEEDED
    assert stripe_payment.provider_payment_id == "pi_test_1"
    assert stripe_payment.case.__class__.objects.get(pk=stripe_payment.case_id).status == "paid"
    assert Invoice.objects.get(payment=stripe_payment).amount_incl_tax == Decimal("168.00")


@pytest.mark.parametrize(
    "tamper",
    ["unsigned", "wrong_secret", "tampered_body", "stale"],
)
def test_an_unsigned_tampered_or_stale_webhook_is_rejected(
    client, stripe_payment, tamper, django_capture_on_commit_callbacks
):
    payload = _event(stripe_payment)
    if tamper == "unsigned":
        response = _post_webhook(django_capture_on_commit_callbacks, client, payload, header="")
    elif tamper == "wrong_secret":
        response = _post_webhook(
            django_capture_on_commit_callbacks, client, payload, secret="whsec_other"
        )
    elif tamper == "tampered_body":
        header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
        response = _post_webhook(
            django_capture_on_commit_callbacks,
            client,
            payload.replace("16800", "100"),
            header=header,
        )
    else:
        response = _post_webhook(
            django_capture_on_commit_callbacks, client, payload, timestamp=int(time.time()) - 3600
        )
    assert response.status_code == 400
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.PENDING
    assert not Invoice.objects.exists()


def test_a_replayed_webhook_changes_nothing(
    client, stripe_payment, django_capture_on_commit_callbacks
):
    payload = _event(stripe_payment)
    assert _post_webhook(django_capture_on_commit_callbacks, client, payload).status_code == 200
    counts = (Invoice.objects.count(), CaseEvent.objects.count(), len(mail.outbox), len(sms.outbox))
    assert _post_webhook(django_capture_on_commit_callbacks, client, payload).status_code == 200
    assert (
        _post_webhook(
            django_capture_on_commit_callbacks, client, _event(stripe_payment, event_id="evt_2")
        ).status_code
        == 200
    )
    assert (
        Invoice.objects.count(),
        CaseEvent.objects.count(),
        len(mail.outbox),
        len(sms.outbox),
    ) == counts


def test_a_webhook_about_an_unknown_payment_is_ignored(
    client, stripe_payment, django_capture_on_commit_callbacks
):
    payload = _event(stripe_payment).replace(str(stripe_payment.public_id), str(uuid.uuid4()))
    assert _post_webhook(django_capture_on_commit_callbacks, client, payload).status_code == 200
    other_kind = _event(stripe_payment, kind="payment_intent.created")
    assert _post_webhook(django_capture_on_commit_callbacks, client, other_kind).status_code == 200
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.PENDING
    assert not Invoice.objects.exists()


def test_a_webhook_with_another_amount_pays_nothing_and_is_recorded(
    client, stripe_payment, django_capture_on_commit_callbacks
):
    assert (
        _post_webhook(
            django_capture_on_commit_callbacks, client, _event(stripe_payment, amount=100)
        ).status_code
        == 200
    )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.PENDING
    event = CaseEvent.objects.filter(case=stripe_payment.case, note__contains="1,00\u00a0€")
    assert event.exists()


def test_a_late_stripe_payment_is_refunded_through_stripe(
    client, stripe_payment, admin, stripe_api, django_capture_on_commit_callbacks
):
    _run_at(
        django_capture_on_commit_callbacks,
        stripe_payment.case.payment_due_at + timedelta(minutes=1),
    )
    assert (
        _post_webhook(
            django_capture_on_commit_callbacks, client, _event(stripe_payment)
        ).status_code
        == 200
    )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.RECEIVED_LATE
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(payment=stripe_payment, actor=admin)
    refund = stripe_api[-1]
    assert refund["path"] == "/v1/refunds"
    assert refund["form"]["payment_intent"] == ["pi_test_1"]
    assert refund["headers"]["Idempotency-Key"] == f"refund-{stripe_payment.public_id}"
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.REFUNDED
    assert any("remboursé" in m.body for m in mail.outbox if m.to == ["paul@start.example"])


# Bank transfers


def test_the_domiciliataire_records_a_transfer(
    client, case, agent, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    url = reverse("domiciliation_provider:case_transfer", args=[case.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"amount": "168,00", "received_on": "2026-11-23", "reference": "VIR 123"}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID
    payment = Payment.objects.get(case=case)
    assert (payment.method, payment.reference, payment.recorded_by) == (
        "transfer",
        "VIR 123",
        agent,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "100,00", "received_on": "2026-11-23", "reference": "V"}, "ne correspond pas"),
        ({"amount": "-5", "received_on": "2026-11-23", "reference": "V"}, "supérieure ou égale"),
        ({"amount": "168,00", "received_on": "2099-01-01", "reference": "V"}, "dans le futur"),
        ({"amount": "168,00", "received_on": "hier", "reference": "V"}, "date valide"),
        ({"amount": "168,00", "received_on": "2026-11-23", "reference": ""}, "obligatoire"),
    ],
)
def test_a_wrong_transfer_saves_nothing(client, case, agent, data, message):
    client.force_login(agent)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 23, 12))):
        response = client.post(
            reverse("domiciliation_provider:case_transfer", args=[case.public_id]), data
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert not Payment.objects.exists()
    assert not Invoice.objects.exists()


def test_another_domiciliataire_cannot_record_a_transfer(client, case, lyon):
    lyon_admin = lyon.organization.memberships.get().user
    client.force_login(lyon_admin)
    response = client.post(
        reverse("domiciliation_provider:case_transfer", args=[case.public_id]),
        {"amount": "168,00", "received_on": "2026-11-23", "reference": "V"},
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()


# The invoice


def test_the_invoice_pdf_carries_the_legal_mentions_and_the_amounts(
    client, case, company, paris, django_capture_on_commit_callbacks
):
    _pay(django_capture_on_commit_callbacks, case, company)
    invoice = Invoice.objects.get(case=case)
    client.force_login(company)
    response = client.get(reverse("domiciliation:invoice", args=[invoice.public_id]))
    assert response.status_code == 200
    text = " ".join(
        page.extract_text()
        for page in PdfReader(BytesIO(b"".join(response.streaming_content))).pages
    )
    for expected in [
        f"Facture n° {invoice.number}",
        paris.legal_name,
        f"SIREN {paris.siren}",
        paris.approval_number,
        "Nouvelle Start",
        "En cours d’immatriculation",
        "Paul Martin",
        "90,00",  # 3 months at 30 €
        "50,00",  # set-up fee
        "140,00",
        "28,00",
        "168,00",
        "Facture acquittée",
    ]:
        assert expected in text, expected


def test_invoices_are_numbered_per_domiciliataire_and_year(
    company, paris, lyon, admin, django_capture_on_commit_callbacks
):
    first = _pay(
        django_capture_on_commit_callbacks,
        accepted_case_for(django_capture_on_commit_callbacks, company, paris, lyon, admin),
        company,
    ).invoice
    lyon_admin = lyon.organization.memberships.get().user
    with django_capture_on_commit_callbacks(execute=True):
        lyon_case = accepted_case(UserFactory(email="b@b.example"), [lyon], lyon_admin)
    lyon_invoice = _pay(
        django_capture_on_commit_callbacks, lyon_case, lyon_case.client_file.owner
    ).invoice
    year = timezone.localdate().year
    assert first.number == f"F{year}-00001"
    assert lyon_invoice.number == f"F{year}-00001"
    second_case = accepted_case(UserFactory(email="c@c.example"), [paris], admin)
    assert (
        _pay(
            django_capture_on_commit_callbacks, second_case, second_case.client_file.owner
        ).invoice.number
        == f"F{year}-00002"
    )


def accepted_case_for(django_capture_on_commit_callbacks, company, paris, lyon, admin):
    with django_capture_on_commit_callbacks(execute=True):
        return accepted_case(company, [paris, lyon], admin)


def test_only_the_parties_download_the_invoice(
    client, case, company, agent, lyon, django_capture_on_commit_callbacks
):
    _pay(django_capture_on_commit_callbacks, case, company)
    url = reverse("domiciliation:invoice", args=[Invoice.objects.get().public_id])
    client.force_login(agent)
    assert client.get(url).status_code == 200
    client.force_login(lyon.organization.memberships.get().user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


# Reminders and expiry


def _run_at(django_capture_on_commit_callbacks, moment, times=1):
    with time_machine.travel(moment, tick=False):
        for _ in range(times):
            with django_capture_on_commit_callbacks(execute=True):
                payment_deadlines_run()


def test_reminders_are_sent_once_each_and_the_case_expires_once(
    case, django_capture_on_commit_callbacks
):
    due = case.payment_due_at
    _run_at(django_capture_on_commit_callbacks, due - timedelta(days=5), times=3)
    assert not mail.outbox
    _run_at(
        django_capture_on_commit_callbacks, due - timedelta(days=3) + timedelta(minutes=10), times=3
    )
    reminders = [m for m in mail.outbox if "Rappel" in m.subject]
    assert len(reminders) == 1
    assert "168,00\u00a0€" in reminders[0].body
    assert len([s for s in sms.outbox if "Rappel" in s["text"]]) == 1
    _run_at(django_capture_on_commit_callbacks, due - timedelta(hours=20), times=3)
    assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 2
    assert len([s for s in sms.outbox if "Rappel" in s["text"]]) == 2
    _run_at(django_capture_on_commit_callbacks, due + timedelta(minutes=5), times=3)
    case.refresh_from_db()
    assert case.status == CaseStatus.EXPIRED
    assert CaseEvent.objects.filter(case=case, to_status=CaseStatus.EXPIRED).count() == 1
    expired = [m for m in mail.outbox if "expiré" in m.subject]
    assert sorted(m.to[0] for m in expired) == [
        "admin@paris.example",
        "agent@paris.example",
        "paul@start.example",
    ]


def test_a_case_found_one_day_before_gets_only_the_last_reminder(
    case, django_capture_on_commit_callbacks
):
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at - timedelta(hours=5))
    assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1
    case.refresh_from_db()
    assert case.payment_reminders_sent == 2


def test_the_job_works_through_more_cases_than_one_batch(
    company, paris, admin, monkeypatch, django_capture_on_commit_callbacks
):
    from domiciliation.services import deadlines

    monkeypatch.setattr(deadlines, "BATCH_SIZE", 2)
    cases = [accepted_case(UserFactory(email=f"c{i}@x.example"), [paris], admin) for i in range(5)]
    _run_at(django_capture_on_commit_callbacks, cases[-1].payment_due_at + timedelta(minutes=1))
    assert Case.objects.filter(status=CaseStatus.EXPIRED).count() == 5


def test_a_payment_after_expiry_is_kept_for_the_domiciliataire(
    case, company, admin, django_capture_on_commit_callbacks
):
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        payment_confirm(payment=payment, amount=payment.amount)
    payment.refresh_from_db()
    case.refresh_from_db()
    assert payment.status == Payment.Status.RECEIVED_LATE
    assert case.status == CaseStatus.EXPIRED
    assert not Invoice.objects.exists()
    assert any("hors délai" in m.subject for m in mail.outbox if m.to == ["admin@paris.example"])


# Reactivation


def test_reactivation_gives_seven_new_days_and_restarts_the_reminders(
    client, case, admin, django_capture_on_commit_callbacks
):
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at - timedelta(hours=2))
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at + timedelta(minutes=1))
    mail.outbox.clear()
    later = case.payment_due_at + timedelta(days=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.force_login(admin)
        page = client.get(reverse("domiciliation_provider:case_payment", args=[case.public_id]))
        assert "Réactiver le dossier" in page.content.decode()
        # The new deadline, as a date and a time, not a number of days.
        assert "Réactivé maintenant, le client aura jusqu’au " in page.content.decode()
        response = client.post(
            reverse("domiciliation_provider:case_reactivate", args=[case.public_id]), follow=True
        )
    case.refresh_from_db()
    assert (
        f"le client a jusqu’au {french_datetime(case.payment_due_at)} pour payer."
        in response.content.decode()
    )
    assert case.status == CaseStatus.ACCEPTED
    assert case.payment_due_at == payment_deadline(later)
    assert case.payment_reminders_sent == 0
    (notice,) = [m for m in mail.outbox if m.to == ["paul@start.example"]]
    assert "réactivé" in notice.subject
    mail.outbox.clear()
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at - timedelta(days=2))
    assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1


def test_reactivation_keeps_a_late_payment_and_pays_the_case(
    case, company, admin, django_capture_on_commit_callbacks
):
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        payment_confirm(payment=payment, amount=payment.amount)
        case_reactivate(case=case, actor=admin)
    case.refresh_from_db()
    payment.refresh_from_db()
    assert case.status == CaseStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    assert Invoice.objects.get(case=case).payments.get() == payment


def test_only_an_expired_case_can_be_reactivated(case, admin):
    with pytest.raises(CaseRefused):
        case_reactivate(case=case, actor=admin)


def test_a_transfer_on_an_expired_case_waits_for_the_domiciliataire(
    case, admin, django_capture_on_commit_callbacks
):
    _run_at(django_capture_on_commit_callbacks, case.payment_due_at + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_record_transfer(
            case=case,
            amount=Decimal("168.00"),
            received_on=timezone.localdate(),
            reference="VIR",
            actor=admin,
        )
    assert payment.status == Payment.Status.RECEIVED_LATE


# Races


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_expiry_and_payment_racing_end_in_one_consistent_state(
    migrated_data, company, paris, admin
):
    case = accepted_case(company, [paris], admin)
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    barrier = threading.Barrier(2)

    def run(action):
        barrier.wait()
        try:
            action()
        finally:
            connection.close()

    with time_machine.travel(case.payment_due_at + timedelta(seconds=1), tick=False):
        threads = [
            threading.Thread(target=run, args=(payment_deadlines_run,)),
            threading.Thread(
                target=run,
                args=(lambda: payment_confirm(payment=payment, amount=payment.amount),),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    case.refresh_from_db()
    payment.refresh_from_db()
    assert (case.status, payment.status) in {
        (CaseStatus.PAID, Payment.Status.SUCCEEDED),
        (CaseStatus.EXPIRED, Payment.Status.RECEIVED_LATE),
    }
    assert Invoice.objects.filter(case=case).count() == (1 if case.status == "paid" else 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_payments_get_consecutive_invoice_numbers(migrated_data, paris, admin):
    cases = [accepted_case(UserFactory(email=f"p{i}@x.example"), [paris], admin) for i in range(2)]
    payments = [
        payment_start(case=case, method=Payment.Method.SIMULATED, actor=case.client_file.owner)
        for case in cases
    ]
    barrier = threading.Barrier(2)

    def pay(payment):
        barrier.wait()
        try:
            payment_confirm(payment=payment, amount=payment.amount)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(payment,)) for payment in payments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    year = timezone.localdate().year
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"F{year}-00001", f"F{year}-00002"]
    assert get_next_value(f"domiciliation-invoice-{paris.pk}-{year}") == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_five_times_at_once_pays_once(
    migrated_data, company, paris, admin, stripe_api
):
    case = accepted_case(company, [paris], admin)
    payment = payment_start(case=case, method=Payment.Method.STRIPE, actor=company)
    Payment.objects.filter(pk=payment.pk).update(reference="cs_test_123")
    payload = _event(payment)
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    barrier = threading.Barrier(5)
    statuses = []

    def deliver():
        barrier.wait()
        try:
            response = Client().post(
                reverse("domiciliation:stripe_webhook"),
                payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 5
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert Invoice.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, to_status=CaseStatus.PAID).count() == 1


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_payment_pages_run_a_constant_number_of_queries(
    client, case, company, admin, django_capture_on_commit_callbacks
):
    _pay(django_capture_on_commit_callbacks, case, company)
    pages = [
        (company, reverse("domiciliation:payment", args=[case.public_id])),
        (company, reverse("domiciliation:dashboard")),
        (admin, reverse("domiciliation_provider:case_payment", args=[case.public_id])),
    ]
    before = [_queries(client, user, url) for user, url in pages]
    # More of everything: files, cases, payments (one failed), events.
    with django_capture_on_commit_callbacks(execute=True):
        other = accepted_case(company, [case.provider], admin)
        failed = payment_start(case=other, method=Payment.Method.SIMULATED, actor=company)
    payment_fail(payment=failed, reason="test", actor=company)
    _pay(django_capture_on_commit_callbacks, other, company)
    assert [_queries(client, user, url) for user, url in pages] == before


def test_the_payment_page_of_a_case_not_accepted_says_so(client, company, paris):
    case = sent_file(company, [paris]).cases.get()
    client.force_login(company)
    response = client.get(reverse("domiciliation:payment", args=[case.public_id]))
    assert "aucun paiement n’est attendu" in response.content.decode()
    assert "«INVALID" not in response.content.decode()
    assert "a accepté" not in response.content.decode()


def test_a_second_payment_on_a_paid_case_is_kept_for_a_refund(
    client, case, company, admin, django_capture_on_commit_callbacks
):
    pending = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    first = payment_start(case=case, method=Payment.Method.TRANSFER, actor=company)
    with django_capture_on_commit_callbacks(execute=True):
        payment_confirm(payment=first, amount=first.amount)
        payment_confirm(payment=pending, amount=pending.amount)
    pending.refresh_from_db()
    assert pending.status == Payment.Status.RECEIVED_LATE
    assert Invoice.objects.filter(case=case).count() == 1
    notice = [m for m in mail.outbox if "hors délai" in m.subject]
    assert notice
    assert "Réactivez" not in notice[0].body
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "domiciliation_provider:payment_refund", args=[case.public_id, pending.public_id]
            )
        )
    pending.refresh_from_db()
    assert pending.status == Payment.Status.REFUNDED


def test_a_paid_then_withdrawn_request_can_be_refunded_by_an_admin(
    client, case, company, admin, agent, django_capture_on_commit_callbacks
):
    payment = _pay(django_capture_on_commit_callbacks, case, company)
    with django_capture_on_commit_callbacks(execute=True):
        case_withdraw(case=case, actor=company)
    url = reverse("domiciliation_provider:payment_refund", args=[case.public_id, payment.public_id])
    client.force_login(agent)
    assert client.post(url).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("domiciliation_provider:case_payment", args=[case.public_id]))
    assert "Rembourser" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    refunded = [
        m for m in mail.outbox if m.to == ["paul@start.example"] and "rembours" in m.subject
    ]
    assert "Retiré par le client" in refunded[0].body


def test_a_payment_the_case_needs_cannot_be_refunded(
    case, company, admin, django_capture_on_commit_callbacks
):
    payment = _pay(django_capture_on_commit_callbacks, case, company)
    with pytest.raises(PaymentRefused):
        payment_refund(payment=payment, actor=admin)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_the_catch_up_job_makes_the_documents_a_lost_task_did_not(case, company):
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    # Confirmed without running what is queued on commit: as if the broker were down.
    payment_confirm(payment=payment, amount=payment.amount)
    invoice = Invoice.objects.get(case=case)
    assert not invoice.pdf
    assert not CaseDocument.objects.filter(case=case).exists()
    assert documents_catch_up() == 0  # not late yet
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert documents_catch_up() == 2
        assert documents_catch_up() == 0
    invoice.refresh_from_db()
    assert invoice.pdf
    assert CaseDocument.objects.filter(case=case, kind=CaseDocument.Kind.CONTRACT).exists()
