"""Reads about accounts that several apps need."""

from allauth.account.models import EmailAddress

from .models import User


def email_verified(user: User) -> bool:
    """Whether `user` has confirmed an e-mail address (allauth)."""
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()
