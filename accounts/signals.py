from allauth.account.signals import (
    email_changed,
    password_changed,
    password_reset,
    password_set,
)
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import mark_session_active
from .services import user_clear_password_change, user_email_changed


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def clear_must_change_password(sender, request, user, **kwargs):
    user_clear_password_change(user=user)


@receiver(user_logged_in)
def session_active_at_login(sender, request, user, **kwargs):
    """Logging in is activity: the next minute's requests need not rewrite the session."""
    if request is not None and hasattr(request, "session"):
        mark_session_active(request.session)


@receiver(email_changed)
def follow_email_change(sender, request, user, from_email_address, to_email_address, **kwargs):
    if from_email_address is not None:
        user_email_changed(
            user=user, old_email=from_email_address.email, new_email=to_email_address.email
        )
