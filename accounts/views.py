from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .health import health_report
from .mfa import mfa_enabled, mfa_required
from .models import Membership, Organization
from .tenancy import SESSION_KEY


@login_not_required
def landing(request):
    return render(request, "accounts/landing.html")


@login_not_required
def accessibility(request):
    """The accessibility statement, in the form the RGAA asks for."""
    return render(request, "accounts/accessibilite.html", {"legal": settings.LEGAL_NOTICE})


@login_not_required
def legal_notice(request):
    return render(
        request,
        "accounts/mentions_legales.html",
        {
            "legal": settings.LEGAL_NOTICE,
            "publisher": settings.CESU_ISSUER,
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


# The home page of each kind of organization; a user without one stays on /espace/.
SPACE_HOMES = {
    Organization.Kind.FUNDER: "cesu_orders:home",
    Organization.Kind.PROVIDER: "domiciliation_provider:dashboard",
}


def home(request):
    """Where a login lands: the space of the active organization, or the user's page."""
    organization = request.organization
    if organization is not None and organization.kind in SPACE_HOMES:
        return redirect(SPACE_HOMES[organization.kind])
    return render(request, "accounts/home.html")


def security(request):
    """« Sécurité du compte »: the e-mail address, the password and two-factor login."""
    context = {
        "mfa_enabled": mfa_enabled(request.user),
        "mfa_required": mfa_required(request.user, request.memberships),
    }
    return render(request, "accounts/security.html", context)


def organization_list(request):
    return render(request, "accounts/organization_list.html")


@require_POST
def organization_switch(request, public_id):
    """Acts for another of the user's organizations; any other organization is a 404."""
    membership = get_object_or_404(
        Membership, user=request.user, is_active=True, organization__public_id=public_id
    )
    request.session[SESSION_KEY] = str(membership.organization.public_id)
    return redirect("home")


@login_not_required
def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


@login_not_required
@never_cache
def health(request):
    """Liveness for the load balancer and the operator (accounts.health)."""
    report, status = health_report()
    return JsonResponse(report, status=status)


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the icon, under its static
    (hashed in production) name, looked up at request time."""
    return redirect(static("img/favicon.ico"))
