"""The questionnaire's steps. Every answer is checked when given; a missing one only
blocks sending (services.missing_before_sending), never saving a step."""

from decimal import Decimal

from django import forms

from common.forms import name_blank_choices
from common.phones import normalize_phone
from common.uploads import validate_upload
from directory.models import Service

from ..models import ClientFile


class StepForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        name_blank_choices(self)


class CompanyForm(StepForm):
    class Meta:
        model = ClientFile
        fields = ["company_status", "legal_form", "company_name", "siren", "activity", "start_date"]
        widgets = {
            "company_status": forms.RadioSelect,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "siren": "9 chiffres, pour une entreprise déjà immatriculée.",
            "start_date": "Date à laquelle la domiciliation doit commencer.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company_status"].choices = ClientFile.CompanyStatus.choices

    def clean_siren(self):
        return (self.cleaned_data.get("siren") or "").replace(" ", "")


class RepresentativeForm(StepForm):
    class Meta:
        model = ClientFile
        fields = [
            "rep_civility",
            "rep_first_name",
            "rep_last_name",
            "rep_birth_date",
            "rep_birth_place",
            "rep_nationality",
            "rep_address",
            "rep_postcode",
            "rep_city",
            "rep_email",
            "rep_mobile",
        ]
        widgets = {"rep_birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"rep_mobile": "Numéro français ou international (+32…, +41…)."}

    def clean_rep_mobile(self):
        value = self.cleaned_data.get("rep_mobile")
        return normalize_phone(value, mobile=True) if value else ""


class BeneficialOwnerForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    share = forms.DecimalField(
        label="Part du capital (%)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
    )

    def clean(self):
        data = super().clean()
        given = [data.get("first_name"), data.get("last_name"), data.get("share")]
        if any(value not in (None, "") for value in given) and not all(
            value not in (None, "") for value in given
        ):
            raise forms.ValidationError("Indiquez le prénom, le nom et la part du capital.")
        return data


class BaseOwnerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        total = sum(
            (form.cleaned_data.get("share") or Decimal(0) for form in self.forms), Decimal(0)
        )
        if total > 100:
            raise forms.ValidationError(
                "Le total des parts dépasse 100\u00a0%\u00a0: vérifiez les parts déclarées."
            )

    def owners(self) -> list[dict]:
        return [
            {key: form.cleaned_data[key] for key in ("first_name", "last_name", "share")}
            for form in self.forms
            if form.cleaned_data.get("last_name")
        ]


BeneficialOwnerFormSet = forms.formset_factory(
    BeneficialOwnerForm, formset=BaseOwnerFormSet, extra=0, max_num=10, absolute_max=10
)


class ServicesForm(StepForm):
    services = forms.MultipleChoiceField(
        label="Services souhaités",
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ClientFile
        fields = ["services", "mail_handling"]
        widgets = {"mail_handling": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mail_handling"].choices = ClientFile.MailHandling.choices


class ProofUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG ou PNG, 10\u00a0Mo au plus.",
        error_messages={
            "required": "Choisissez un fichier.",
            "empty": "Ce fichier est vide.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = validate_upload(upload)
        return upload
