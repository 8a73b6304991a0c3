"""« Importer des bénéficiaires »: the uploaded file is kept in the private storage and a
task checks it into a preview (rows to create, to update, in error), with a progress the
page shows; once a manager confirms, every row of that preview is written in one
transaction, without checking the file again. Reading the file is
services/beneficiary_file.py's job, the rules on a row's data services/beneficiary_rules.py's.

The machinery of an import (its upload, its check claimed by its task with a progress, its
confirmation claimed once, its purge) serves « Importer un fichier de paie » as well
(services/payroll_import.py): `import_start`, `import_check`, `import_claim`.

Checking costs a constant number of queries whatever the number of rows: the catalogue,
the categories and the employee numbers are read once per file."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization, User
from common.queue import enqueue_on_commit

from ..models import Beneficiary, BeneficiaryImport, VoucherFormat
from ..models.beneficiaries import beneficiary_sort_name
from ..selectors import Catalogue, beneficiaries_by_employee_number
from .beneficiary_file import (
    BENEFICIARIES,
    COLUMNS,
    FIELDS,
    BeneficiaryImportError,
    FileLayout,
    ImportRow,
    beneficiary_file_rows,
    cell_value,
)
from .beneficiary_rules import RowRules, check_row

ROW_COLUMN = "ligne"
# The task writes its progress when it passes each quarter of the rows: three writes,
# whatever the size of the file.
PROGRESS_STEPS = 4
KEPT_FOR = datetime.timedelta(days=1)

STALE = "Cet import n’est plus disponible\u00a0: importez le fichier de nouveau."
ALREADY_DONE = "Cet import a déjà été traité."
CATALOGUE_CHANGED = (
    "Le catalogue a changé depuis l’aperçu\u00a0: importez le fichier de nouveau pour le "
    "vérifier avec les valeurs proposées aujourd’hui."
)


class ImportAlreadyDone(BeneficiaryImportError):
    """The import was confirmed already (a second click, or another manager)."""

    def __init__(self):
        super().__init__(ALREADY_DONE, field=None)


# The preview


@dataclass
class ImportPreview:
    to_create: list[ImportRow] = field(default_factory=list)
    to_update: list[ImportRow] = field(default_factory=list)
    in_error: list[ImportRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.to_create) + len(self.to_update) + len(self.in_error)

    def as_json(self) -> dict:
        """The preview as its import keeps it (JSON: dates and amounts as text)."""
        return {
            "create": [_row_json(row) for row in self.to_create],
            "update": [_row_json(row) for row in self.to_update],
            "errors": [
                {"line": row.line, "values": row.values, "errors": row.errors}
                for row in self.in_error
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportPreview":
        def rows(key: str) -> list[ImportRow]:
            return [
                ImportRow(line=row["line"], values={}, data=_from_json(row["data"]), pk=row["pk"])
                for row in data.get(key, [])
            ]

        return cls(
            to_create=rows("create"),
            to_update=rows("update"),
            in_error=[
                ImportRow(line=row["line"], values=row["values"], errors=row["errors"])
                for row in data.get("errors", [])
            ],
        )


def _row_json(row: ImportRow) -> dict:
    data = {name: _plain(value) for name, value in row.data.items()}
    return {"line": row.line, "pk": row.pk, "data": data}


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | str) or value is None:
        return value
    return str(value)  # Decimal


def _from_json(data: dict) -> dict:
    """The row's values as the model wants them back."""
    return {
        name: Beneficiary._meta.get_field(name).to_python(value) for name, value in data.items()
    }


