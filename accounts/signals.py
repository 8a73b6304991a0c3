from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import mark_session_active
from .services import user_clear_password_change


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
