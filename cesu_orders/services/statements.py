"""« Relevé des aides versées »: a financeur's CESU aid of a year, per month, and the
crédit d'impôt famille it opens (25 %, capped at 500 000 € a year: `aid`). The figures
are `selectors.yearly.aid_statement`; the PDF is rendered by a task and kept as issued,
the CSV for the accountant is written in the request (twelve rows)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from common.exceptions import DomainError
from common.queue import enqueue_on_commit
from notifications.pdf import render_pdf

from ..models import Funder, Job
from ..selectors.yearly import aid_statement
from .jobs import job_fail, job_finish, job_start, lock_job

NBSP = "\u00a0"
BUSY = (
    "Un relevé des aides est déjà en préparation (demandé par {who} {when})"
    f"{NBSP}: attendez qu’il soit prêt."
)


class StatementRefused(DomainError):
    """The statement cannot be prepared for this year."""


def check_statement_year(year: int, *, today) -> None:
    if year > today.year:
        raise StatementRefused(
            f"L’année {year} n’a pas commencé{NBSP}: choisissez une année passée ou "
            "l’année en cours.",
            field="year",
        )


@transaction.atomic
def aid_statement_start(*, organization: Organization, user: User, year: int) -> Job:
    """« Télécharger le relevé (PDF) » of `year`: a job whose task renders the PDF."""
    check_statement_year(year, today=timezone.localdate())
    job = job_start(
        organization=organization,
        user=user,
        kind=Job.Kind.AID_STATEMENT,
        busy_message=BUSY,
        year=year,
        total=1,
    )
    enqueue_on_commit("cesu_orders.tasks.render_aid_statement", job.pk)
    return job


def aid_statement_render(*, job_id: int) -> None:
    try:
        _render(job_id)
    except Exception as error:
        job_fail(job=Job(pk=job_id), error=f"{type(error).__name__}: {error}")
        raise


@transaction.atomic
def _render(job_id: int) -> None:
    job = lock_job(job_id)
    if job is None:
        return
    statement = aid_statement(
        organization=job.organization, year=job.year, today=timezone.localdate()
    )
    pdf = render_pdf(
        "pdf/cesu_aid_statement.html",
        {
            "statement": statement,
            "funder": Funder.objects.get(organization=job.organization),
            "issued_at": timezone.now(),
            "issuer": settings.CESU_ISSUER,
        },
    )
    job_finish(job=job, file_name=f"releve-aides-cesu-{job.year}.pdf", content=ContentFile(pdf))
