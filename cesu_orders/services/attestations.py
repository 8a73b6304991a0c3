"""Annual attestations (Code du travail D7233-8): for the year ended, each bénéficiaire
gets the number of CESU received, their face value and the share its employer financed.
Which orders count, and for which year, is `cesu_orders.aid`; the figures are read by
`selectors.yearly`.

« Générer les attestations » starts a `Job` and queues its bénéficiaires in batches that
several workers may render at once; each batch stores its PDFs in its own short
transaction and moves the progress bar (a worker that dies loses one batch at most, and
a batch delivered again renders nothing twice); the batch that completes the job queues
the ZIP of every current attestation. An attestation is issued
once: when an order counted later changes a bénéficiaire's figures, the next generation
issues a new one and keeps the old one, superseded. « Envoyer aux bénéficiaires »
(primary manager) e-mails each current attestation with an address once: `sent_at` is
set in the transaction that writes its outbox row, under the attestation's idempotency
key, so that a second click, a task delivered twice or a retry never sends it again.
"""

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, Organization, User
from accounts.selectors import active_members
from common.exceptions import DomainError
from common.queue import enqueue_on_commit
from notifications.pdf import render_pdf
from notifications.services import notify

from ..models import Attestation, Beneficiary, Funder, Job
from ..selectors.yearly import (
    attestation_state,
    attestations_current,
    ceiling_of,
    figures_by_beneficiary,
    organizations_with_aid,
)
from .jobs import job_advance, job_fail, job_finish, job_start, lock_job, zip_of

NBSP = "\u00a0"
# PDFs rendered per task: a batch stores its PDFs on its own and moves the progress bar.
BATCH = 50
# E-mails queued per task.
SEND_BATCH = 200

BUSY = (
    "Une génération ou un envoi des attestations est déjà en cours (lancé par {who} "
    f"{{when}}){NBSP}: attendez qu’il se termine, la page indique son avancement."
)


class AttestationRefused(DomainError):
    """The attestations cannot be generated or sent now; the message says why."""


def check_year_ended(year: int, *, today: date) -> None:
    """Attestations are for a year ended: from 1 January of the next year."""
    if year >= today.year:
        raise AttestationRefused(
            f"L’année {year} n’est pas terminée{NBSP}: ses attestations pourront être "
            f"établies à partir du 1er janvier {year + 1}.",
            field="year",
        )


# Generation


@transaction.atomic
def attestations_generate(*, organization: Organization, user: User, year: int) -> Job:
    """« Générer les attestations » of `year`: a job for the bénéficiaires whose
    attestation is missing or out of date, split in batches that any worker may render
    at the same time. Refused for a year not ended, while a generation or a sending
    runs, and when there is nothing to do."""
    check_year_ended(year, today=timezone.localdate())
    job = job_start(
        organization=organization,
        user=user,
        kind=Job.Kind.ATTESTATIONS,
        exclusive_with=[Job.Kind.ATTESTATIONS_SENDING],
        busy_message=BUSY,
        year=year,
    )
    state = attestation_state(organization=organization, year=year)
    if not state.has_figures:
        raise AttestationRefused(
            f"Vos bénéficiaires n’ont reçu aucun CESU en {year}{NBSP}: il n’y a pas "
            "d’attestation à établir."
        )
    if state.is_up_to_date:
        raise AttestationRefused(
            f"Les attestations {year} sont déjà à jour{NBSP}: aucune commande comptée "
            "n’a changé depuis leur génération."
        )
    batches = [
        state.to_generate[start : start + BATCH]
        for start in range(0, len(state.to_generate), BATCH)
    ]
    job.total, job.parts = len(state.to_generate), len(batches)
    job.save(update_fields=["total", "parts"])
    for part, batch in enumerate(batches):
        enqueue_on_commit("cesu_orders.tasks.generate_attestations", job.pk, part, batch)
    return job


def attestations_generate_batch(*, job_id: int, part: int, beneficiary_ids: list[int]) -> None:
    """Part `part` of the job: renders the PDFs of `beneficiary_ids` whose attestation is
    still missing or out of date (a part delivered again renders nothing twice), stores
    them in a short transaction and counts the part done; the part that completes the
    job queues its ZIP. A failure closes the job with its error, so that the manager may
    start again."""
    try:
        _generate_batch(job_id, part, beneficiary_ids)
    except Exception as error:
        job_fail(job=Job(pk=job_id), error=f"{type(error).__name__}: {error}")
        raise


