"""Data: each payment of a first invoice points at it; every case already signed gets its
running contract, its first invoice becoming the contract's period 0. Billing in the
portal starts with the first period that has not begun yet: a period already running
was billed outside the portal, if at all, and is never billed twice."""

import calendar
from datetime import date, timedelta

from django.db import migrations
from django.utils import timezone
from sequences import get_next_value


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _forwarding(mail_handling):
    return {"forward_weekly": "weekly", "forward_monthly": "monthly"}.get(mail_handling, "none")


def forwards(apps, schema_editor):
    Case = apps.get_model("domiciliation", "Case")
    Contract = apps.get_model("domiciliation", "Contract")
    ContractEvent = apps.get_model("domiciliation", "ContractEvent")
    Invoice = apps.get_model("domiciliation", "Invoice")
    Payment = apps.get_model("domiciliation", "Payment")

    for invoice in Invoice.objects.exclude(payment_id=None):
        Payment.objects.filter(pk=invoice.payment_id).update(invoice_id=invoice.pk)
        paid_at = Payment.objects.filter(pk=invoice.payment_id).values_list(
            "confirmed_at", flat=True
        )[0]
        Invoice.objects.filter(pk=invoice.pk).update(
            status="paid", paid_at=paid_at, due_date=invoice.issue_date
        )

    today = timezone.localdate()
    signed = Case.objects.filter(status="signed", monthly_price__isnull=False).select_related(
        "client_file"
    )
    for case in signed.order_by("pk"):
        if Contract.objects.filter(case_id=case.pk).exists():
            continue
        fields = (case.declared_data or {}).get("fields", {})
        starts_on = case.contract_starts_on or (
            timezone.localdate(case.signed_at) if case.signed_at else today
        )
        months = case.billing_months
        # The first period not begun yet (period 0 was the first payment's).
        index = 1
        while _add_months(starts_on, months * index) < today:
            index += 1
        term = 1
        while _add_months(starts_on, case.duration_months * term) - timedelta(days=1) < today:
            term += 1
        sequence = get_next_value(f"domiciliation-contract-{case.provider_id}")
        contract = Contract.objects.create(
            case_id=case.pk,
            provider_id=case.provider_id,
            owner_id=case.client_file.owner_id,
            number=f"C-{sequence:05d}",
            status="running",
            company_name=fields.get("company_name") or case.company_name,
            siren=fields.get("siren") or "",
            starts_on=starts_on,
            billing_months=months,
            initial_months=case.duration_months,
            monthly_price=case.monthly_price,
            mail_scan="mail_scan" in (fields.get("services") or [])
            or fields.get("mail_handling") == "scan",
            forwarding=_forwarding(fields.get("mail_handling")),
            next_period=index,
            next_billing_on=_add_months(starts_on, months * index),
            term_ends_on=_add_months(starts_on, case.duration_months * term) - timedelta(days=1),
        )
        Invoice.objects.filter(case_id=case.pk, kind="first").update(
            contract_id=contract.pk,
            period_index=0,
            period_start=starts_on,
            period_end=_add_months(starts_on, months) - timedelta(days=1),
            monthly_excl_tax=case.monthly_price,
        )
        ContractEvent.objects.create(
            contract_id=contract.pk,
            to_status="running",
            note=(
                "Contrat repris dans le portail\u00a0: facturation à partir du "
                f"{contract.next_billing_on:%d/%m/%Y}"
            ),
            created_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("domiciliation", "0010_contract_invoices_credit_notes"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
