from django.db import migrations

from domiciliation.catalogue import ensure_default_contract_template


def create(apps, schema_editor):
    ensure_default_contract_template(apps.get_model("domiciliation", "ContractTemplate"))


class Migration(migrations.Migration):
    dependencies = [("domiciliation", "0003_case_instruction")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
