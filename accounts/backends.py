from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.internal.userkit import filter_users_by_email, get_user_by_username

from .services import user_temporary_password_expired


class AuthenticationBackend(AllauthBackend):
    """allauth's backend with one password hash per attempt, whatever was typed: allauth
    tries an e-mail address as an address, then as a username, then as an address again
    (three hashes for a known e-mail, one for an unknown one), which told an observer
    which e-mails have an account. Here the identifier names at most one account (an
    e-mail belongs to one account, as its address or its login: `accounts.services.
    email_in_use`), whose password is checked once; an unknown identifier costs one hash
    too (allauth's timing mitigation). A temporary password is refused once expired (the
    user renews it with « Mot de passe oublié »)."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and user_temporary_password_expired(user):
            return None
        return user

    def _authenticate(self, request, **credentials):
        identifier = credentials.get("username") or credentials.get("email")
        if not identifier:
            return None
        return self._check_password(account_for_identifier(identifier), credentials["password"])


def account_for_identifier(identifier: str):
    """The account an identifier names: its login (client reference, manager identifier,
    a company's e-mail), else the account holding it as an e-mail address (verified
    first), else None."""
    user = get_user_by_username(identifier)
    if user is None and "@" in identifier:
        user = next(
            iter(filter_users_by_email(identifier, prefer_verified=True, for_login=True)), None
        )
    return user
