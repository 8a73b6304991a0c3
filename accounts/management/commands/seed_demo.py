import importlib
import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Charge les données de démonstration. Idempotent : une seconde exécution ne change rien."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Données de démonstration refusées\u00a0: elles créent des comptes au mot de passe "
                "public. Définissez DEMO_DATA_ALLOWED=true hors production pour les charger."
            )
        # Each project app may ship a `demo.py` with `seed(log)`; they run in the order of
        # INSTALLED_APPS, so an app's demo data can rely on the apps listed before it.
        for app_config in apps.get_app_configs():
            if Path(app_config.path).parent != settings.BASE_DIR:
                continue
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            importlib.import_module(module_name).seed(self.stdout.write)
