"""The running contract: opened when both parties have signed, with its terms copied
from the accepted offer and from the file the case was decided on; what every move of it
shares (the lock, the transition check, the timeline both parties read, the e-mails);
tacit renewal; and the domiciliataire's changes of price and options, announced to the
company and applied from the next period (an option added during a period is billed at
once, pro rata)."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from sequences import get_next_value

from accounts.models import Membership, User
from accounts.selectors import active_members
from common.exceptions import DomainError, TransitionRefused
from common.formats import french_date
from common.money import format_euros
from common.transitions import event_log, status_move
from notifications.models import Notification
from notifications.services import notify

from ..models import Case, Contract, ContractEvent, ContractStatus, Forwarding
from ..periods import first_term_end, period_bounds
from .cases import NBSP, company_email

# What the questionnaire's mail handling means for the contract's forwarding option.
FORWARDING_OF_MAIL_HANDLING = {
    "forward_weekly": Forwarding.WEEKLY,
    "forward_monthly": Forwarding.MONTHLY,
}


class ContractRefused(DomainError):
    """A move or a change the contract's state (or its terms) does not allow."""


class ContractMoveRefused(ContractRefused, TransitionRefused):
    """A status change that Contract.TRANSITIONS does not allow."""


def contract_lock(contract: Contract) -> Contract:
    """The contract row, locked until the transaction ends (always before its invoices:
    one order for every service, so that none waits for another in a circle)."""
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("case__client_file", "case__centre", "provider", "owner")
        .get(pk=contract.pk)
    )


def contract_move(contract: Contract, to_status: str, *, actor, note: str = "", **changes):
    """Moves `contract` to `to_status` if Contract.TRANSITIONS allows it (checked under
    the row lock) and writes the timeline row; otherwise says why in French."""

    def refused(from_status: str, to: str) -> ContractMoveRefused:
        return ContractMoveRefused(
            f"Ce contrat est «{NBSP}{ContractStatus(from_status).label}{NBSP}»{NBSP}: il ne "
            f"peut pas passer à «{NBSP}{ContractStatus(to).label}{NBSP}»."
        )

    return status_move(
        contract,
        to_status,
        transitions=Contract.TRANSITIONS,
        refused=refused,
        actor=actor,
        note=note,
        **changes,
    )


def contract_log(contract: Contract, note: str, *, actor=None) -> ContractEvent:
    """A line on the contract's timeline, read by both parties."""
    return event_log(contract, note, actor=actor)


@contextmanager
def contract_recorded_refusal(contract: Contract, *, actor, attempt: str):
    """Lets a refusal through after writing the refused attempt on the contract's
    timeline (the service rolled back everything else)."""
    try:
        yield
    except DomainError as error:
        contract_log(contract, f"{attempt} refusé{NBSP}: {error}", actor=actor)
        raise


def notify_contract_company(
    contract: Contract,
    event: str,
    context: dict,
    *,
    key: str,
    actor=None,
    sms: bool = False,
    attachments: list[dict] | None = None,
) -> None:
    """One e-mail to the company about its contract (and, with `sms`, one SMS to the
    representative's mobile), written on the contract's timeline."""
    client_file = contract.case.client_file
    email = company_email(client_file)
    phone = client_file.rep_mobile if sms else ""
    if not (email or phone):
        return
    notifications = notify(
        event,
        email=email,
        phone=phone,
        context={**context, "contract": contract, "provider": contract.provider},
        idempotency_key=f"{event}:{contract.public_id}:{key}",
        user=contract.owner,
        attachments=attachments,
    )
    for notification in notifications:
        what = (
            f"E-mail «{NBSP}{notification.subject}{NBSP}»"
            if notification.channel == Notification.Channel.EMAIL
            else "SMS"
        )
        contract_log(contract, f"{what} à {notification.recipient}", actor=actor)


def notify_contract_provider(
    contract: Contract,
    event: str,
    context: dict,
    *,
    key: str,
    roles=(Membership.Role.ADMIN,),
    attachments: list[dict] | None = None,
) -> None:
    """One e-mail to each active member of the domiciliataire with one of `roles`."""
    for membership in active_members(contract.provider.organization_id, roles):
        user = membership.user
        if user.email:
            notify(
                event,
                email=user.email,
                context={
                    **context,
                    "contract": contract,
                    "provider": contract.provider,
                    "member": user,
                },
                idempotency_key=f"{event}:{contract.public_id}:{key}:{membership.pk}",
                user=user,
                attachments=attachments,
            )


def contract_open(case: Case, *, actor: User | None, starts_on: date) -> Contract:
    """The contract of a case both parties have just signed (call under the case's lock):
    the accepted offer's price, billing period and initial term, the options the case was
    decided on, the first period paid by the first invoice, the next one to bill."""
    declared = case.declared
    sequence = get_next_value(f"domiciliation-contract-{case.provider_id}")
    months = case.billing_months
    contract = Contract.objects.create(
        case=case,
        provider=case.provider,
        owner_id=case.client_file.owner_id,
        number=f"C-{sequence:05d}",
        company_name=declared.company_name or case.company_name,
        siren=declared.siren,
        awaits_registration=declared.company_status == declared.CompanyStatus.CREATION,
        starts_on=starts_on,
        billing_months=months,
        initial_months=case.duration_months,
        monthly_price=case.monthly_price,
        mail_scan="mail_scan" in (declared.services or [])
        or declared.mail_handling == declared.MailHandling.SCAN,
        forwarding=FORWARDING_OF_MAIL_HANDLING.get(declared.mail_handling, Forwarding.NONE),
        next_period=1,
        next_billing_on=period_bounds(starts_on, months, 1)[0],
        term_ends_on=first_term_end(starts_on, case.duration_months, starts_on),
    )
    first, last = period_bounds(starts_on, months, 0)
    case.invoices.filter(kind="first").update(
        contract=contract,
        period_index=0,
        period_start=first,
        period_end=last,
        monthly_excl_tax=case.monthly_price,
    )
    contract.events.create(
        to_status=ContractStatus.RUNNING,
        actor=actor,
        note=(
            f"Contrat {contract.number} signé, à partir du {french_date(starts_on)}"
            f"{NBSP}; prochaine facture le {french_date(contract.next_billing_on)}"
        ),
    )
    return contract


