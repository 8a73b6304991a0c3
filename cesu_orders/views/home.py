from django.shortcuts import render
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import organization_required

from ..selectors import funder_key_figures, published_news


@organization_required(kind=Organization.Kind.FUNDER)
def home(request):
    figures = funder_key_figures(organization=request.organization, year=timezone.localdate().year)
    return render(request, "cesu_orders/home.html", {"news": published_news(), "figures": figures})
