"""The domiciliataire's forms: the morning's entry table (one row per item, up to 200 in
one POST), a scan, a forwarding, a collection."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from ..models import MailKind, MailScan
from ..services.items import MAX_BATCH


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class EntryRowForm(forms.Form):
    """One item of mail: an empty row (nothing but its defaults) is skipped."""

    term = forms.CharField(
        label="Entreprise (nom, SIREN ou n° de contrat)", max_length=200, required=False
    )
    received_on = _date("Reçu le")
    kind = forms.ChoiceField(label="Nature", choices=MailKind.choices, initial=MailKind.LETTER)
    sender = forms.CharField(label="Expéditeur", max_length=200, required=False)
    pages = forms.IntegerField(
        label="Pages",
        min_value=1,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    return_to_sender = forms.BooleanField(label="Retour à l’expéditeur", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("term", "").strip():
            self.add_error("term", "Indiquez l’entreprise destinataire.")
        if not data.get("sender", "").strip():
            self.add_error("sender", "Indiquez l’expéditeur.")
        return data


def entry_formset(*, rows: int = 20, data=None):
    """The entry table with `rows` empty rows (dated today, « lettre simple »)."""
    factory = formset_factory(
        EntryRowForm,
        extra=rows,
        max_num=MAX_BATCH,
        absolute_max=MAX_BATCH,
        validate_max=True,
    )
    today = timezone.localdate()
    initial = {"received_on": today, "kind": MailKind.LETTER}
    return factory(data=data, prefix="courrier", form_kwargs={"initial": initial})


class ScanForm(forms.Form):
    side = forms.ChoiceField(label="Face", choices=MailScan.Side.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label="Fichier (PDF, JPEG ou PNG, 10\u00a0Mo au plus)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ForwardingForm(forms.Form):
    forwarded_on = _date("Envoyé le")
    address = forms.CharField(label="Adresse", widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)  # fmt: skip
    tracking_number = forms.CharField(label="Numéro de suivi", max_length=60, required=False)
    postage = forms.DecimalField(
        label="Affranchissement (€)",
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class CollectionForm(forms.Form):
    collected_by = forms.CharField(label="Retiré par", max_length=200)
    identity_document = forms.CharField(
        label="Pièce d’identité vue", max_length=200, help_text="Nature et numéro de la pièce."
    )
