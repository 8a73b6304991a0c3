"""A company created through the portal sends its Kbis and SIREN to its domiciliataire
once registered (R123-168; article 4 of the standard contract). Until it does, it is
reminded by e-mail once per step of REMINDER_DAYS after signature, and the
domiciliataire's « Contrats » page lists it among the companies that still owe them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from stdnum.fr import siren as stdnum_siren

from accounts.models import User
from common.exceptions import DomainError

from ..models import Contract, ContractStatus
from .cases import NBSP
from .contracts import contract_lock, contract_log, notify_contract_company

# Days after signature when a company that has not sent its Kbis and SIREN is reminded.
REMINDER_DAYS = (15, 30)


class RegistrationRefused(DomainError):
    pass


def days_since_signature(contract: Contract, today: date) -> int:
    return (today - timezone.localdate(contract.case.signed_at or contract.created_at)).days


def reminders_due(contract: Contract, today: date) -> int:
    """How many steps of REMINDER_DAYS have been reached on `today`."""
    elapsed = days_since_signature(contract, today)
    return sum(1 for days in REMINDER_DAYS if elapsed >= days)


@transaction.atomic
def contract_registration_send(
    *, contract: Contract, siren: str, upload, kind: str, actor: User
) -> Contract:
    """The company's Kbis (a file already checked) and SIREN: kept on the contract,
    written on its timeline; the reminders stop."""
    siren = "".join(siren.split())
    if not stdnum_siren.is_valid(siren):
        raise RegistrationRefused("Saisissez un numéro SIREN valide (9 chiffres).", field="siren")
    contract = contract_lock(contract)
    if not contract.owes_registration:
        raise RegistrationRefused("Votre Kbis et votre SIREN ont déjà été transmis.")
    contract.kbis.save(f"kbis-{contract.public_id}", upload, save=False)
    contract.kbis_kind = kind
    contract.siren = siren
    contract.awaits_registration = False
    contract.registered_at = timezone.now()
    contract.save(
        update_fields=[
            "kbis",
            "kbis_kind",
            "siren",
            "awaits_registration",
            "registered_at",
            "updated_at",
        ]
    )
    contract_log(contract, f"Kbis et SIREN reçus{NBSP}: SIREN {siren}", actor=actor)
    return contract


@transaction.atomic
def registration_remind(*, contract_id: int, today: date) -> bool:
    """One reminder for the latest step reached and not yet reminded (a step missed
    while the job did not run is not sent twice). Returns whether one went out."""
    contract = contract_lock(Contract(pk=contract_id))
    if not contract.owes_registration:
        return False
    due = reminders_due(contract, today)
    if due <= contract.registration_reminders:
        return False
    contract.registration_reminders = due
    contract.save(update_fields=["registration_reminders", "updated_at"])
    notify_contract_company(
        contract,
        "domiciliation_registration_reminder",
        {"days": days_since_signature(contract, today)},
        key=f"registration:{due}",
    )
    return True


def registration_reminders_run(*, today: date | None = None) -> int:
    """The beat job: reminds every company whose next step is reached."""
    today = today or timezone.localdate()
    ids = Contract.objects.filter(
        awaits_registration=True, registration_reminders__lt=len(REMINDER_DAYS)
    ).exclude(status=ContractStatus.ENDED)
    return sum(
        registration_remind(contract_id=pk, today=today)
        for pk in ids.order_by("pk").values_list("pk", flat=True)
    )
