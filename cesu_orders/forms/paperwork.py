"""The period of the accountant's export (« Du », « Au »): two dates, checked for their
format here and for their order and length by `services.accounting.check_period`."""

from django import forms


class PeriodForm(forms.Form):
    du = forms.DateField(
        label="Du",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de début de la période.",
            "invalid": "Indiquez la date de début au format jj/mm/aaaa.",
        },
    )
    au = forms.DateField(
        label="Au",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de fin de la période.",
            "invalid": "Indiquez la date de fin au format jj/mm/aaaa.",
        },
    )
