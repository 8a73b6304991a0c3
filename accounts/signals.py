from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from .services import user_clear_password_change


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def clear_must_change_password(sender, request, user, **kwargs):
    user_clear_password_change(user=user)