def beneficiary_import_preview(*, organization: Organization, file, progress=None) -> ImportPreview:
    """Reads the file and sorts its rows into created, updated (same matricule as a
    bénéficiaire of `organization`) and in error, in a constant number of queries.
    Writes nothing; `progress(checked, total)` is called as the rows are checked."""
    rows = beneficiary_file_rows(file)
    numbers = {row.values.get("matricule", "") for row in rows} - {""}
    existing = beneficiaries_by_employee_number(organization, numbers, FIELDS)
    rules = RowRules.load(organization)
    duplicates = duplicate_lines(rows, lambda row: row.values.get("matricule", ""))
    report = progress_reporter(len(rows), progress)
    preview = ImportPreview()
    for index, row in enumerate(rows, start=1):
        number = row.values.get("matricule", "")
        current = existing.get(number)
        row.data, errors = _cells(row, current, rules)
        row.pk = current["pk"] if current else None
        for name, message in check_row(row.data, rules, pk=row.pk).items():
            column = COLUMN_BY_FIELD.get(name, ROW_COLUMN)
            errors.setdefault(column, message)
        if number in duplicates:
            errors["matricule"] = (
                "Ce matricule figure sur plusieurs lignes du fichier\u00a0: "
                f"lignes {', '.join(map(str, duplicates[number]))}."
            )
        if errors:
            row.errors, row.data, row.pk = in_file_order(errors, BENEFICIARIES), {}, None
            preview.in_error.append(row)
        elif row.pk:
            preview.to_update.append(row)
        else:
            preview.to_create.append(row)
        report(index)
    return preview


COLUMN_BY_FIELD = {column.field: column.name for column in COLUMNS}


