"""The first payment: started online by the company, or recorded by the domiciliataire
for a bank transfer, and confirmed by one service whoever reports it (a payment of a
contract's invoice goes on to services.invoice_payments). On success the case is paid,
the domiciliataire's invoice is issued and both parties are sent the contract to sign by
e-mail and SMS. A refund of an invoiced payment issues a credit note."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from sequences import get_next_value

from accounts.models import Membership, User
from common.money import format_euros
from common.queue import enqueue_on_commit

from ..models import Case, CaseStatus, Invoice, Payment, Signature
from .cases import (
    NBSP,
    CaseRefused,
    case_lock,
    case_log,
    case_move,
    notify_company,
    notify_provider,
)

# A pending online payment is resumed (same Stripe session) for this long; after, a new
# one starts (a Checkout Session lives 24 hours).
RESUME_PENDING_FOR = timedelta(hours=12)


class PaymentRefused(CaseRefused):
    """A payment the case's state or the amount does not allow; nothing changed."""


def payment_amount(case: Case) -> Decimal:
    """What the company pays first, VAT included: the one figure the page, the Stripe
    session, the invoice and the e-mails show."""
    return case.first_payment.incl_tax


def _not_expected(case: Case) -> PaymentRefused:
    return PaymentRefused(
        f"Ce dossier est «{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: aucun paiement "
        "n’est attendu."
    )


def _refuse_unless_payable(case: Case, *, now) -> None:
    if case.status != CaseStatus.ACCEPTED:
        raise _not_expected(case)
    if case.payment_due_at and case.payment_due_at <= now:
        raise PaymentRefused(
            "Le délai de paiement est dépassé. Contactez le domiciliataire pour qu’il "
            "réactive votre dossier."
        )


@transaction.atomic
def payment_start(*, case: Case, method: str, actor: User) -> Payment:
    """The company starts paying online. A payment it started recently is resumed, so a
    double click or a return from the payment page never makes a second one."""
    case = case_lock(case)
    now = timezone.now()
    _refuse_unless_payable(case, now=now)
    pending = case.payments.filter(
        method=method,
        status=Payment.Status.PENDING,
        created_at__gte=now - RESUME_PENDING_FOR,
    ).first()
    if pending is not None:
        return pending
    payment = Payment.objects.create(case=case, method=method, amount=payment_amount(case))
    case_log(
        case,
        f"Paiement de {format_euros(payment.amount)} commencé "
        f"({payment.get_method_display().lower()})",
        actor=actor,
    )
    return payment


@transaction.atomic
def payment_fail(*, payment: Payment, reason: str, actor: User | None = None) -> Payment:
    """The provider refused the payment: the company may try again before the deadline."""
    if payment.invoice_id is not None and payment.invoice.kind != Invoice.Kind.FIRST:
        from .invoice_payments import invoice_payment_fail

        return invoice_payment_fail(payment=payment, reason=reason, actor=actor)
    case = case_lock(payment.case)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING:
        return payment
    payment.status = Payment.Status.FAILED
    payment.save(update_fields=["status"])
    case_log(case, f"Paiement refusé{NBSP}: {reason}", actor=actor)
    return payment


@transaction.atomic
def payment_confirm(
    *,
    payment: Payment,
    amount: Decimal,
    reference: str = "",
    provider_payment_id: str = "",
    actor: User | None = None,
) -> Payment:
    """The one confirmation of a payment, whoever reports it (Stripe's webhook, the
    simulated page, a transfer recorded by the domiciliataire). Idempotent: a payment
    already confirmed is returned unchanged. On an accepted case it pays the case; on a
    case no longer waiting (expired, withdrawn) the money is recorded and the
    domiciliataire is asked to reactivate the case or refund it."""
    if payment.invoice_id is not None and payment.invoice.kind != Invoice.Kind.FIRST:
        from .invoice_payments import invoice_payment_confirm

        return invoice_payment_confirm(
            payment=payment,
            amount=amount,
            reference=reference,
            provider_payment_id=provider_payment_id,
            actor=actor,
        )
    case = case_lock(payment.case)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status not in (Payment.Status.PENDING, Payment.Status.FAILED):
        return payment
    if amount != payment.amount:
        raise PaymentRefused(
            f"Le montant reçu ({format_euros(amount)}) ne correspond pas au premier paiement "
            f"attendu ({format_euros(payment.amount)})."
        )
    payment.confirmed_at = timezone.now()
    payment.reference = reference or payment.reference
    payment.provider_payment_id = provider_payment_id or payment.provider_payment_id
    if case.status == CaseStatus.ACCEPTED:
        payment.status = Payment.Status.SUCCEEDED
        payment.save()
        case_pay(case, payment, actor=actor)
    else:
        payment.status = Payment.Status.RECEIVED_LATE
        payment.save()
        todo = (
            "à réactiver ou à rembourser" if case.status == CaseStatus.EXPIRED else "à rembourser"
        )
        case_log(
            case,
            f"Paiement de {format_euros(payment.amount)} reçu alors que le dossier est "
            f"«{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: {todo}",
            actor=actor,
        )
        notify_provider(
            case,
            "domiciliation_late_payment",
            {"payment": payment},
            key=f"late:{payment.public_id}",
        )
    return payment


