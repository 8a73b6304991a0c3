"""Bénéficiaires: creation, edits, archive and restore; the sort key kept in step with
the name, and an employee number unique within the financeur."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization
from common.exceptions import DomainError

from ..models import Beneficiary
from ..models.beneficiaries import beneficiary_sort_name

EMPLOYEE_NUMBER_TAKEN = "Ce matricule est déjà celui d’un autre bénéficiaire."


class BeneficiaryError(DomainError):
    """A bénéficiaire change that the rules refuse (shown next to `field`)."""


@transaction.atomic
def beneficiary_create(*, organization: Organization, fields: dict) -> Beneficiary:
    """Creates a bénéficiaire of `organization` from validated form fields."""
    beneficiary = Beneficiary(organization=organization, **fields)
    beneficiary.sort_name = beneficiary_sort_name(
        last_name=beneficiary.last_name, first_name=beneficiary.first_name
    )
    _save(beneficiary)
    return beneficiary


@transaction.atomic
def beneficiary_update(*, beneficiary: Beneficiary, fields: dict) -> Beneficiary:
    """Changes a bénéficiaire from validated form fields, keeping its sort key in step."""
    for name, value in fields.items():
        setattr(beneficiary, name, value)
    beneficiary.sort_name = beneficiary_sort_name(
        last_name=beneficiary.last_name, first_name=beneficiary.first_name
    )
    _save(beneficiary)
    return beneficiary


def _save(beneficiary: Beneficiary) -> None:
    """Saves; an employee number taken meanwhile by another manager's save (the form
    checked it, but not under a lock) becomes the same French error as the form's."""
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError as error:
        raise BeneficiaryError(EMPLOYEE_NUMBER_TAKEN, field="employee_number") from error


@transaction.atomic
def beneficiary_archive(*, beneficiary: Beneficiary) -> None:
    """An archived bénéficiaire leaves new orders but stays in past ones: nothing that was
    ordered for is ever deleted."""
    if beneficiary.archived_at is None:
        beneficiary.archived_at = timezone.now()
        beneficiary.save(update_fields=["archived_at", "updated_at"])


@transaction.atomic
def beneficiary_restore(*, beneficiary: Beneficiary) -> None:
    """Brings an archived bénéficiaire back into new orders."""
    if beneficiary.archived_at is not None:
        beneficiary.archived_at = None
        beneficiary.save(update_fields=["archived_at", "updated_at"])
