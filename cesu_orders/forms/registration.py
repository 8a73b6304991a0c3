import re
from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from common.phones import normalize_phone


class AmountField(forms.DecimalField):
    """An amount in euros as printed on an invoice: « 1 234,56 € » as well as 1234.56."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value)
        return super().to_python(value)


class RegistrationForm(forms.Form):
    """« S'inscrire en ligne »: what the financeur types; the checks are the service's."""

    client_reference = forms.CharField(
        label="Référence client",
        max_length=20,
        help_text="Elle figure en haut de vos factures, par exemple C100001. "
        "Ce sera votre identifiant de connexion.",
    )
    invoice_number = forms.CharField(
        label="Numéro de l’une de vos trois dernières factures", max_length=30
    )
    invoice_amount = AmountField(
        label="Montant TTC de cette facture (€)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        help_text="Le «\u00a0Total TTC\u00a0» imprimé sur la facture, par exemple 1\u00a0234,56.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    last_name = forms.CharField(label="Nom du gestionnaire", max_length=150)
    first_name = forms.CharField(label="Prénom du gestionnaire", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="L’adresse de contact que le service clients connaît pour votre "
        "entreprise\u00a0: votre mot de passe temporaire y est envoyé. Une autre adresse est "
        "vérifiée par le service clients avant l’envoi.",
        error_messages={
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        },
    )
    phone = forms.CharField(label="Téléphone", max_length=30)
    accept_terms = forms.BooleanField(
        label="J’accepte les conditions d’utilisation du service",
        help_text=format_lazy(
            '<a href="{}#conditions-utilisation" target="_blank">'
            "Lire les conditions d’utilisation (nouvel onglet)</a>",
            reverse_lazy("legal_notice"),
        ),
        error_messages={
            "required": "Vous devez accepter les conditions d’utilisation pour vous inscrire."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "last_name": "family-name",
            "first_name": "given-name",
            "email": "email",
            "phone": "tel",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean_phone(self) -> str:
        """French numbers by default; stored as E.164 (+33612345678)."""
        return normalize_phone(self.cleaned_data["phone"])
