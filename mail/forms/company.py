"""The company's forms: search, a forwarding request, the mailbox preferences."""

from django import forms

from ..models import Mailbox


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher (expéditeur)", max_length=100, required=False)


class ForwardRequestForm(forms.Form):
    address = forms.CharField(
        label="Adresse de réexpédition",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Laissez vide pour l’adresse enregistrée dans vos préférences.",
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = ["alerts", "standing", "forward_address"]
        widgets = {
            "alerts": forms.RadioSelect,
            "standing": forms.RadioSelect,
            "forward_address": forms.Textarea(attrs={"rows": 3}),
        }


class ProxyCodeForm(forms.Form):
    code = forms.CharField(
        label="Code reçu par SMS",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