def case_pay(case: Case, payment: Payment, *, actor: User | None) -> Case:
    """A locked accepted case whose first payment succeeded: paid, invoiced, and sent to
    both parties for signature."""
    case = case_move(
        case,
        CaseStatus.PAID,
        actor=actor,
        note=f"Premier paiement reçu{NBSP}: {format_euros(payment.amount)} "
        f"({payment.get_method_display().lower()})",
        paid_at=payment.confirmed_at or timezone.now(),
    )
    invoice = invoice_issue(case=case, payment=payment)
    signatures = {
        party: Signature.objects.get_or_create(case=case, party=party)[0]
        for party in Signature.Party
    }
    _render_contract_on_commit(case)
    company_signature = signatures[Signature.Party.COMPANY]
    notify_company(
        case,
        "domiciliation_payment_received",
        {
            "payment": payment,
            "invoice": invoice,
            "sign_url": reverse("domiciliation:signature", args=[company_signature.public_id]),
        },
        key=f"paid:{payment.public_id}",
        actor=actor,
        sms=True,
    )
    notify_provider(
        case,
        "domiciliation_contract_to_sign",
        {
            "payment": payment,
            "invoice": invoice,
            "sign_url": reverse(
                "domiciliation:signature", args=[signatures[Signature.Party.PROVIDER].public_id]
            ),
        },
        key=f"to-sign:{payment.public_id}",
        roles=(Membership.Role.ADMIN,),
        sms=True,
    )
    return case


def invoice_issue(*, case: Case, payment: Payment) -> Invoice:
    """The domiciliataire's invoice for the first payment, dated today, numbered in its
    own gapless sequence for the year. Call inside the payment's transaction: a rollback
    gives the number back."""
    today = timezone.localdate()
    first = case.first_payment
    sequence = get_next_value(f"domiciliation-invoice-{case.provider_id}-{today.year}")
    invoice = Invoice.objects.create(
        provider=case.provider,
        case=case,
        kind=Invoice.Kind.FIRST,
        status=Invoice.Status.PAID,
        paid_at=payment.confirmed_at,
        number=f"F{today.year}-{sequence:05d}",
        issue_date=today,
        due_date=today,
        rent_excl_tax=first.rent_excl_tax,
        setup_fee_excl_tax=first.setup_fee_excl_tax,
        amount_excl_tax=first.excl_tax,
        vat_amount=first.vat,
        amount_incl_tax=first.incl_tax,
    )
    Payment.objects.filter(pk=payment.pk).update(invoice=invoice)
    payment.invoice = invoice
    case_log(case, f"Facture {invoice.number} émise")
    enqueue_on_commit("domiciliation.tasks.render_invoice", invoice.pk)
    return invoice


def _render_contract_on_commit(case: Case) -> None:
    enqueue_on_commit("domiciliation.tasks.render_contract", case.pk)


@transaction.atomic
def payment_record_transfer(
    *, case: Case, amount: Decimal, received_on, reference: str, actor: User
) -> Payment:
    """A bank transfer the domiciliataire received, confirmed like an online payment."""
    case = case_lock(case)
    if not case.accepts_transfer:
        raise _not_expected(case)
    if received_on > timezone.localdate():
        raise PaymentRefused("La date de réception ne peut pas être dans le futur.")
    payment = Payment.objects.create(
        case=case,
        method=Payment.Method.TRANSFER,
        amount=payment_amount(case),
        reference=reference.strip(),
        received_on=received_on,
        recorded_by=actor,
    )
    return payment_confirm(payment=payment, amount=amount, actor=actor)


def payment_refund(*, payment: Payment, actor: User) -> Payment:
    """Gives back a payment the case does not need. An online one is refunded through its
    provider first, outside the transaction, with an idempotency key: if recording fails
    afterwards, « Rembourser » again gets the same refund, never a second one. A
    transfer is recorded as refunded by the domiciliataire. A payment that settled an
    invoice (the first payment of a request withdrawn since) is refunded with a credit
    note cancelling that invoice."""
    from ..gateways import GatewayError, gateway_for

    if not payment.is_refundable:
        raise PaymentRefused("Ce paiement ne peut pas être remboursé.")
    if payment.method != Payment.Method.TRANSFER:
        try:
            gateway_for(payment.method).refund(payment)
        except GatewayError as error:
            raise PaymentRefused(
                "Le remboursement n’a pas pu être demandé au prestataire de paiement"
                f"{NBSP}; réessayez plus tard. ({error})"
            ) from error
    return _record_refund(payment=payment, actor=actor)


@transaction.atomic
def _record_refund(*, payment: Payment, actor: User) -> Payment:
    case = case_lock(payment.case)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    payment.case = case
    if not payment.is_refundable:
        raise PaymentRefused("Ce paiement ne peut pas être remboursé.")
    payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["status"])
    case_log(case, f"Paiement de {format_euros(payment.amount)} remboursé", actor=actor)
    settled = Invoice.objects.filter(payment=payment, status=Invoice.Status.PAID).first()
    if settled is not None:
        from .credit_notes import credit_note_for_refund

        credit_note = credit_note_for_refund(invoice=settled, actor=actor)
        case_log(case, f"Avoir {credit_note.number} émis", actor=actor)
    notify_company(
        case,
        "domiciliation_payment_refunded",
        {"payment": payment, "provider": case.provider},
        key=f"refunded:{payment.public_id}",
        actor=actor,
    )
    return payment
