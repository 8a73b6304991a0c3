"""The public list filters, read from the query string."""

from decimal import Decimal, InvalidOperation

from ..models import Service
from ..selectors import ProviderFilters

# The largest price Provider.price_from holds (7 digits, 2 decimals).
MAX_PRICE = Decimal("99999.99")


def parse_filters(query) -> ProviderFilters:
    """The list filters from the query string; invalid values are ignored."""
    services = [s for s in query.getlist("service") if s in Service.values]
    max_price = None
    raw = query.get("prix_max", "").replace(",", ".").strip()
    if raw and len(raw) < 10:
        try:
            max_price = Decimal(raw)
        except InvalidOperation:
            max_price = None
        if max_price is not None and not (max_price.is_finite() and 0 <= max_price <= MAX_PRICE):
            max_price = None
    return ProviderFilters(services=services, max_price=max_price)
