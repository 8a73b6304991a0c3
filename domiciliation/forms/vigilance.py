"""The vigilance (LCB-FT) forms: a risk assessment, a restricted suspicion note."""

from django import forms

from ..vigilance import CRITERIA


class AssessmentForm(forms.Form):
    comment = forms.CharField(
        label="Observations (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = {
            name: forms.BooleanField(label=label, required=False) for name, label, _ in CRITERIA
        }
        self.fields = {**criteria, **self.fields}


class SuspicionNoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
