from django import forms

from common.uploads import EXTENSIONS, validate_upload

from ..models import HelpRequest

MESSAGE_MAX_LENGTH = 5000


class HelpRequestForm(forms.Form):
    """« Besoin d'aide »: a subject from the list, a message, an optional attachment."""

    subject = forms.ChoiceField(
        label="Objet de votre demande",
        choices=[("", "Choisissez un objet"), *HelpRequest.Subject.choices],
        error_messages={"required": "Choisissez l’objet de votre demande."},
    )
    message = forms.CharField(
        label="Votre message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="5\u00a0000\u00a0caractères au maximum.",
        error_messages={
            "required": "Saisissez votre message.",
            "max_length": "Votre message dépasse 5\u00a0000\u00a0caractères "
            "(%(show_value)d actuellement).",
        },
    )
    attachment = forms.FileField(
        label="Pièce jointe",
        required=False,
        help_text="Facultative. PDF, JPEG ou PNG, 10\u00a0Mo au maximum.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_attachment(self):
        attachment = self.cleaned_data["attachment"]
        if attachment:
            # Stored under the extension of what the file is, not of what it was called.
            kind = validate_upload(attachment)
            attachment.name = f"piece-jointe.{EXTENSIONS[kind]}"
        return attachment
