from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from common.forms import name_blank_choices
from common.phones import normalize_phone
from common.templatetags.formats import euros

from ..models import Beneficiary, UsageCategory
from ..selectors import Catalogue, employee_number_owner
from ..services import beneficiary_rules as rules

# The « infos-bulles » of the order values, shown next to each field.
HELP_TEXTS = {
    "usual_usage_category": "Ce que les titres permettent de payer\u00a0: services à domicile, "
    "garde d’enfants hors domicile…",
    "usual_format": "Papier\u00a0: carnets livrés\u00a0; e-CESU\u00a0: compte crédité en "
    "ligne, une adresse e-mail est alors obligatoire.",
    "usual_face_value": "Montant imprimé sur chaque titre, parmi les valeurs proposées.",
    "usual_employer_share": "Pourcentage de la valeur faciale pris en charge par "
    "l’employeur, de 0 à 100\u00a0%.",
    "usual_booklets": "Nombre de carnets commandés d’habitude pour ce bénéficiaire.",
    "usual_vouchers_per_booklet": "Nombre de titres dans chaque carnet.",
    "employee_number": "Matricule dans votre paie\u00a0; il sert à reconnaître le bénéficiaire "
    "lors d’un import.",
    "email": "Obligatoire pour les e-CESU.",
    "address": "Adresse de livraison des CESU papier.",
    "birth_date": "Facultative\u00a0; elle aide à repérer les doublons.",
}

# How the form page groups the fields.
FIELDSETS = [
    ("Identité", ["civility", "last_name", "first_name", "birth_date", "employee_number"]),
    ("Coordonnées", ["email", "mobile_phone", "address", "postcode", "city"]),
    (
        "Valeurs habituelles de commande",
        [
            "usual_usage_category",
            "usual_format",
            "usual_face_value",
            "usual_employer_share",
            "usual_booklets",
            "usual_vouchers_per_booklet",
        ],
    ),
]


class PreloadedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that resolves the submitted id from preloaded objects instead of
    one query per form."""

    preloaded: dict[int, object] | None = None

    def to_python(self, value):
        if self.preloaded is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return self.preloaded[int(value)]
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class BeneficiaryForm(forms.ModelForm):
    """Every rule on a bénéficiaire's data; the form page and the bulk import both use it."""

    usual_booklets = forms.IntegerField(
        label="Nombre de carnets",
        min_value=rules.MIN_BOOKLETS,  # 0: none usually ordered; the table starts at 0
        max_value=rules.MAX_BOOKLETS,
        initial=1,
        help_text=HELP_TEXTS["usual_booklets"],
    )
    # localflavor's FRZipCodeField answers in English: same rule, French message.
    postcode = forms.CharField(
        label="Code postal",
        required=False,
        validators=[RegexValidator(rules.POSTCODE_PATTERN, rules.POSTCODE)],
    )

    class Meta:
        model = Beneficiary
        fields = [
            "civility",
            "last_name",
            "first_name",
            "birth_date",
            "email",
            "mobile_phone",
            "address",
            "postcode",
            "city",
            "employee_number",
            "usual_usage_category",
            "usual_format",
            "usual_face_value",
            "usual_employer_share",
            "usual_booklets",
            "usual_vouchers_per_booklet",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"usual_usage_category": PreloadedModelChoiceField}
        help_texts = HELP_TEXTS
        labels = {
            "address": "Adresse postale",
            "employee_number": "Matricule",
            "usual_usage_category": "Catégorie d’utilisation",
        }

    def __init__(self, *args, organization, **kwargs):
        """The rules are services/beneficiary_rules.py's, which the import applies too."""
        super().__init__(*args, **kwargs)
        name_blank_choices(self)
        self.organization = organization
        self.catalogue = Catalogue.load()
        category = self.fields["usual_usage_category"]
        category.queryset = UsageCategory.objects.filter(is_active=True)
        category.empty_label = None
        category.preloaded = self.catalogue.categories
        self.fields["usual_face_value"].widget = forms.Select(
            choices=[(f"{value:.2f}", euros(value)) for value in self.catalogue.face_values]
        )
        self.fields["usual_vouchers_per_booklet"].widget = forms.Select(
            choices=[(size, f"{size} titres") for size in self.catalogue.booklet_sizes]
        )

    def fieldsets(self):
        """(legend, bound fields) pairs, in the order of FIELDSETS."""
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]

    def clean_mobile_phone(self):
        value = self.cleaned_data["mobile_phone"].strip()
        return normalize_phone(value, mobile=True) if value else ""

    def clean_usual_face_value(self):
        value = self.cleaned_data["usual_face_value"]
        if value is not None and (error := rules.face_value_error(value, self.catalogue)):
            raise ValidationError(error)
        return value

    def clean_usual_employer_share(self):
        value = self.cleaned_data["usual_employer_share"]
        if value is not None and (error := rules.employer_share_error(value)):
            raise ValidationError(error)
        return value

    def clean_usual_vouchers_per_booklet(self):
        value = self.cleaned_data["usual_vouchers_per_booklet"]
        if error := rules.booklet_size_error(value, self.catalogue):
            raise ValidationError(error)
        return value

    def clean_employee_number(self):
        value = (self.cleaned_data["employee_number"] or "").strip()
        if value and (
            error := rules.employee_number_error(
                employee_number_owner(self.organization, value), pk=self.instance.pk
            )
        ):
            raise ValidationError(error)
        return value or None

    def validate_unique(self):
        # The only unique rule, the employee number, is checked above.
        pass

    def clean(self):
        cleaned = super().clean()
        if error := rules.electronic_email_error(cleaned.get("usual_format"), cleaned.get("email")):
            self.add_error("email", error)
        return cleaned


class DuplicateConfirmationForm(forms.Form):
    """Shown with the list of look-alikes: creating anyway needs this box ticked."""

    confirmed = forms.BooleanField(
        label="Je confirme qu’il s’agit d’une autre personne", required=False
    )
