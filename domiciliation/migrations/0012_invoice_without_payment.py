"""The first invoice no longer points at its payment: the payment points at it (0010)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("domiciliation", "0011_contract_for_signed_cases")]

    operations = [migrations.RemoveField(model_name="invoice", name="payment")]
