from django.db import migrations

from cesu_orders.catalogue import ensure_default_catalogue


def create_catalogue(apps, schema_editor):
    ensure_default_catalogue(
        apps.get_model("cesu_orders", "UsageCategory"),
        apps.get_model("cesu_orders", "FaceValue"),
        apps.get_model("cesu_orders", "BookletSize"),
    )


class Migration(migrations.Migration):
    dependencies = [("cesu_orders", "0001_initial")]

    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
