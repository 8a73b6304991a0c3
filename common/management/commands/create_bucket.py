"""`manage.py create_bucket`: creates the bucket of the private files (S3_BUCKET) when it
does not exist yet, so that a fresh stack (docker compose, a new environment) starts
with its storage ready. Does nothing for a bucket that exists, or on local disk."""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from common.storage import StorageUnavailable


class Command(BaseCommand):
    help = "Crée le bucket des fichiers privés (S3_BUCKET) s’il n’existe pas."

    def handle(self, *args, **options):
        storage = storages["private"]
        if not hasattr(storage, "bucket_create"):
            self.stdout.write("Fichiers privés sur le disque local : aucun bucket à créer.")
            return
        try:
            created = storage.bucket_create()
        except StorageUnavailable as error:
            raise CommandError(str(error)) from error
        verb = "créé" if created else "déjà là"
        self.stdout.write(self.style.SUCCESS(f"Bucket « {storage.bucket_name} » {verb}."))
