from django.db import migrations

# The terms of sale 2026-01 as published, with French typography: no-break spaces inside
# « » and before €. Nothing else of the text changes.
FIXES = [
    ("« Valider la commande »", "«\u00a0Valider la commande\u00a0»"),
    ("40 € pour", "40\u00a0€ pour"),
]


def typography(apps, schema_editor):
    TermsOfSale = apps.get_model("cesu_orders", "TermsOfSale")
    for terms in TermsOfSale.objects.filter(version="2026-01"):
        body = terms.body
        for wrong, right in FIXES:
            body = body.replace(wrong, right)
        if body != terms.body:
            terms.body = body
            terms.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("cesu_orders", "0008_registration_proof_and_contact_email")]

    operations = [migrations.RunPython(typography, migrations.RunPython.noop)]
