"""The catalogue values the yearly obligations need on a database migrated before them:
millésime and exemption ceiling 2024 (2 421 €), and the terms of sale 2026-12 (the
millésime rules, the attestation, the crédit d'impôt famille) published on 1 December
2026. Existing rows are left as they are."""

from django.db import migrations

from cesu_orders.catalogue import ensure_order_catalogue


def create_order_catalogue(apps, schema_editor):
    ensure_order_catalogue(lambda name: apps.get_model("cesu_orders", name))


class Migration(migrations.Migration):
    dependencies = [("cesu_orders", "0010_yearly_obligations")]

    operations = [migrations.RunPython(create_order_catalogue, migrations.RunPython.noop)]
