"""Paying the invoices of a running contract: charged off-session to the payment method
the company saved (Stripe: a card or a SEPA direct-debit mandate, saved once with
Checkout in setup mode), paid by the company online (« Payer »), or a bank transfer
the domiciliataire records. One confirmation whoever reports it (the charge's answer,
the signed webhook, the simulated page, the transfer): idempotent, refusing another
amount than the invoice's, and recording money nobody expects any more (an invoice
already paid or cancelled) for a refund. A paid invoice lifts a suspension."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.money import format_euros

from ..models import Contract, Invoice, Payment, SavedPaymentMethod
from .billing import invoice_move
from .contracts import (
    NBSP,
    ContractRefused,
    contract_lock,
    contract_log,
    notify_contract_company,
    notify_contract_provider,
)
from .payments import RESUME_PENDING_FOR, PaymentRefused
from .unpaid import contract_resume_if_settled


def _lock(invoice: Invoice) -> tuple[Contract, Invoice]:
    """The contract, then the invoice: the order every service takes."""
    contract = contract_lock(Contract(pk=invoice.contract_id))
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    invoice.contract = contract
    return contract, invoice


def _refuse_unless_payable(invoice: Invoice) -> None:
    if not invoice.is_unpaid:
        raise PaymentRefused(
            f"La facture {invoice.number} est «{NBSP}{invoice.get_status_display().lower()}"
            f"{NBSP}»{NBSP}: aucun paiement n’est attendu."
        )


def _in_flight(invoice: Invoice):
    """A charge of the saved method under way (a SEPA debit takes days)."""
    return invoice.payments.filter(
        status=Payment.Status.PENDING, saved_method__isnull=False
    ).first()


@transaction.atomic
def invoice_payment_start(*, invoice: Invoice, method: str, actor: User) -> Payment:
    """« Payer »: the company pays an unpaid invoice online. A payment it started
    recently is resumed; a charge of its saved method under way is waited for."""
    contract, invoice = _lock(invoice)
    _refuse_unless_payable(invoice)
    if _in_flight(invoice) is not None:
        raise PaymentRefused(
            f"Un prélèvement de la facture {invoice.number} est en cours{NBSP}: attendez "
            "sa confirmation."
        )
    pending = invoice.payments.filter(
        method=method,
        status=Payment.Status.PENDING,
        saved_method__isnull=True,
        created_at__gte=timezone.now() - RESUME_PENDING_FOR,
    ).first()
    if pending is not None:
        return pending
    payment = Payment.objects.create(
        case_id=contract.case_id, invoice=invoice, method=method, amount=invoice.amount_incl_tax
    )
    contract_log(
        contract,
        f"Paiement de la facture {invoice.number} commencé "
        f"({payment.get_method_display().lower()})",
        actor=actor,
    )
    return payment


@transaction.atomic
def _charge_attempt(invoice_id: int) -> Payment | None:
    """The attempt to charge, written before the provider is called: the pending
    payment with its idempotency key (one per invoice and attempt). An attempt left
    pending without an answer (a worker killed mid-call) is tried again as it is."""
    invoice = Invoice.objects.get(pk=invoice_id)
    contract, invoice = _lock(invoice)
    if not invoice.is_unpaid or contract.is_ended:
        return None
    in_flight = _in_flight(invoice)
    if in_flight is not None:
        return None if in_flight.provider_payment_id else in_flight
    if invoice.payments.filter(
        status=Payment.Status.PENDING, created_at__gte=timezone.now() - RESUME_PENDING_FOR
    ).exists():
        return None  # the company is paying it online right now
    saved = contract.payment_methods.filter(is_active=True).first()
    if saved is None:
        return None
    attempt = invoice.payments.filter(saved_method__isnull=False).count() + 1
    return Payment.objects.create(
        case_id=contract.case_id,
        invoice=invoice,
        saved_method=saved,
        method=saved.gateway,
        amount=invoice.amount_incl_tax,
        idempotency_key=f"invoice-{invoice.public_id}-{attempt}",
    )


def invoice_charge(*, invoice_id: int) -> Payment | None:
    """Charges an unpaid invoice to the contract's saved method, off-session: the
    attempt is recorded, the provider called outside any transaction, and its answer
    goes through the same services as the webhook's. A provider out of reach leaves the
    attempt pending for the catch-up job."""
    from ..gateways import GatewayError, gateway_for

    payment = _charge_attempt(invoice_id)
    if payment is None:
        return None
    payment = Payment.objects.select_related(
        "saved_method", "invoice__contract", "case__provider"
    ).get(pk=payment.pk)
    try:
        result = gateway_for(payment.method).charge(payment)
    except GatewayError:
        return payment
    if result.provider_payment_id:
        Payment.objects.filter(pk=payment.pk, provider_payment_id="").update(
            provider_payment_id=result.provider_payment_id
        )
    if result.succeeded:
        return invoice_payment_confirm(
            payment=payment,
            amount=payment.amount,
            reference=result.provider_payment_id,
            provider_payment_id=result.provider_payment_id,
        )
    if result.failed:
        return invoice_payment_fail(payment=payment, reason=result.reason)
    return payment


@transaction.atomic
def invoice_payment_confirm(
    *,
    payment: Payment,
    amount: Decimal,
    reference: str = "",
    provider_payment_id: str = "",
    actor: User | None = None,
) -> Payment:
    """The one confirmation of an invoice's payment. Idempotent; another amount is
    refused (and the attempt recorded by the caller); money for an invoice already paid
    or cancelled, or for an ended contract with nothing owed, is kept for a refund."""
    contract, invoice = _lock(payment.invoice)
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    if payment.status not in (Payment.Status.PENDING, Payment.Status.FAILED):
        return payment
    if amount != payment.amount:
        raise PaymentRefused(
            f"Le montant reçu ({format_euros(amount)}) ne correspond pas à la facture "
            f"{invoice.number} ({format_euros(payment.amount)})."
        )
    now = timezone.now()
    payment.confirmed_at = now
    payment.reference = reference or payment.reference
    payment.provider_payment_id = provider_payment_id or payment.provider_payment_id
    if not invoice.is_unpaid:
        payment.status = Payment.Status.RECEIVED_LATE
        payment.save()
        contract_log(
            contract,
            f"Paiement de {format_euros(payment.amount)} reçu pour la facture {invoice.number}"
            f", «{NBSP}{invoice.get_status_display().lower()}{NBSP}»{NBSP}: à rembourser",
            actor=actor,
        )
        notify_contract_provider(
            contract,
            "domiciliation_invoice_payment_unexpected",
            {"payment": payment, "invoice": invoice},
            key=f"unexpected:{payment.public_id}",
        )
        return payment
    payment.status = Payment.Status.SUCCEEDED
    payment.save()
    invoice_move(
        invoice,
        Invoice.Status.PAID,
        actor=actor,
        note=f"{payment.means}, {format_euros(payment.amount)}",
        paid_at=now,
    )
    contract_log(
        contract,
        f"Facture {invoice.number} payée{NBSP}: {format_euros(payment.amount)} "
        f"({payment.means.lower() if not payment.saved_method_id else payment.means})",
        actor=actor,
    )
    notify_contract_company(
        contract,
        "domiciliation_invoice_paid",
        {"invoice": invoice, "payment": payment},
        key=f"paid:{payment.public_id}",
        actor=actor,
    )
    contract_resume_if_settled(contract, actor=actor)
    return payment


@transaction.atomic
def invoice_payment_fail(*, payment: Payment, reason: str, actor: User | None = None) -> Payment:
    """The provider refused the payment (a declined card, a SEPA debit returned): the
    reason is kept and the company told, once, with a link to pay otherwise."""
    contract, invoice = _lock(payment.invoice)
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING:
        return payment
    payment.status = Payment.Status.FAILED
    payment.failure_reason = reason[:500]
    payment.save(update_fields=["status", "failure_reason"])
    contract_log(
        contract,
        f"Paiement de la facture {invoice.number} refusé{NBSP}: {reason}",
        actor=actor,
    )
    if payment.saved_method_id:
        notify_contract_company(
            contract,
            "domiciliation_invoice_payment_failed",
            {"invoice": invoice, "payment": payment, "reason": reason},
            key=f"failed:{payment.public_id}",
            actor=actor,
            sms=True,
        )
    return payment


@transaction.atomic
def invoice_record_transfer(
    *, invoice: Invoice, amount: Decimal, received_on, reference: str, actor: User
) -> Payment:
    """A bank transfer the domiciliataire received for an invoice of the contract."""
    contract, invoice = _lock(invoice)
    _refuse_unless_payable(invoice)
    if received_on > timezone.localdate():
        raise PaymentRefused("La date de réception ne peut pas être dans le futur.")
    payment = Payment.objects.create(
        case_id=contract.case_id,
        invoice=invoice,
        method=Payment.Method.TRANSFER,
        amount=invoice.amount_incl_tax,
        reference=reference.strip(),
        received_on=received_on,
        recorded_by=actor,
    )
    return invoice_payment_confirm(payment=payment, amount=amount, actor=actor)


# The saved payment method


@transaction.atomic
def payment_method_save(
    *,
    contract: Contract,
    gateway: str,
    kind: str,
    label: str,
    method_id: str,
    setup_reference: str = "",
    actor: User | None = None,
) -> SavedPaymentMethod:
    """Records the method the company saved; it replaces the previous one. The same
    setup reported twice (a replayed webhook) records it once."""
    contract = contract_lock(contract)
    if contract.is_ended:
        raise ContractRefused("Ce contrat est terminé\u00a0: aucun prélèvement n’est prévu.")
    if setup_reference:
        known = SavedPaymentMethod.objects.filter(setup_reference=setup_reference).first()
        if known is not None:
            return known
    contract.payment_methods.filter(is_active=True).update(is_active=False)
    saved = SavedPaymentMethod.objects.create(
        contract=contract,
        gateway=gateway,
        kind=kind,
        label=label,
        method_id=method_id,
        setup_reference=setup_reference,
    )
    contract_log(
        contract,
        f"Moyen de paiement enregistré{NBSP}: {label}{NBSP}; les prochaines factures y seront "
        "prélevées",
        actor=actor,
    )
    return saved


# How long an off-session attempt may stay without an answer before the catch-up job
# asks the provider again (with the same idempotency key: the same charge).
CHARGE_RETRY_AFTER = timedelta(minutes=10)
