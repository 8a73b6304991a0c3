from django.db import migrations

from directory.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps.get_model("directory", "Region"), apps.get_model("directory", "Department"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
