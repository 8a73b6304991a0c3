from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .services import user_temporary_password_expired


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, refusing a temporary password once it has expired (the user
    renews it with « Mot de passe oublié »)."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and user_temporary_password_expired(user):
            return None
        return user