def progress_reporter(total: int, progress):
    """A function of the row just checked that calls `progress(checked, total)` as it
    passes each quarter of the rows (never for the last: the task records the end)."""
    step = max(1, -(-total // PROGRESS_STEPS))

    def report(index: int) -> None:
        if progress is not None and index % step == 0 and index < total:
            progress(index, total)

    return report


def in_file_order(errors: dict[str, str], layout: FileLayout) -> dict[str, str]:
    """A row's errors in the order of the file's columns (the row's own first)."""
    return dict(sorted(errors.items(), key=lambda item: layout.order.get(item[0], -1)))


def duplicate_lines(rows, key) -> dict[object, list[int]]:
    """The lines of each `key(row)` found on more than one row (an empty key is none)."""
    lines: dict[object, list[int]] = {}
    for row in rows:
        if value := key(row):
            lines.setdefault(value, []).append(row.line)
    return {value: found for value, found in lines.items() if len(found) > 1}


def _cells(row: ImportRow, existing: dict | None, rules: RowRules) -> tuple[dict, dict]:
    """The row's values by field, and the cells that could not be read. A column the file
    lacks keeps the bénéficiaire's current value (or the default for a new one)."""
    if existing:
        data = {name: existing[name] for name in FIELDS}
    else:
        data = dict.fromkeys(FIELDS, "")
        data["usual_booklets"] = 1
    errors = {}
    for column in COLUMNS:
        value = row.values.get(column.name)
        if value is None or (column.name == "carnets" and not value):
            continue
        try:
            data[column.field] = cell_value(column.name, value, rules.categories) if value else ""
        except ValueError as error:
            errors[column.name] = str(error)
    for name in ("birth_date", "usual_usage_category"):
        if data[name] == "":
            data[name] = None
    data["usual_usage_category_id"] = data.pop("usual_usage_category")
    return data, errors


# The import: upload, check (task), confirmation


def beneficiary_import_start(
    *, organization: Organization, user: User, upload: File
) -> BeneficiaryImport:
    """Keeps the uploaded file and queues its check (`beneficiary_import_check`)."""
    return import_start(
        organization=organization,
        user=user,
        upload=upload,
        kind=BeneficiaryImport.Kind.BENEFICIARIES,
        task="cesu_orders.tasks.check_beneficiary_import",
    )


@transaction.atomic
def import_start(
    *, organization: Organization, user: User, upload: File, kind: str, task: str
) -> BeneficiaryImport:
    """Keeps the uploaded file for an import of `kind` and queues `task`, its check."""
    beneficiary_import = BeneficiaryImport(organization=organization, created_by=user, kind=kind)
    upload.seek(0)
    beneficiary_import.file.save("import.bin", upload, save=False)
    beneficiary_import.save()
    enqueue_on_commit(task, beneficiary_import.pk)
    return beneficiary_import


def beneficiary_import_check(*, import_id: int) -> None:
    import_check(import_id=import_id, preview_with=beneficiary_import_preview)


def import_check(*, import_id: int, preview_with) -> None:
    """The task: reads and checks the file into the import's preview with
    `preview_with(organization=, file=, progress=)`, or records why the whole file is
    refused. Claimed by a conditional UPDATE, so a task delivered twice checks once; its
    progress is written as it goes (no transaction around it: the page reads it
    meanwhile)."""
    claimed = BeneficiaryImport.objects.filter(
        pk=import_id, status=BeneficiaryImport.Status.PENDING
    ).update(status=BeneficiaryImport.Status.CHECKING)
    if not claimed:
        return
    beneficiary_import = BeneficiaryImport.objects.select_related("organization").get(pk=import_id)

    def progress(checked: int, total: int) -> None:
        BeneficiaryImport.objects.filter(pk=import_id).update(
            rows_checked=checked, rows_total=total
        )

    try:
        with beneficiary_import.file.open("rb") as file:
            preview = preview_with(
                organization=beneficiary_import.organization, file=file, progress=progress
            )
    except BeneficiaryImportError as refused:
        BeneficiaryImport.objects.filter(pk=import_id).update(
            status=BeneficiaryImport.Status.REFUSED, refusal=" ".join(refused.messages)
        )
        beneficiary_import.file.delete(save=False)
        return
    total = preview.total
    BeneficiaryImport.objects.filter(pk=import_id).update(
        status=BeneficiaryImport.Status.READY,
        preview=preview.as_json(),
        rows_checked=total,
        rows_total=total,
    )


@transaction.atomic
def beneficiary_import_apply(*, beneficiary_import: BeneficiaryImport) -> tuple[int, int]:
    """Writes every row of the import's preview, all or nothing, in a constant number of
    queries; refuses a preview with any row in error, and an
    import already written (two clicks: the second is refused by the conditional UPDATE
    that claims it). Returns (created, updated)."""
    preview = ImportPreview.from_json(import_claim(beneficiary_import))
    created, updated = _write(beneficiary_import.organization, preview)
    import_done(beneficiary_import, created_count=created, updated_count=updated)
    return created, updated


def import_claim(beneficiary_import: BeneficiaryImport) -> dict:
    """Claims a checked import for its confirmation by a conditional UPDATE (a second
    click, or another manager, gets ImportAlreadyDone) and returns its preview as kept.
    Call inside the confirmation's transaction."""
    claimed = BeneficiaryImport.objects.filter(
        pk=beneficiary_import.pk, status=BeneficiaryImport.Status.READY
    ).update(status=BeneficiaryImport.Status.APPLYING)
    if not claimed:
        raise ImportAlreadyDone
    return BeneficiaryImport.objects.values_list("preview", flat=True).get(pk=beneficiary_import.pk)


def import_done(beneficiary_import: BeneficiaryImport, **counts) -> None:
    """Marks a confirmed import done; its preview and, once committed, its file go."""
    BeneficiaryImport.objects.filter(pk=beneficiary_import.pk).update(
        status=BeneficiaryImport.Status.DONE, preview={}, **counts
    )
    transaction.on_commit(lambda: beneficiary_import.file.delete(save=False))


def _write(organization: Organization, preview: ImportPreview) -> tuple[int, int]:
    if preview.in_error:
        raise BeneficiaryImportError(
            "Le fichier contient des lignes en erreur\u00a0: corrigez-le puis importez-le de "
            "nouveau."
        )
    catalogue = Catalogue.load()
    now = timezone.now()
    created, updated = [], []
    for rows, found in ((preview.to_create, created), (preview.to_update, updated)):
        for row in rows:
            _check_catalogue(row.data, catalogue)
            beneficiary = Beneficiary(organization=organization, **row.data)
            beneficiary.sort_name = beneficiary_sort_name(
                last_name=beneficiary.last_name, first_name=beneficiary.first_name
            )
            beneficiary.updated_at = now
            found.append(beneficiary)
    update_fields = [
        name for name in [*FIELDS, "sort_name", "updated_at"] if name != "employee_number"
    ]
    try:
        with transaction.atomic():
            # One INSERT for the rows to create, one for the rows to update (on SQLite, as
            # few as its parameter limit allows): the queries do not grow with the file.
            Beneficiary.objects.bulk_create(created)
            # Rows to update are written as an upsert on (organization, employee number):
            # INSERT … ON CONFLICT DO UPDATE, far cheaper than bulk_update's CASE per column.
            Beneficiary.objects.bulk_create(
                updated,
                update_conflicts=True,
                unique_fields=["organization", "employee_number"],
                update_fields=update_fields,
            )
    except IntegrityError as error:
        # Another manager gave one of these matricules in the meantime.
        raise BeneficiaryImportError(
            "Les bénéficiaires ont changé pendant l’import\u00a0: importez le fichier de nouveau."
        ) from error
    return len(created), len(updated)


def _check_catalogue(data: dict, catalogue: Catalogue) -> None:
    """The preview was checked against the catalogue of its day: refuse it if staff have
    withdrawn a value it uses since."""
    if (
        data["usual_usage_category_id"] not in catalogue.categories
        or data["usual_face_value"] not in catalogue.face_values
        or data["usual_vouchers_per_booklet"] not in catalogue.booklet_sizes
    ):
        raise BeneficiaryImportError(CATALOGUE_CHANGED)


# What the preview page shows


@dataclass(frozen=True, kw_only=True)
class ShownRow:
    line: int
    name: str
    employee_number: str
    category: str
    voucher_format: str
    face_value: Decimal
    employer_share: Decimal
    booklets: int
    vouchers_per_booklet: int


@dataclass(frozen=True, kw_only=True)
class PreviewSummary:
    """The counts of an import's preview, every row in error (up to `shown`), and the
    first `shown` rows to create and to update."""

    to_create: int
    to_update: int
    in_error: int
    errors: list[ImportRow]
    created: list[ShownRow]
    updated: list[ShownRow]
    shown: int


def preview_summary(beneficiary_import: BeneficiaryImport, *, shown: int) -> PreviewSummary:
    data = beneficiary_import.preview
    preview = ImportPreview.from_json(
        {
            "create": data["create"][:shown],
            "update": data["update"][:shown],
            "errors": data["errors"][:shown],
        }
    )
    categories = {pk: c.label for pk, c in Catalogue.load().categories.items()}
    civilities = dict(Beneficiary.Civility.choices)
    formats = dict(VoucherFormat.choices)

    def shown_row(row: ImportRow) -> ShownRow:
        values = row.data
        return ShownRow(
            line=row.line,
            name=f"{civilities[values['civility']]} {values['last_name']} {values['first_name']}",
            employee_number=values["employee_number"] or "",
            category=categories.get(values["usual_usage_category_id"], ""),
            voucher_format=formats[values["usual_format"]],
            face_value=values["usual_face_value"],
            employer_share=values["usual_employer_share"],
            booklets=values["usual_booklets"],
            vouchers_per_booklet=values["usual_vouchers_per_booklet"],
        )

    return PreviewSummary(
        to_create=len(data["create"]),
        to_update=len(data["update"]),
        in_error=len(data["errors"]),
        errors=preview.in_error,
        created=[shown_row(row) for row in preview.to_create],
        updated=[shown_row(row) for row in preview.to_update],
        shown=shown,
    )


def beneficiary_imports_purge(*, older_than: datetime.timedelta = KEPT_FOR) -> int:
    """Deletes the imports older than a day, their files and previews: they hold personal
    data and serve nothing once written or left. Returns how many were deleted."""
    stale = list(BeneficiaryImport.objects.filter(created_at__lt=timezone.now() - older_than))
    for beneficiary_import in stale:
        if beneficiary_import.file:
            beneficiary_import.file.delete(save=False)
    BeneficiaryImport.objects.filter(pk__in=[i.pk for i in stale]).delete()
    return len(stale)


def beneficiary_import_template() -> str:
    """The CSV template: the header row and one example row, semicolon-separated."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    return output.getvalue()
