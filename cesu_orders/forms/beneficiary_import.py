"""The upload of « Importer des bénéficiaires » and of « Importer un fichier de paie »: the
file only. What it contains is read and checked by the import's task
(services/beneficiary_import.py, services/payroll_import.py)."""

from django import forms

ACCEPTED_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class BeneficiaryImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Une ligne d’en-tête avec les colonnes ci-dessous, puis une ligne par "
        "bénéficiaire. CSV séparé par des points-virgules ou des virgules, 5\u00a0Mo au "
        "plus.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_TYPES}),
    )

    @classmethod
    def refused(cls, message: str) -> "BeneficiaryImportForm":
        """An empty upload form showing why the file sent before was refused (its task read
        it after the upload's request was over)."""
        form = cls()
        form.cleaned_data = {}  # What add_error expects once a form has been cleaned.
        form.add_error("file", message)
        return form


class PayrollImportForm(BeneficiaryImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "Une ligne d’en-tête avec les colonnes ci-dessous, puis une ligne par salarié et "
            "par catégorie. CSV séparé par des points-virgules ou des virgules, 5\u00a0Mo au "
            "plus."
        )
