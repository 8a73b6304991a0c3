"""« Importer des bénéficiaires »: a preview first, then, once the manager confirms,
every row written in one transaction; the file is kept meanwhile in the private storage.
Reading the file (forms/beneficiary_file.py) and checking its rows, with BeneficiaryForm
holding every rule on a row's data (forms/beneficiary_import.py), are the input's job."""

import csv
import datetime
import hashlib
import io
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization
from common.uploads import private_storage

from ..forms.beneficiary_file import (
    COLUMNS,
    FIELDS,
    BeneficiaryImportError,
    ImportRow,
    beneficiary_file_rows,
)
from ..forms.beneficiary_import import beneficiary_rows_check
from ..models import Beneficiary
from ..models.beneficiaries import beneficiary_sort_name

BATCH_SIZE = 500
STORAGE_PREFIX = "beneficiary-imports"
CLAIM_TIMEOUT = 24 * 3600

STALE = (
    "Cet import n’est plus disponible ou ne concerne pas votre organisation\u00a0: "
    "importez le fichier de nouveau."
)


@dataclass
class ImportPreview:
    to_create: list[ImportRow]
    to_update: list[ImportRow]
    in_error: list[ImportRow]


@dataclass(frozen=True)
class StoredImport:
    token: str
    name: str
    sha256: str


def beneficiary_import_preview(*, organization: Organization, file) -> ImportPreview:
    """Reads the file and sorts its rows into created, updated (same matricule as a
    bénéficiaire of `organization`) and in error. Writes nothing."""
    rows = beneficiary_file_rows(file)
    beneficiary_rows_check(organization, rows)
    preview = ImportPreview(to_create=[], to_update=[], in_error=[])
    for row in rows:
        if row.errors:
            preview.in_error.append(row)
        elif row.instance.pk:
            preview.to_update.append(row)
        else:
            preview.to_create.append(row)
    return preview


# Writing


@transaction.atomic
def beneficiary_import_apply(
    *, organization: Organization, preview: ImportPreview
) -> tuple[int, int]:
    """Creates and updates every row of the preview, all or nothing, in a constant number
    of queries per batch of 500; refuses a preview with any row in error. Returns
    (created, updated)."""
    if preview.in_error:
        raise BeneficiaryImportError(
            "Le fichier contient des lignes en erreur\u00a0: corrigez-le puis importez-le de "
            "nouveau."
        )
    now = timezone.now()
    created = [row.instance for row in preview.to_create]
    updated = [row.instance for row in preview.to_update]
    for beneficiary in [*created, *updated]:
        beneficiary.organization = organization
        beneficiary.sort_name = beneficiary_sort_name(
            last_name=beneficiary.last_name, first_name=beneficiary.first_name
        )
        beneficiary.updated_at = now
    for beneficiary in updated:
        # Rows to update are written as an upsert on (organization, employee number):
        # one INSERT … ON CONFLICT DO UPDATE per batch, far cheaper than bulk_update's
        # CASE per column. The primary key must not take part in the INSERT.
        beneficiary.pk = None
    try:
        with transaction.atomic():
            Beneficiary.objects.bulk_create(created, batch_size=BATCH_SIZE)
            Beneficiary.objects.bulk_create(
                updated,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["organization", "employee_number"],
                update_fields=[
                    f for f in [*FIELDS, "sort_name", "updated_at"] if f != "employee_number"
                ],
            )
    except IntegrityError as error:
        # Another manager gave one of these matricules in the meantime.
        raise BeneficiaryImportError(
            "Les bénéficiaires ont changé pendant l’import\u00a0: importez le fichier de nouveau."
        ) from error
    return len(created), len(updated)


# The file kept between the preview and the confirmation


def beneficiary_import_store(*, file) -> StoredImport:
    """Keeps the uploaded file in the private storage under a fresh UUID."""
    file.seek(0)
    content = file.read()
    token = uuid.uuid4().hex
    name = private_storage().save(f"{STORAGE_PREFIX}/{token}", ContentFile(content))
    return StoredImport(token=token, name=name, sha256=hashlib.sha256(content).hexdigest())


def beneficiary_import_load(*, name: str, sha256: str) -> ContentFile:
    """The stored file, refused when it is gone or its content changed."""
    storage = private_storage()
    if not name.startswith(f"{STORAGE_PREFIX}/") or not storage.exists(name):
        raise BeneficiaryImportError(STALE)
    with storage.open(name) as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise BeneficiaryImportError(STALE)
    return ContentFile(content, name=name)


def beneficiary_import_discard(*, name: str) -> None:
    private_storage().delete(name)


def beneficiary_imports_purge(
    *, older_than: datetime.timedelta = datetime.timedelta(days=1)
) -> int:
    """Deletes the stored files of previews never confirmed: they hold personal data and
    serve nothing once the preview is stale. Returns how many were deleted."""
    storage = private_storage()
    try:
        # Object storage has no folders: listing the prefix is the only way to know.
        _, names = storage.listdir(STORAGE_PREFIX)
    except FileNotFoundError:  # on disk, before the first import
        return 0
    limit = timezone.now() - older_than
    stale = [
        f"{STORAGE_PREFIX}/{name}"
        for name in names
        if storage.get_modified_time(f"{STORAGE_PREFIX}/{name}") < limit
    ]
    for name in stale:
        storage.delete(name)
    return len(stale)


def beneficiary_import_claim(*, token: str) -> bool:
    """True for the first confirmation of an import only: an atomic claim in the shared
    cache, so that two simultaneous submits cannot both import."""
    return cache.add(_claim_key(token), True, timeout=CLAIM_TIMEOUT)


def beneficiary_import_is_claimed(*, token: str) -> bool:
    return bool(token) and cache.get(_claim_key(token)) is not None


def _claim_key(token: str) -> str:
    return f"cesu_beneficiary_import:{token}"


def beneficiary_import_template() -> str:
    """The CSV template: the header row and one example row, semicolon-separated."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    return output.getvalue()
