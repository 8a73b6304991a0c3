"""« Espace Commandes », the financeur's home, for its managers (primary and secondary):
« toute l'actualité du CESU », key figures and shortcuts."""

from django.shortcuts import render
from django.utils import timezone

from ..access import funder_manager_required, is_primary_manager
from ..selectors import funder_key_figures, published_news


@funder_manager_required
def home(request):
    figures = funder_key_figures(organization=request.organization, year=timezone.localdate().year)
    context = {
        "news": published_news(),
        "figures": figures,
        "is_primary_manager": is_primary_manager(request),
    }
    return render(request, "cesu_orders/home.html", context)
