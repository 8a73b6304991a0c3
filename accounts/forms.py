import time

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MfaBaseReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.urls import reverse
from django.utils.html import format_html

# A password typed at login this recently is not asked again by the forced change.
JUST_LOGGED_IN = 15 * 60


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


def _just_logged_in_with_password(user) -> bool:
    """The user of the current request logged in with a password a moment ago."""
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.core import context

    request = context.request
    if request is None:
        return False
    logins = [
        record
        for record in get_authentication_records(request, user)
        if record.get("method") == "password"
    ]
    return bool(logins) and time.time() - logins[-1]["at"] < JUST_LOGGED_IN


class ChangePasswordForm(AllauthChangePasswordForm):
    """The password change. Forced after a login with a temporary password, it does not
    ask again for the password typed a moment ago at login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        if self.user.must_change_password and _just_logged_in_with_password(self.user):
            del self.fields["oldpassword"]
            return
        self.fields["oldpassword"].help_text = format_html(
            '<a href="{}">Mot de passe oublié&nbsp;?</a>', reverse("account_reset_password")
        )


class SignupForm(AllauthSignupForm):
    """A company's account: its e-mail address is its identifier."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse e-mail"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class ReauthenticateForm(AllauthReauthenticateForm):
    """« Confirmer l’accès »: the page itself offers « Mot de passe oublié ? »."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        self.fields["password"].label = "Mot de passe"
        self.fields["password"].help_text = ""


def _email_label(form) -> None:
    # « Adresse e-mail » everywhere in the portal (allauth's French says « Courriel »).
    form.fields["email"].label = "Adresse e-mail"
    form.fields["email"].widget.attrs["autocomplete"] = "email"


class ResetPasswordForm(AllauthResetPasswordForm):
    """« Mot de passe oublié » writes only to an account's own address: never to a new
    address waiting for its confirmation (it gives no access before then)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        _email_label(self)

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if user.email.lower() == email.lower()]
        return email


class ChangeEmailForm(AllauthAddEmailForm):
    """« Modifier mon adresse e-mail »: the new address and the current password. The
    change takes effect once the link sent to the new address is followed (allauth's
    ACCOUNT_CHANGE_EMAIL), and the old address is told (ACCOUNT_EMAIL_NOTIFICATIONS)."""

    password = forms.CharField(
        label="Mot de passe actuel",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["email", "password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        self.fields["email"].label = "Nouvelle adresse e-mail"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["email"].help_text = (
            "Un lien de confirmation y sera envoyé\u00a0: l’adresse actuelle reste celle du "
            "compte tant qu’il n’a pas été suivi."
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Le mot de passe est incorrect.", code="password")
        return password


CODE_HELP = (
    "Les 6\u00a0chiffres affichés par votre application d’authentification, ou l’un de vos "
    "codes de secours."
)


def _code_field(form, *, label: str, help_text: str) -> None:
    field = form.fields["code"]
    field.label, field.help_text = label, help_text
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update({"autocomplete": "one-time-code", "spellcheck": "false"})


class MfaAuthenticateForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, label="Code de vérification", help_text=CODE_HELP)


class MfaReauthenticateForm(MfaBaseReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(self, label="Code de vérification", help_text=CODE_HELP)


class ActivateTotpForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field(
            self,
            label="Code affiché par l’application",
            help_text="6\u00a0chiffres, renouvelés toutes les 30\u00a0secondes.",
        )
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
