"""The running contract's forms: the company's « Résilier » (notice or transfer of its
registered office), and the domiciliataire's filters, changes of terms, termination,
invoice cancellation, transfers received and greffe notices sent."""

from decimal import Decimal

from django import forms

from common.money import format_euros
from common.uploads import validate_upload

from ..models import ContractStatus, Forwarding, GreffeNotice, Termination


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def _price(label: str, *, positive: bool = False, **kwargs) -> forms.DecimalField:
    """An amount in euros, typed the French way (« 29,90 »)."""
    return forms.DecimalField(
        label=label,
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01") if positive else Decimal("0"),
        max_value=Decimal("9999.99"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "min_value": "Indiquez un montant supérieur à 0\u00a0€."
            if positive
            else "Le montant ne peut pas être négatif.",
            "max_value": "Le montant ne peut pas dépasser 9\u202f999,99\u00a0€.",
            "invalid": "Indiquez un montant en euros, par exemple 29,90.",
        },
        **kwargs,
    )


class NoticeForm(forms.Form):
    """« Résilier »: the company gives notice, or announces the transfer of its seat."""

    NOTICE, TRANSFER = "notice", "transfer"
    kind = forms.ChoiceField(
        label="Motif",
        choices=[
            (NOTICE, "Je résilie mon contrat (préavis)"),
            (TRANSFER, "Je transfère le siège de mon entreprise"),
        ],
        widget=forms.RadioSelect,
        initial=NOTICE,
    )
    ends_on = _date(
        "Date du transfert de siège",
        required=False,
        help_text="Dernier jour de domiciliation, pour un transfert de siège uniquement.",
    )
    confirm = forms.BooleanField(
        label="Je confirme la fin de mon contrat de domiciliation.",
        error_messages={"required": "Cochez la case pour confirmer la résiliation."},
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.TRANSFER and not data.get("ends_on"):
            self.add_error("ends_on", "Indiquez la date du transfert de siège.")
        return data


class ContractFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous les contrats"), *ContractStatus.choices], required=False
    )
    q = forms.CharField(label="Entreprise, SIREN ou n° de contrat", max_length=100, required=False)
    impayes = forms.BooleanField(label="Avec une facture à payer", required=False)


class TermsForm(forms.Form):
    """The domiciliataire's new price and options (from the next period; an option
    added is billed at once, pro rata)."""

    monthly_price = _price("Prix mensuel HT (€)", positive=True)
    mail_scan = forms.BooleanField(label="Numérisation du courrier", required=False)
    mail_scan_price = _price("Numérisation, prix mensuel HT (€)")
    forwarding = forms.ChoiceField(label="Réexpédition du courrier", choices=Forwarding.choices)
    forwarding_price = _price("Réexpédition, prix mensuel HT (€)")


class TerminationForm(forms.Form):
    termination = forms.ChoiceField(
        label="Motif",
        choices=[
            (Termination.PROVIDER_CAUSE, Termination.PROVIDER_CAUSE.label),
            (Termination.NON_PAYMENT, Termination.NON_PAYMENT.label),
        ],
        widget=forms.RadioSelect,
    )
    ends_on = _date(
        "Dernier jour de domiciliation", help_text="15 jours après ce jour au plus tôt."
    )
    note = forms.CharField(
        label="Manquement constaté, mise en demeure",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _InvoiceChoice(forms.Form):
    """A form about one of the contract's invoices, chosen in a list."""

    invoice = forms.ChoiceField(label="Facture")

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoices = {str(invoice.public_id): invoice for invoice in invoices}
        self.fields["invoice"].choices = [
            (key, f"{invoice.number} – {format_euros(invoice.amount_incl_tax)} TTC")
            for key, invoice in self.invoices.items()
        ]

    def clean_invoice(self):
        return self.invoices[self.cleaned_data["invoice"]]


class InvoiceCancelForm(_InvoiceChoice):
    note = forms.CharField(label="Motif de l’annulation", max_length=300)


class InvoiceTransferForm(_InvoiceChoice):
    amount = _price("Montant reçu (€)", positive=True)
    received_on = _date("Reçu le")
    reference = forms.CharField(label="Référence du virement", max_length=100)


class GreffeSentForm(forms.Form):
    sent_on = _date("Envoyé le")
    channel = forms.ChoiceField(label="Par", choices=GreffeNotice.Channel.choices)


class RegistrationForm(forms.Form):
    """A company created through the portal sends its Kbis and SIREN."""

    siren = forms.CharField(
        label="Numéro SIREN",
        max_length=11,
        help_text="9 chiffres, sur votre extrait Kbis.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kbis = forms.FileField(
        label="Extrait Kbis",
        help_text="PDF, JPEG ou PNG, 10\u00a0Mo au plus.",
        error_messages={"required": "Choisissez un fichier.", "empty": "Ce fichier est vide."},
    )

    def clean_kbis(self):
        upload = self.cleaned_data["kbis"]
        self.kind = validate_upload(upload)
        return upload
