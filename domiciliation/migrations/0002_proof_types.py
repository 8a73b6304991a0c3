from django.db import migrations

from domiciliation.catalogue import ensure_proof_types


def create(apps, schema_editor):
    ensure_proof_types(apps.get_model("domiciliation", "ProofType"))


class Migration(migrations.Migration):
    dependencies = [("domiciliation", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
