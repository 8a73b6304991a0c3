import time
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.conf import settings
from django.urls import reverse

from notifications.services import queue_email

from .backends import account_for_identifier
from .lockout import login_locks, too_many_attempts_message
from .mfa import mfa_required
from .services import user_lockout_notify
from .tenancy import active_memberships

# One message whatever was typed: it must not tell whether the identifier exists.
LOGIN_FAILED = "Identifiant ou mot de passe incorrect."


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "username_password_mismatch": LOGIN_FAILED,
        "email_password_mismatch": LOGIN_FAILED,
    }

    def is_open_for_signup(self, request) -> bool:
        # Companies looking for a domiciliataire create their own account; financeurs'
        # and domiciliataires' staff accounts come from their spaces' own flows.
        return True

    def populate_username(self, request, user) -> None:
        """A company logs in with its e-mail address: it is also its identifier."""
        user.username = user.email

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth's limits, with the time when the user may try again."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            locks = login_locks(request, self._get_login_attempts_cache_key(request, **credentials))
            raise forms.ValidationError(
                too_many_attempts_message(locks), code="too_many_login_attempts"
            ) from error

    def authentication_failed(self, request, **credentials) -> None:
        """The failure that locks an account (its per-identifier limit) e-mails its owner."""
        key = self._get_login_attempts_cache_key(request, **credentials)
        lock = next((lock for lock in login_locks(request, key) if lock.per == "key"), None)
        identifier = credentials.get("username") or credentials.get("email")
        if lock is None or not identifier:
            return
        user = account_for_identifier(identifier)
        if user is not None and user.is_active:
            user_lockout_notify(user=user, started=lock.started, ends=lock.ends)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login less than ACCOUNT_REAUTHENTICATION_TIMEOUT old counts as the password
        just typed: the two-factor set-up a login leads to does not ask for it again."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not logged_in_recently(self.request)

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")

    def get_password_change_redirect_url(self, request) -> str:
        return reverse("home")

    def format_email_subject(self, subject: str) -> str:
        """No « [site] » prefix: allauth's subjects read like the portal's own."""
        return subject

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (e-mail confirmation, password reset, account notices) go
        through the outbox like every other mail, rendered from the portal's own
        templates (templates/account/email/, templates/mfa/email/) in its e-mail layout,
        with links to the public address of the portal, never to the request's host."""
        message = self.render_mail(template_prefix, email, self._mail_context(email, context))
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
        queue_email(
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            event=template_prefix.replace("/", "_"),
            user=context.get("user"),
            sensitive=True,  # reset and confirmation links are secrets
        )

    def _mail_context(self, email: str, context: dict) -> dict:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request or self.request
        # A notice queued on commit may be rendered after its request: the site is then
        # the portal's public address.
        site = get_current_site(request) if request is not None else _PortalSite()
        return {
            "request": request,
            "email": email,
            "current_site": site,
            "portal_base_url": settings.PORTAL_BASE_URL,
        } | {name: public_url(value) for name, value in context.items()}


class _PortalSite:
    name = "Portail CESU & domiciliation"

    @property
    def domain(self) -> str:
        return settings.PORTAL_BASE_URL.split("://", 1)[-1]


def public_url(value):
    """An absolute link allauth built from the request (« http://127.0.0.1:8101/… »)
    rewritten on PORTAL_BASE_URL, the address people reach the portal at; any other
    value as it is."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return value
    parts = urlsplit(value)
    if not parts.netloc:
        return value
    query = f"?{parts.query}" if parts.query else ""
    return f"{settings.PORTAL_BASE_URL}{parts.path}{query}"


def logged_in_recently(request) -> bool:
    if request is None or not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return bool(records) and (
        time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
    )


class MfaAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "cannot_delete_authenticator": "Votre rôle exige la double authentification\u00a0: "
        "elle ne peut pas être désactivée.",
        "incorrect_code": "Ce code est incorrect ou a déjà servi.",
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        """Whoever must log in with a second factor cannot turn it off."""
        user = authenticator.user
        return not mfa_required(user, active_memberships(user))
