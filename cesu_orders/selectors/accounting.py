"""The reads of a financeur's paperwork: its invoices and credit notes of a period (the
accountant's export) and the quotes of its cart."""

from datetime import date

from django.db.models import QuerySet

from accounts.models import Organization

from ..models import Cart, Invoice, Quote


def invoices_of_period(
    *, organization: Organization, date_from: date, date_to: date
) -> QuerySet[Invoice]:
    """The invoices and credit notes issued from `date_from` to `date_to` included, in
    date then number order, with their order, the invoice a credit note cancels and the
    credit note that cancels an invoice (one query)."""
    return (
        Invoice.objects.for_organization(organization)
        .filter(issue_date__gte=date_from, issue_date__lte=date_to)
        .select_related("order", "credited_invoice", "credit_note")
        .order_by("issue_date", "number")
    )


def quotes_of_cart(cart: Cart | None, *, limit: int = 5) -> list[Quote]:
    """The latest quotes of the cart as it is now (same version), newest first."""
    if cart is None:
        return []
    return list(
        Quote.objects.filter(
            organization_id=cart.organization_id, cart_version=cart.version
        ).order_by("-created_at", "-pk")[:limit]
    )