# Tacit renewal


@transaction.atomic
def contract_renew(*, contract_id: int, today: date) -> bool:
    """A contract past the end of its term without an end date is renewed for a term of
    the same length (R123-168; article 2 of the contract): written on its timeline.
    Returns whether it was renewed."""
    contract = contract_lock(Contract(pk=contract_id))
    if contract.is_ended or contract.term_ends_on >= today:
        return False
    if contract.ends_on is not None and contract.ends_on <= contract.term_ends_on:
        return False
    contract.term_ends_on = first_term_end(contract.starts_on, contract.initial_months, today)
    contract.save(update_fields=["term_ends_on", "updated_at"])
    contract_log(
        contract,
        "Contrat reconduit tacitement jusqu’au " + french_date(contract.term_ends_on),
    )
    return True


# Price and options


def _option_label(name: str, value) -> str:
    if name == "mail_scan":
        return "Numérisation du courrier"
    return Forwarding(value).label


@transaction.atomic
def contract_change_terms(
    *,
    contract: Contract,
    monthly_price: Decimal,
    mail_scan: bool,
    mail_scan_price: Decimal,
    forwarding: str,
    forwarding_price: Decimal,
    actor: User,
) -> Contract:
    """The domiciliataire changes the price or the options. A new price, an option
    removed or repriced apply from the next period (announced to the company by e-mail);
    an option added applies at once and its share of the period in progress is billed
    now, pro rata. Nothing changes for an ended contract or a change that changes
    nothing."""
    from .billing import option_invoice_issue

    contract = contract_lock(contract)
    if contract.is_ended:
        raise ContractRefused("Ce contrat est terminé\u00a0: ses conditions ne changent plus.")
    today = timezone.localdate()
    wanted = {
        "monthly_price": monthly_price,
        "mail_scan": mail_scan,
        "mail_scan_price": mail_scan_price if mail_scan else Decimal("0.00"),
        "forwarding": forwarding,
        "forwarding_price": forwarding_price if forwarding != Forwarding.NONE else Decimal("0.00"),
    }
    added = []
    if mail_scan and not contract.mail_scan:
        added.append(("mail_scan", True, wanted["mail_scan_price"]))
    if forwarding != Forwarding.NONE and contract.forwarding == Forwarding.NONE:
        added.append(("forwarding", forwarding, wanted["forwarding_price"]))
    touched = {field for name, _, _ in added for field in (name, f"{name}_price")}
    later = {
        name: value
        for name, value in wanted.items()
        if name not in touched and getattr(contract, name) != value
    }
    for name, value, price in added:
        setattr(contract, name, value)
        setattr(contract, f"{name}_price", price)
    if not added and not later:
        raise ContractRefused("Ces conditions sont déjà celles du contrat.")
    if added:
        contract.save(update_fields=["mail_scan", "mail_scan_price", "forwarding",
                                     "forwarding_price", "updated_at"])  # fmt: skip
        for name, value, price in added:
            label = _option_label(name, value)
            contract_log(
                contract,
                f"Option «{NBSP}{label}{NBSP}» ajoutée à {format_euros(price)} HT par mois",
                actor=actor,
            )
            option_invoice_issue(contract=contract, label=label, monthly=price, today=today)
    if later:
        contract.pending_terms = {
            name: str(value) if isinstance(value, Decimal) else value
            for name, value in later.items()
        }
        contract.pending_from = contract.next_billing_on
        contract.save(update_fields=["pending_terms", "pending_from", "updated_at"])
        contract_log(
            contract,
            "Nouvelles conditions annoncées à partir du " + french_date(contract.pending_from),
            actor=actor,
        )
    new_total = _total_of(contract, later)
    notify_contract_company(
        contract,
        "domiciliation_contract_terms_changed",
        {
            "added": [(_option_label(n, v), p) for n, v, p in added],
            "later": bool(later),
            "pending_from": contract.pending_from,
            "new_monthly_total": new_total,
        },
        key=f"terms:{timezone.now():%Y%m%d%H%M%S%f}",
        actor=actor,
    )
    return contract


def _total_of(contract: Contract, changes: dict) -> Decimal:
    """The monthly total once `changes` apply."""
    terms = {
        name: changes.get(name, getattr(contract, name))
        for name in ("monthly_price", "mail_scan", "mail_scan_price", "forwarding",
                     "forwarding_price")
    }  # fmt: skip
    total = Decimal(terms["monthly_price"])
    if terms["mail_scan"]:
        total += Decimal(terms["mail_scan_price"])
    if terms["forwarding"] != Forwarding.NONE:
        total += Decimal(terms["forwarding_price"])
    return total
