"""Bénéficiaires: creation, edits, archive and restore; the sort key kept in step with
the name, and an employee number unique within the financeur."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from common.exceptions import DomainError
from common.text import fold

from ..models import Beneficiary

EMPLOYEE_NUMBER_TAKEN = "Ce matricule est déjà celui d’un autre bénéficiaire."


class BeneficiaryError(DomainError):
    """A bénéficiaire change that the rules refuse (shown next to `field`)."""


def beneficiary_sort_name(*, last_name: str, first_name: str) -> str:
    """The alphabetical key: last name then first name, accents and case ignored."""
    return f"{fold(last_name)} {fold(first_name)}"


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


def beneficiary_duplicates(
    *,
    organization: Organization,
    last_name: str,
    first_name: str,
    birth_date,
    employee_number: str,
    exclude: Beneficiary | None = None,
):
    """Bénéficiaires that look like the same person: same name and birth date, or same
    employee number."""
    condition = Q()
    if birth_date:
        condition |= Q(
            sort_name=beneficiary_sort_name(last_name=last_name, first_name=first_name),
            birth_date=birth_date,
        )
    if employee_number:
        condition |= Q(employee_number=employee_number)
    if not condition:
        return Beneficiary.objects.none()
    duplicates = Beneficiary.objects.for_organization(organization).filter(condition)
    if exclude is not None:
        duplicates = duplicates.exclude(pk=exclude.pk)
    return duplicates
