from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import reverse

from notifications.services import queue_email

from .backends import account_for_identifier
from .lockout import login_locks, too_many_attempts_message
from .services import user_lockout_notify

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

    def get_login_redirect_url(self, request) -> str:
        return reverse("home")

    def get_password_change_redirect_url(self, request) -> str:
        return reverse("home")

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (password reset…) go through the outbox like every other mail."""
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

        request = allauth_context.request
        return {"request": request, "email": email, "current_site": get_current_site(request)} | (
            context
        )
