from django.db import migrations

from directory.reference import load_reference_data


def load(apps, schema_editor):
    """The names with a typographic apostrophe (Côte-d’Or, Val-d’Oise, Provence-Alpes-Côte
    d’Azur) and the départements' search names punctuation-free, like the search query."""
    load_reference_data(apps.get_model("directory", "Region"), apps.get_model("directory", "Department"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
