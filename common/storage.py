"""The two ways reading or writing a stored file can fail, as refusals a user reads: the
file is missing, or the storage does not answer. Every storage backend of the portal
raises these (common.s3 translates the object storage's errors), so that services and
views know nothing of the backend; common.middleware shows them as French pages."""

from .exceptions import DomainError


class StorageUnavailable(DomainError):
    """The file storage did not answer (or refused): try again later. `saving`: a file
    was being saved, and was not."""

    def __init__(self, *, saving: bool = False):
        messages = [
            "Le stockage des fichiers ne répond pas pour le moment\u00a0: réessayez dans "
            "quelques minutes."
        ]
        if saving:
            messages.append("Le fichier envoyé n’a pas été enregistré.")
        super().__init__(messages)


class StoredFileMissing(DomainError, FileNotFoundError):
    """A file the database names is not in the storage. A FileNotFoundError too, as
    Django's storages raise for a missing file."""

    def __init__(self, name: str = ""):
        self.name = name
        super().__init__(
            "Ce fichier est introuvable dans le stockage. Nos équipes sont prévenues\u00a0; "
            "réessayez plus tard ou contactez-nous."
        )
