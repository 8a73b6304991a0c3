from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from notifications.services import queue_email

# One message whatever was typed: it must not tell whether the identifier exists.
LOGIN_FAILED = "Identifiant ou mot de passe incorrect."


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "username_password_mismatch": LOGIN_FAILED,
        "email_password_mismatch": LOGIN_FAILED,
        "too_many_login_attempts": "Trop de tentatives de connexion échouées. "
        "Veuillez réessayer dans quelques minutes.",
    }

    def is_open_for_signup(self, request) -> bool:
        # Companies looking for a domiciliataire create their own account; financeurs'
        # and domiciliataires' staff accounts come from their spaces' own flows.
        return True

    def populate_username(self, request, user) -> None:
        """A company logs in with its e-mail address: it is also its identifier."""
        user.username = user.email

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

        return {
            "request": allauth_context.request,
            "email": email,
            "portal_base_url": settings.PORTAL_BASE_URL,
        } | {name: public_url(value) for name, value in context.items()}


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
