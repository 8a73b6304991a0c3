"""Uploaded files: accepted for what they contain, not for their name. A PDF must open
with pypdf, an image with Pillow; the size is capped; the stored name is a UUID."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError
from PIL.Image import DecompressionBombError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

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
