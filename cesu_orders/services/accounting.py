"""The accountant's export: a financeur's invoices and credit notes of a period, as a CSV
(`exports.invoice_export_rows`, in the request) and their PDFs as a ZIP, built by a task
from the stored files."""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Organization, User
from common.exceptions import DomainError
from common.queue import enqueue_on_commit

from ..delivery_calendar import format_day
from ..models import Invoice, Job
from ..selectors.accounting import invoices_of_period
from .invoices import invoice_render_pdf
from .jobs import job_fail, job_finish, job_start, lock_job, zip_of

NBSP = "\u00a0"
# An accounting period is a year at most (one exercise, 29 February included).
MAX_PERIOD = timedelta(days=366)
BUSY = (
    "Une archive de factures est déjà en préparation (demandée par {who} {when})"
    f"{NBSP}: attendez qu’elle soit prête."
)


class PeriodRefused(DomainError):
    """The period asked for cannot be exported."""


def check_period(date_from: date, date_to: date) -> None:
    """A period that starts before it ends and lasts a year at most."""
    if date_from > date_to:
        raise PeriodRefused(
            f"La date de début ({format_day(date_from)}) est après la date de fin "
            f"({format_day(date_to)}){NBSP}: inversez-les.",
            field="au",
        )
    if date_to - date_from >= MAX_PERIOD:
        raise PeriodRefused(
            f"Choisissez une période d’un an au plus{NBSP}: exportez un exercice à la fois.",
            field="au",
        )


@transaction.atomic
def invoices_zip_start(
    *, organization: Organization, user: User, date_from: date, date_to: date
) -> Job:
    """« Préparer le ZIP des factures »: a job whose task gathers the PDFs of the
    invoices and credit notes issued between `date_from` and `date_to`."""
    check_period(date_from, date_to)
    count = invoices_of_period(
        organization=organization, date_from=date_from, date_to=date_to
    ).count()
    if not count:
        raise PeriodRefused(
            f"Aucune facture ni aucun avoir n’a été émis du {format_day(date_from)} au "
            f"{format_day(date_to)}."
        )
    job = job_start(
        organization=organization,
        user=user,
        kind=Job.Kind.INVOICES_ZIP,
        busy_message=BUSY,
        date_from=date_from,
        date_to=date_to,
        total=count,
    )
    enqueue_on_commit("cesu_orders.tasks.build_invoices_zip", job.pk)
    return job


def invoices_zip_build(*, job_id: int) -> None:
    try:
        _build(job_id)
    except Exception as error:
        job_fail(job=Job(pk=job_id), error=f"{type(error).__name__}: {error}")
        raise


@transaction.atomic
def _build(job_id: int) -> None:
    job = lock_job(job_id)
    if job is None:
        return
    invoices = list(
        invoices_of_period(
            organization=job.organization, date_from=job.date_from, date_to=job.date_to
        )
    )
    # A PDF the invoice task has not rendered yet (broker down) is rendered now, once.
    invoices = [
        invoice if invoice.pdf else invoice_render_pdf(invoice_id=invoice.pk)
        for invoice in invoices
    ]
    job.total = len(invoices)
    name = f"factures-cesu-{job.date_from:%Y%m%d}-{job.date_to:%Y%m%d}.zip"
    job_finish(job=job, file_name=name, content=zip_of(_files(job, invoices)))


def _files(job: Job, invoices: list[Invoice]):
    for invoice in invoices:
        # The query is the financeur's; this is the last guard before its files leave.
        if invoice.organization_id != job.organization_id:
            raise PermissionError("An invoice of another financeur in a ZIP.")
        yield f"{invoice.number}.pdf", invoice.pdf
