"""The domiciliataire's profile and centres as its admins type them, and the reason staff
give when they refuse a profile."""

import io

from django import forms
from PIL import Image
from PIL.Image import DecompressionBombError

from common.uploads import validate_upload

from ..models import MIN_CONTRACT_MONTHS, Provider, ProviderCentre, Service

LOGO_MAX_SIZE = 2 * 1024 * 1024
LOGO_BOX = (400, 400)
LOGO_MAX_PIXELS = 25_000_000
TOO_MANY_PIXELS = "Cette image est trop grande (25 millions de pixels au plus)."


class ProviderForm(forms.ModelForm):
    # Longer than the model's 9 digits: « 552 100 554 » is typed with spaces.
    siren = forms.CharField(label="SIREN", max_length=11, help_text="9 chiffres.")
    logo_upload = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG ou JPEG, 2\u00a0Mo au plus\u00a0; il est réduit à 400 × 400 pixels.",
    )

    class Meta:
        model = Provider
        fields = [
            "legal_name",
            "trade_name",
            "siren",
            "approval_number",
            "approval_date",
            "approval_prefecture",
            "description",
            *Service.values,
            "price_from",
            "min_contract_months",
        ]
        widgets = {"approval_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "approval_number": "Obligatoire pour être référencé\u00a0: un domiciliataire ne peut "
            "exercer sans agrément préfectoral.",
            "min_contract_months": f"Au moins {MIN_CONTRACT_MONTHS} mois (Code de commerce).",
        }
        error_messages = {
            "min_contract_months": {
                "min_value": f"La durée minimale est d’au moins {MIN_CONTRACT_MONTHS} mois."
            }
        }

    def clean_siren(self):
        return self.cleaned_data["siren"].replace(" ", "")

    def clean_logo_upload(self):
        """The logo checked from its content, then decoded and saved again as a small PNG:
        nothing but pixels is kept. The PNG bytes replace the upload."""
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        validate_upload(upload, kinds=("jpeg", "png"), max_size=LOGO_MAX_SIZE)
        try:
            with Image.open(upload) as image:
                if image.width * image.height > LOGO_MAX_PIXELS:
                    raise forms.ValidationError(TOO_MANY_PIXELS)
                image.thumbnail(LOGO_BOX)  # Before convert(): never decode a huge bitmap.
                output = io.BytesIO()
                image.convert("RGBA").save(output, format="PNG", optimize=True)
        except (OSError, DecompressionBombError, ValueError) as error:
            raise forms.ValidationError("Ce fichier est illisible ou endommagé.") from error
        return output.getvalue()


class CentreForm(forms.ModelForm):
    class Meta:
        model = ProviderCentre
        fields = ["name", "address", "postcode", "city", "opening_hours"]
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "opening_hours": "Par exemple «\u00a0du lundi au vendredi, 9\u00a0h – 18\u00a0h\u00a0»."
        }


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (envoyé au domiciliataire)", widget=forms.Textarea, max_length=2000
    )
