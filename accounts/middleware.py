import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from .mfa import mfa_enabled, mfa_required
from .services import user_temporary_password_expired
from .tenancy import SESSION_KEY, active_memberships, choose_membership

ACTIVE_AT_KEY = "_active_at"


class OrganizationMiddleware:
    """Sets `request.organization` and `request.membership` from the user's active
    membership (the one chosen in the session, else the first), and `request.memberships`
    for the organization switcher."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.membership = None
        request.organization = None
        if request.user.is_authenticated:
            request.memberships = active_memberships(request.user)
            membership = choose_membership(request.memberships, request.session.get(SESSION_KEY))
            if membership is not None:
                request.membership = membership
                request.organization = membership.organization
        return self.get_response(request)


class _Gate:
    """A step a logged-in user must take before anything else: while `blocks(request)`,
    every page but ALLOWED_URL_NAMES (and static files, the health probe) redirects to
    TARGET with MESSAGE."""

    ALLOWED_URL_NAMES: set[str] = set()
    TARGET = ""
    MESSAGE = ""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def blocks(self, request) -> bool:
        raise NotImplementedError

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        allowed = {self.TARGET, "account_logout", "health", *self.ALLOWED_URL_NAMES}
        if match and match.url_name in allowed or not self.blocks(request):
            return None
        messages.warning(request, self.MESSAGE, fail_silently=True)
        return redirect(self.TARGET)


class PasswordChangeRequiredMiddleware(_Gate):
    """While `user.must_change_password` is set, only the pages that let the user change
    the password (or leave) are reachable. A session opened with a temporary password
    ends when that password expires (72 hours): the login would be refused by then, so
    the session that it opened is too."""

    TARGET = "account_change_password"
    ALLOWED_URL_NAMES = {"account_set_password"}
    MESSAGE = "Pour sécuriser votre compte, choisissez un nouveau mot de passe avant de continuer."
    EXPIRED = (
        "Votre mot de passe temporaire a expiré et votre session a pris fin. Demandez-en un "
        "nouveau avec «\u00a0Mot de passe oublié\u00a0»."
    )

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user_temporary_password_expired(user):
            logout(request)
            messages.warning(request, self.EXPIRED, fail_silently=True)
            return redirect("account_login")
        return self.get_response(request)

    def blocks(self, request) -> bool:
        return request.user.must_change_password


class MfaRequiredMiddleware(_Gate):
    """A user who must log in with a second factor (accounts.mfa) and has not set one up
    reaches only the set-up (and what it needs: typing the password again, changing it,
    leaving)."""

    TARGET = "mfa_activate_totp"
    ALLOWED_URL_NAMES = {
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_change_password",
        "account_set_password",
    }
    MESSAGE = (
        "Votre rôle donne accès à des pièces d’identité, des contrats et des paiements\u00a0: "
        "activez la double authentification pour continuer."
    )

    def blocks(self, request) -> bool:
        user = request.user
        return mfa_required(user, request.memberships) and not mfa_enabled(user)


class SessionActivityMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of inactivity. Activity pushes the expiry
    back at most once a minute, so that a page and the requests it triggers at the same
    time (proof previews, htmx) do not each rewrite the session row."""

    TOUCH_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        if time.time() - session.get(ACTIVE_AT_KEY, 0) >= self.TOUCH_EVERY_SECONDS:
            mark_session_active(session)  # saved by SessionMiddleware with a fresh expiry
        return response


def mark_session_active(session) -> None:
    session[ACTIVE_AT_KEY] = int(time.time())
