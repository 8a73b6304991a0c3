import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

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


class PasswordChangeRequiredMiddleware:
    """While `user.must_change_password` is set, only the pages that let the user change
    the password (or leave) are reachable; every other page redirects there. A session
    opened with a temporary password ends when that password expires (72 hours): the
    login would be refused by then, so the session that it opened is too."""

    ALLOWED_URL_NAMES = {"account_change_password", "account_set_password", "account_logout"}
    MESSAGE = "Pour sécuriser votre compte, choisissez un nouveau mot de passe avant de continuer."
    EXPIRED = (
        "Votre mot de passe temporaire a expiré et votre session a pris fin. Demandez-en un "
        "nouveau avec «\u00a0Mot de passe oublié\u00a0»."
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user_temporary_password_expired(user):
            logout(request)
            messages.warning(request, self.EXPIRED, fail_silently=True)
            return redirect("account_login")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match and (match.url_name in self.ALLOWED_URL_NAMES or match.url_name == "health"):
            return None
        messages.warning(request, self.MESSAGE, fail_silently=True)
        return redirect("account_change_password")


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
