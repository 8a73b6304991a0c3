"""Slow work a manager asks for, done by Celery (`Job`): starting one (one of a kind at a
time per financeur), recording its progress, finishing it with its file, and building a
ZIP of stored files. The tasks of each kind call the services of their own module."""

import zipfile
from collections.abc import Iterable
from datetime import timedelta
from tempfile import SpooledTemporaryFile

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from common.exceptions import DomainError
from common.formats import french_datetime

from ..models import Funder, Job
from ..selectors.yearly import job_running

NBSP = "\u00a0"
# A job that has not moved for this long died with its worker (a task that raised, a
# killed process): the next request closes it instead of waiting for it for ever.
STALLED_AFTER = timedelta(minutes=15)
# ZIPs are built on disk past this size, never in memory.
SPOOL_MAX = 16 * 1024 * 1024


class JobRefused(DomainError):
    """The work cannot start: another one is running, or its input is refused."""


def lock_funder(organization: Organization) -> None:
    """Takes the financeur's row lock: the starts of its jobs then follow each other."""
    Funder.objects.select_for_update().filter(organization=organization).first()


def job_start(
    *,
    organization: Organization,
    user: User,
    kind: str,
    exclusive_with: Iterable[str] = (),
    busy_message: str,
    **fields,
) -> Job:
    """A new running job of `kind`, unless one of `kind` (or of `exclusive_with`) is
    running: then `busy_message` (« … lancée par {who} {when} … », `when` being « le
    5 janvier 2026 à 09 h 00 ») is refused. A running job that stalled is closed first.
    Call inside a transaction."""
    lock_funder(organization)
    kinds = [kind, *exclusive_with]
    running = job_running(organization=organization, kinds=kinds)
    if running is not None and running.updated_at < timezone.now() - STALLED_AFTER:
        job_fail(job=running, error="Interrompu sans nouvelles du traitement.")
        running = None
    if running is not None:
        who = running.created_by.get_full_name() or running.created_by.username
        when = f"le {french_datetime(running.created_at)}"
        raise JobRefused(busy_message.format(who=who, when=when))
    try:
        with transaction.atomic():
            return Job.objects.create(
                organization=organization, created_by=user, kind=kind, **fields
            )
    except IntegrityError as error:  # Another request started one a moment ago.
        raise JobRefused(
            busy_message.format(who="un autre gestionnaire", when="à l’instant")
        ) from error


def job_advance(*, job: Job, by: int) -> None:
    Job.objects.filter(pk=job.pk).update(done=F("done") + by, updated_at=timezone.now())


def job_finish(*, job: Job, file_name: str = "", content: File | None = None) -> Job:
    """Marks `job` done, with its file when it makes one."""
    if content is not None:
        job.file.save(file_name, content, save=False)
    job.finished_at = timezone.now()
    job.done = max(job.done, job.total)
    job.save(update_fields=["file", "finished_at", "done", "updated_at"])
    return job


def job_fail(*, job: Job, error: str) -> None:
    Job.objects.filter(pk=job.pk, finished_at__isnull=True).update(
        finished_at=timezone.now(), error=error[:2000], updated_at=timezone.now()
    )


def lock_job(job_id: int) -> Job | None:
    """The running job `job_id`, locked (a task delivered twice waits for the first);
    None when it is finished."""
    return (
        Job.objects.select_for_update(of=("self",))
        .select_related("organization", "created_by")
        .filter(pk=job_id, finished_at__isnull=True)
        .first()
    )


def zip_of(files: Iterable[tuple[str, object]]) -> File:
    """A ZIP of `(name in the archive, FieldFile)` pairs, read through the storage API
    (never a local path: the files may be in a bucket), spooled to disk past 16 MB.
    PDFs are already compressed: they are stored as they are."""
    # Returned open: the caller saves it to the storage, then it is collected.
    spool = SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, field_file in files:
            with (
                field_file.storage.open(field_file.name, "rb") as source,
                archive.open(name, "w", force_zip64=True) as target,
            ):
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    spool.seek(0)
    return File(spool)
