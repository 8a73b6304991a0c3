from django import forms

from ..models import Beneficiary
from .beneficiaries import BeneficiaryForm, Catalogue

ACCEPTED_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class BeneficiaryImportForm(forms.Form):
    """The upload only: what the file contains is checked by the import service."""

    file = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Une ligne d’en-tête avec les colonnes ci-dessous, puis une ligne par "
        "bénéficiaire. CSV séparé par des points-virgules ou des virgules, 5\u00a0Mo au "
        "plus.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_TYPES}),
    )


class BeneficiaryRowValidator:
    """BeneficiaryForm's rules for many rows at once: the catalogue and the employee
    numbers already taken are read once per file, not once per row."""

    def __init__(self, *, organization):
        self.organization = organization
        self.catalogue = Catalogue.load()
        self.taken_employee_numbers = dict(
            Beneficiary.objects.for_organization(organization)
            .exclude(employee_number=None)
            .values_list("employee_number", "pk")
        )

    def validate(self, data: dict, *, instance: Beneficiary | None) -> BeneficiaryForm:
        form = BeneficiaryForm(
            data,
            organization=self.organization,
            instance=instance,
            catalogue=self.catalogue,
            taken_employee_numbers=self.taken_employee_numbers,
        )
        form.is_valid()
        return form
