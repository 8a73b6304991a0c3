from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.urls import reverse
from django.utils.html import format_html


def _drop_placeholders(form) -> None:
    # Every field has a visible label; a placeholder repeating it only adds noise.
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(AllauthLoginForm):
    """Login with a client reference, a manager identifier or an e-mail address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        login = self.fields["login"]
        login.label = "Identifiant ou adresse e-mail"
        login.help_text = (
            "Votre référence client (ex. C100001), votre identifiant de gestionnaire "
            "(ex. C100001-02) ou votre adresse e-mail."
        )
        login.widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = "Mot de passe"
        self.fields["password"].help_text = ""


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        self.fields["oldpassword"].help_text = format_html(
            '<a href="{}">Mot de passe oublié&nbsp;?</a>', reverse("account_reset_password")
        )


class SignupForm(AllauthSignupForm):
    """A company's account: its e-mail address is its identifier."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse e-mail"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
