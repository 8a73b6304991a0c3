from django import forms


class ManagerForm(forms.Form):
    """A manager's details: for a new secondary manager and for one's own « Coordonnées »."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        },
    )
    phone = forms.CharField(
        label="Téléphone mobile",
        max_length=30,
        required=False,
        help_text="Facultatif. Par exemple 06\u00a012\u00a034\u00a056\u00a078.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {"first_name": "given-name", "last_name": "family-name", "email": "email"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