def _generate_batch(job_id: int, part: int, beneficiary_ids: list[int]) -> None:
    job = Job.objects.select_related("organization").filter(pk=job_id).first()
    if job is None or not job.is_running:
        return
    organization, year = job.organization, job.year
    figures = figures_by_beneficiary(
        organization=organization, year=year, beneficiary_ids=beneficiary_ids
    )
    current = {
        a.beneficiary_id: a.figures
        for a in attestations_current(organization=organization, year=year).filter(
            beneficiary_id__in=beneficiary_ids
        )
    }
    pending = [f for pk, f in figures.items() if current.get(pk) != f.as_tuple]
    # The slow part, outside any transaction: no lock is held while rendering.
    attestations = _render(job, pending)
    with transaction.atomic():
        _store(job, attestations)
        _part_done(job_id, part, len(beneficiary_ids))


def _render(job: Job, batch: list) -> list[Attestation]:
    """The attestations of `batch` (figures), each with its PDF stored."""
    organization, year = job.organization, job.year
    funder = Funder.objects.get(organization=organization)
    beneficiaries = Beneficiary.objects.for_organization(organization).in_bulk(
        [figures.beneficiary_id for figures in batch]
    )
    ceiling = ceiling_of(year)
    now = timezone.now()
    attestations = []
    for figures in batch:
        beneficiary = beneficiaries[figures.beneficiary_id]
        attestation = Attestation(
            organization=organization,
            year=year,
            beneficiary=beneficiary,
            beneficiary_name=str(beneficiary),
            vouchers=figures.vouchers,
            face_total=figures.face_total,
            employer_share=figures.employer_share,
            ceiling=ceiling,
            job=job,
        )
        pdf = attestation_pdf_bytes(attestation, funder=funder, issued_on=now)
        attestation.pdf.save(attestation.file_name, ContentFile(pdf), save=False)
        attestations.append(attestation)
    return attestations


def _store(job: Job, attestations: list[Attestation]) -> None:
    """Issues `attestations`, superseding the ones they replace."""
    Attestation.objects.filter(
        organization=job.organization,
        year=job.year,
        beneficiary_id__in=[a.beneficiary_id for a in attestations],
        superseded_at__isnull=True,
    ).update(superseded_at=timezone.now())
    Attestation.objects.bulk_create(attestations)


def _part_done(job_id: int, part: int, count: int) -> None:
    """Counts `part` (of `count` bénéficiaires) done under the job's row lock, once
    however often it is delivered; the part that completes the job queues the ZIP."""
    job = lock_job(job_id)
    if job is None or part in job.parts_done:
        return
    job.parts_done = [*job.parts_done, part]
    job.done = min(job.total, job.done + count)
    job.save(update_fields=["parts_done", "done", "updated_at"])
    if len(job.parts_done) >= job.parts:
        enqueue_on_commit("cesu_orders.tasks.zip_attestations", job.pk)


def attestations_zip(*, job_id: int) -> None:
    """The ZIP of every current attestation of the job's year, read from the storage;
    the job is then done."""
    try:
        _zip(job_id)
    except Exception as error:
        job_fail(job=Job(pk=job_id), error=f"{type(error).__name__}: {error}")
        raise


@transaction.atomic
def _zip(job_id: int) -> None:
    job = lock_job(job_id)
    if job is None:
        return
    current = attestations_current(organization=job.organization, year=job.year)
    job_finish(
        job=job,
        file_name=f"attestations-cesu-{job.year}.zip",
        content=zip_of(
            (_name_in_zip(a), a.pdf)
            for a in current.select_related("beneficiary").order_by("beneficiary_name")
        ),
    )


def attestation_pdf_bytes(attestation: Attestation, *, funder: Funder, issued_on) -> bytes:
    """The attestation's PDF, from templates/pdf/cesu_attestation.html."""
    return render_pdf(
        "pdf/cesu_attestation.html",
        {
            "attestation": attestation,
            "beneficiary": attestation.beneficiary,
            "funder": funder,
            "issued_on": issued_on,
            "issuer": settings.CESU_ISSUER,
        },
    )


def _name_in_zip(attestation: Attestation) -> str:
    """« 2025-martin-emilie-1a2b3c4d.pdf »: readable, and unique for namesakes."""
    name = slugify(attestation.beneficiary_name) or "beneficiaire"
    return f"{attestation.year}-{name}-{str(attestation.beneficiary.public_id)[:8]}.pdf"


# Sending


