"""Uploaded files: accepted for what they contain, not for their name. A PDF must open
with pypdf, an image with Pillow; the size is capped; the stored name is a UUID. A ZIP
archive (an XLSX workbook) is measured from its directory before anything inflates it."""

import uuid
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError
from PIL.Image import DecompressionBombError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from common.exceptions import DomainError

MAX_UPLOAD_SIZE = 10 * 1024 * 1024

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}
LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def private_storage():
    """Files that no URL serves: a view checks the right to see them and streams them."""
    return storages["private"]


def sniff_kind(file) -> str | None:
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def validate_upload(file, *, kinds=("pdf", "jpeg", "png"), max_size=MAX_UPLOAD_SIZE) -> str:
    """Returns the file's kind, or raises a ValidationError with a French message."""
    allowed = ", ".join(LABELS[kind] for kind in kinds)
    if file.size > max_size:
        raise ValidationError(
            f"Le fichier dépasse la taille maximale de {max_size // (1024 * 1024)}\u00a0Mo.",
            code="too_large",
        )
    kind = sniff_kind(file)
    if kind not in kinds:
        raise ValidationError(
            f"Ce fichier n’est pas accepté. Formats acceptés\u00a0: {allowed}.", code="type"
        )
    try:
        _parse(file, kind)
    except (
        PyPdfError,
        UnidentifiedImageError,
        DecompressionBombError,
        OSError,
        ValueError,
    ) as error:
        raise ValidationError(
            "Ce fichier est illisible ou endommagé.", code="unreadable"
        ) from error
    finally:
        file.seek(0)
    return kind


def _parse(file, kind: str) -> None:
    file.seek(0)
    if kind == "pdf":
        reader = PdfReader(file)
        if len(reader.pages) == 0:
            raise ValueError("empty PDF")
    else:
        with Image.open(file) as image:
            image.verify()
        # verify() checks the structure only: decoding finds pixels that are missing or
        # truncated (and Pillow refuses decompression bombs on the way).
        file.seek(0)
        with Image.open(file) as image:
            image.load()


@deconstructible
class UuidUploadTo:
    """upload_to that renames every file to a UUID under `prefix`, keeping a known
    extension: a user-chosen name never reaches the storage."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        extension = PurePath(filename).suffix.lower().lstrip(".")
        extension = extension if extension in EXTENSIONS.values() else "bin"
        return f"{self.prefix}/{uuid.uuid4().hex}.{extension}"


class ArchiveRefused(DomainError):
    """A ZIP archive that would cost too much to open; the message says why."""


# An XLSX's XML parts inflate 5 to 20 times; a hundred times is already a file built to
# be small. Parts under a megabyte are never a threat, whatever their ratio.
MAX_ARCHIVE_RATIO = 100
ARCHIVE_RATIO_FLOOR = 1024 * 1024
MAX_ARCHIVE_ENTRIES = 500


def archive_check(file, *, max_uncompressed: int, max_ratio: int = MAX_ARCHIVE_RATIO) -> None:
    """Refuses (ArchiveRefused) a ZIP archive whose parts would inflate past
    `max_uncompressed` bytes in all, or one of whose large parts is compressed more than
    `max_ratio` times, reading only its central directory. The sizes it declares are
    safe to trust: Python's zipfile never inflates a part past its declared size."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveRefused("Ce fichier est illisible ou endommagé.") from error
    finally:
        file.seek(0)
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise ArchiveRefused(
            f"Ce fichier contient plus de {MAX_ARCHIVE_ENTRIES}\u00a0éléments compressés\u00a0: "
            "il n’est pas accepté."
        )
    for entry in entries:
        if entry.file_size > ARCHIVE_RATIO_FLOOR and (
            entry.file_size > max_ratio * max(entry.compress_size, 1)
        ):
            raise ArchiveRefused(
                "Ce fichier est compressé de façon anormale (plus de "
                f"{max_ratio}\u00a0fois)\u00a0: il n’est pas accepté. Enregistrez de nouveau "
                "votre tableau depuis votre tableur."
            )
    if sum(entry.file_size for entry in entries) > max_uncompressed:
        raise ArchiveRefused(
            "Ce fichier dépasse "
            f"{max_uncompressed // (1024 * 1024)}\u00a0Mo une fois décompressé\u00a0: "
            "découpez-le en plusieurs fichiers."
        )
