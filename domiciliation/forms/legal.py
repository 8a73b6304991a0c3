"""The domiciliataire's legal obligations: a declaration's sending."""

from django import forms

from ..models import Declaration


class DeclarationSentForm(forms.Form):
    sent_on = forms.DateField(
        label="Envoyée le", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    channel = forms.ChoiceField(label="Par", choices=Declaration.Channel.choices)
