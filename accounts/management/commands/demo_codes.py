from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_TOTP_SECRET, DEMO_TOTP_USERNAMES, demo_totp_code


class Command(BaseCommand):
    help = (
        "Affiche le code de double authentification du moment des comptes de démonstration "
        "(administrateurs domiciliataires et staff), valable 30 secondes."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Réservé aux données de démonstration (DEMO_DATA_ALLOWED=true).")
        self.stdout.write(f"Code du moment : {demo_totp_code()} (clé {DEMO_TOTP_SECRET})")
        self.stdout.write("Comptes : " + ", ".join(DEMO_TOTP_USERNAMES))
