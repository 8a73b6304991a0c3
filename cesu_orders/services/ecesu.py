"""e-CESU: when an order is made, each of its e-CESU bénéficiaires learns by e-mail the
amount credited to their e-CESU account, when, until when it can be used and how."""

from django.conf import settings
from django.db.models import Sum

from notifications.services import notify

from ..models import Order, VoucherFormat


def ecesu_credits_notify(*, order: Order) -> int:
    """One e-mail per e-CESU bénéficiaire of `order` with an address (the one copied on
    its lines when the order was placed), inside the caller's transaction; once per
    order and bénéficiaire (the idempotency key), however often it is called. Returns
    how many bénéficiaires were concerned."""
    rows = (
        order.lines.filter(voucher_format=VoucherFormat.ELECTRONIC)
        .exclude(beneficiary_email="")
        .values("beneficiary__public_id", "beneficiary_email", "beneficiary_name")
        .annotate(
            vouchers=Sum("vouchers"),
            amount=Sum("face_total"),
            employer_share=Sum("employer_share"),
        )
        .order_by("beneficiary_name")
    )
    for row in rows:
        notify(
            "cesu_ecesu_credited",
            email=row["beneficiary_email"],
            context={
                "order": order,
                "credit": row,
                "funder_name": order.organization.name,
                "issuer": settings.CESU_ISSUER,
            },
            idempotency_key=f"cesu_ecesu_credited:{order.public_id}:{row['beneficiary__public_id']}",
        )
    return len(rows)
