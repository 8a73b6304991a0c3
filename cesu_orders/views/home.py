from django.shortcuts import render
from django.utils import timezone

from ..access import funder_manager_required
from ..selectors import funder_key_figures, published_news


@funder_manager_required
def home(request):
    figures = funder_key_figures(organization=request.organization, year=timezone.localdate().year)
    return render(request, "cesu_orders/home.html", {"news": published_news(), "figures": figures})
