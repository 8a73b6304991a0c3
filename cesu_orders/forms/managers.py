from django import forms


class ProfileForm(forms.Form):
    """One's own « Coordonnées »: name and phone. The e-mail address, which « Mot de passe
    oublié » writes to, is changed on the account's own page, with the password and a
    link confirmed from the new address."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    phone = forms.CharField(
        label="Téléphone mobile",
        max_length=30,
        required=False,
        help_text="Facultatif. Par exemple 06\u00a012\u00a034\u00a056\u00a078.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})


class ManagerForm(ProfileForm):
    """A new secondary manager's details."""

    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        },
    )

    field_order = ["first_name", "last_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
