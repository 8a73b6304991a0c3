from django.db.models import Count

from .models import Notification


def outbox_counts() -> list[tuple[str, str, int]]:
    """(channel, status, rows) of the outbox, for the operator's metrics: one query."""
    rows = (
        Notification.objects.order_by()
        .values_list("channel", "status")
        .annotate(count=Count("pk"))
        .order_by("channel", "status")
    )
    return list(rows)
