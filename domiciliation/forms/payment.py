"""Payment and signature: a bank transfer the domiciliataire records, and the code that
signs the contract."""

from decimal import Decimal

from django import forms


class TransferForm(forms.Form):
    """A bank transfer received for the first payment."""

    amount = forms.DecimalField(
        label="Montant reçu (€)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    received_on = forms.DateField(
        label="Reçu le", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        label="Référence du virement",
        max_length=100,
        help_text="Le libellé ou la référence figurant sur votre relevé.",
    )


class SignatureForm(forms.Form):
    code = forms.CharField(
        label="Code reçu par SMS",
        min_length=6,
        max_length=6,
        help_text="6 chiffres, valable 10 minutes.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        error_messages={
            "min_length": "Le code compte 6 chiffres.",
            "max_length": "Le code compte 6 chiffres.",
        },
    )
    consent = forms.BooleanField(
        label="J’ai lu le contrat et je le signe.",
        error_messages={"required": "Cochez la case pour confirmer que vous signez le contrat."},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("Le code compte 6 chiffres.")
        return code