@transaction.atomic
def attestations_send(*, organization: Organization, user: User, year: int) -> Job:
    """« Envoyer aux bénéficiaires »: a job that e-mails each current attestation not
    sent yet to its bénéficiaire's address. Refused when the attestations are missing or
    out of date, while a generation or a sending runs, and when all are sent already."""
    check_year_ended(year, today=timezone.localdate())
    job = job_start(
        organization=organization,
        user=user,
        kind=Job.Kind.ATTESTATIONS_SENDING,
        exclusive_with=[Job.Kind.ATTESTATIONS],
        busy_message=BUSY,
        year=year,
    )
    state = attestation_state(organization=organization, year=year)
    if not state.current:
        raise AttestationRefused(
            f"Générez d’abord les attestations {year}, puis envoyez-les à vos bénéficiaires."
        )
    if state.to_generate:
        raise AttestationRefused(
            f"{len(state.to_generate)} attestation(s) {year} manquent ou ne sont plus à jour"
            f"{NBSP}: générez les attestations de nouveau avant de les envoyer."
        )
    if not state.unsent:
        raise AttestationRefused(
            f"Toutes les attestations {year} des bénéficiaires qui ont une adresse e-mail "
            f"ont déjà été envoyées{NBSP}: aucune n’a été envoyée une seconde fois."
        )
    job.total = state.unsent
    job.save(update_fields=["total"])
    enqueue_on_commit("cesu_orders.tasks.send_attestations", job.pk)
    return job


def attestations_send_step(*, job_id: int) -> None:
    try:
        _send_step(job_id)
    except Exception as error:
        job_fail(job=Job(pk=job_id), error=f"{type(error).__name__}: {error}")
        raise


@transaction.atomic
def _send_step(job_id: int) -> None:
    job = lock_job(job_id)
    if job is None:
        return
    batch = list(
        attestations_current(organization=job.organization, year=job.year)
        .filter(sent_at__isnull=True)
        .exclude(beneficiary__email="")
        .select_related("beneficiary")
        .order_by("pk")[:SEND_BATCH]
    )
    if not batch:
        job_finish(job=job)
        return
    funder = Funder.objects.get(organization=job.organization)
    now = timezone.now()
    for attestation in batch:
        _send(attestation, funder=funder, now=now)
    Attestation.objects.bulk_update(batch, ["sent_at", "sent_to", "notification"])
    job_advance(job=job, by=len(batch))
    enqueue_on_commit("cesu_orders.tasks.send_attestations", job.pk)


def _send(attestation: Attestation, *, funder: Funder, now) -> None:
    beneficiary = attestation.beneficiary
    (notification,) = notify(
        "cesu_attestation",
        email=beneficiary.email,
        context={"attestation": attestation, "beneficiary": beneficiary, "funder": funder},
        idempotency_key=f"cesu_attestation:{attestation.public_id}",
        attachments=[
            {
                "name": f"attestation-cesu-{attestation.year}.pdf",
                "path": attestation.pdf.name,
                "mimetype": "application/pdf",
            }
        ],
    )
    attestation.sent_at, attestation.sent_to = now, beneficiary.email
    attestation.notification = notification


# The January reminder


def attestation_reminders(*, today: date) -> int:
    """In January, tells the primary manager(s) of each financeur whose bénéficiaires
    received CESU last year that their attestations are due, once per year: the beat job
    runs every day of January, and the idempotency key carries the year, so that the
    later runs queue nothing. Returns how many reminders were asked for."""
    if today.month != 1:
        return 0
    year = today.year - 1
    queued = 0
    for organization in Organization.objects.filter(pk__in=organizations_with_aid(year)):
        queued += _remind(organization, year)
    return queued


@transaction.atomic
def _remind(organization: Organization, year: int) -> int:
    state = attestation_state(organization=organization, year=year)
    if state.is_up_to_date and not state.unsent:
        return 0  # Generated and sent already: nothing to remind of.
    queued = 0
    for membership in active_members(organization.pk, [Membership.Role.PRIMARY]):
        user = membership.user
        if not user.email:
            continue
        notify(
            "cesu_attestation_reminder",
            email=user.email,
            context={
                "manager": user,
                "organization": organization,
                "year": year,
                "attestations_url": f"{settings.PORTAL_BASE_URL}"
                f"{reverse('cesu_orders:attestations')}?annee={year}",
            },
            idempotency_key=f"cesu_attestation_reminder:{year}:{organization.public_id}:{user.pk}",
            user=user,
        )
        queued += 1
    return queued
