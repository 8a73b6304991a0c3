from django.db.models import Count, Q, Sum
from django.utils import timezone

from common.text import fold

from .models import Beneficiary, Invoice, NewsItem


def published_news(*, limit: int = 10):
    """« Toute l'actualité du CESU »: published items, newest first."""
    return NewsItem.objects.filter(published_at__lte=timezone.now()).order_by("-published_at")[
        :limit
    ]


def beneficiary_search(*, organization, query: str = "", archived: bool = False):
    """The financeur's active (or archived) bénéficiaires in alphabetical order, with the
    joins the list needs. Each word of `query` must match the folded name, the employee
    number or the e-mail."""
    beneficiaries = Beneficiary.objects.for_organization(organization).filter(
        archived_at__isnull=not archived
    )
    for word in query.split():
        beneficiaries = beneficiaries.filter(
            Q(sort_name__contains=fold(word))
            | Q(employee_number__icontains=word)
            | Q(email__icontains=word)
        )
    return beneficiaries.select_related("usual_usage_category").order_by("sort_name", "pk")


def funder_key_figures(*, organization, year: int) -> dict:
    """The home page's figures: active bénéficiaires, and the invoices of `year` (count and
    amount including VAT), in two queries."""
    invoices = Invoice.objects.for_organization(organization).filter(issue_date__year=year)
    totals = invoices.aggregate(count=Count("pk"), amount=Sum("amount_incl_tax"))
    return {
        "beneficiaries": Beneficiary.objects.for_organization(organization)
        .filter(archived_at__isnull=True)
        .count(),
        "invoices": totals["count"],
        "invoiced": totals["amount"] or 0,
        "year": year,
    }
