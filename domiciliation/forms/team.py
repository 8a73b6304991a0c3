"""The domiciliataire's team: inviting an agent, and the admin's own mobile."""

from django import forms

from common.phones import normalize_phone


class AgentInviteForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse e-mail", max_length=254)


class PhoneForm(forms.Form):
    """The admin's own mobile, where the contract signing codes are sent."""

    phone = forms.CharField(
        label="Mon téléphone mobile",
        max_length=20,
        help_text="Les codes de signature des contrats vous sont envoyés par SMS à ce numéro.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    # The codes that sign contracts go to this phone: someone holding only a session must
    # not be able to redirect them.
    password = forms.CharField(
        label="Mot de passe actuel",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"], mobile=True)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect.")
        return password
