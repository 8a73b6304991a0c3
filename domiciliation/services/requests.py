"""Every write of a domiciliation request: the questionnaire, the proofs, sending the
file to several domiciliataires, and the company's withdrawal."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import email_verified
from common.exceptions import DomainError
from common.queue import enqueue_on_commit
from directory.models import Provider, ProviderCentre
from notifications.services import notify

from ..models import (
    DECLARED_FIELDS,
    Case,
    CaseStatus,
    ClientFile,
    Proof,
    ProofReview,
    ProofType,
)
from ..selectors import current_proofs
from .cases import NBSP, case_lock, case_log, case_move, company_email, notify_provider
from .instruction import advertised_offer

# One click sends the file to this many domiciliataires at most.
MAX_RECIPIENTS = 20
EMAIL_NOT_VERIFIED = (
    "Confirmez d’abord votre adresse e-mail en cliquant sur le lien que nous vous avons envoyé."
)


class RequestRefused(DomainError):
    """A change of the company's file or its sending that the rules refuse."""


# The questionnaire's steps, in order: (number, title).
STEPS = [
    (1, "L’entreprise"),
    (2, "Le représentant légal"),
    (3, "Les bénéficiaires effectifs"),
    (4, "Services et courrier"),
    (5, "Justificatifs"),
    (6, "Récapitulatif et envoi"),
]

REQUIRED_ANSWERS = {
    "company_status": "la situation de l’entreprise",
    "legal_form": "la forme juridique",
    "company_name": "la dénomination",
    "activity": "l’activité",
    "rep_civility": "la civilité du représentant",
    "rep_first_name": "le prénom du représentant",
    "rep_last_name": "le nom du représentant",
    "rep_birth_date": "la date de naissance du représentant",
    "rep_birth_place": "le lieu de naissance du représentant",
    "rep_nationality": "la nationalité du représentant",
    "rep_address": "l’adresse personnelle du représentant",
    "rep_email": "l’adresse e-mail du représentant",
    "rep_mobile": "le téléphone mobile du représentant",
    "mail_handling": "le traitement du courrier",
}


@transaction.atomic
def client_file_start(
    *,
    owner: User | None,
    provider: Provider | None = None,
    centre: ProviderCentre | None = None,
    selection: list[Provider] = (),
    services: list[str] = (),
) -> ClientFile:
    """A new questionnaire, started from a provider's « Demander une offre » or from the
    visitor's directory selection (those providers are preselected at sending), with the
    services a guide chose in advance (checked at the services step)."""
    client_file = ClientFile.objects.create(
        owner=owner, origin_provider=provider, origin_centre=centre, services=list(services)
    )
    if selection:
        client_file.preselected.set(selection)
    return client_file


@transaction.atomic
def client_file_claim(*, client_file: ClientFile, user: User) -> ClientFile:
    """The visitor has logged in or created an account: the draft is now theirs."""
    updated = ClientFile.objects.filter(pk=client_file.pk, owner__isnull=True).update(owner=user)
    client_file.refresh_from_db()
    if not updated and client_file.owner_id != user.pk:
        raise RequestRefused("Ce dossier appartient à un autre compte.")
    return client_file


# What the company's file says, as a case keeps it


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def declared_snapshot(client_file: ClientFile) -> dict:
    """The answers and beneficial owners of `client_file`, as JSON a case keeps."""
    return {
        "fields": {name: _plain(getattr(client_file, name)) for name in DECLARED_FIELDS},
        "owners": [
            {"first_name": o.first_name, "last_name": o.last_name, "share": str(o.share)}
            for o in client_file.beneficial_owners.order_by("pk")
        ],
    }


def _declare(case: Case, snapshot: dict) -> None:
    """Sets what `case` is decided on (not saved)."""
    fields = snapshot["fields"]
    case.declared_data = snapshot
    case.company_name = fields["company_name"]
    case.representative = f"{fields['rep_first_name']} {fields['rep_last_name']}".strip()
    case.__dict__.pop("declared", None)  # the cached ClientFile built from the old data


def _changed_labels(old: dict, new: dict) -> list[str]:
    """The questions whose answers differ between two snapshots, as the company read them."""
    labels = [
        str(ClientFile._meta.get_field(name).verbose_name)
        for name in DECLARED_FIELDS
        if old.get("fields", {}).get(name) != new["fields"].get(name)
    ]
    if old.get("owners") != new["owners"]:
        labels.append("bénéficiaires effectifs")
    return labels


def _refresh_undecided_cases(client_file: ClientFile, actor: User | None) -> None:
    """The company corrected its file: the cases still in S1 take the new answers, and
    their domiciliataires see when and what changed. A case already decided keeps what
    it was decided on."""
    snapshot = declared_snapshot(client_file)
    cases = Case.objects.select_for_update().filter(client_file=client_file, status=CaseStatus.S1)
    now = timezone.now()
    for case in cases.order_by("pk"):
        changed = _changed_labels(case.declared_data, snapshot)
        if not changed:
            continue
        _declare(case, snapshot)
        case.file_changed_at = now
        case.save(
            update_fields=[
                "declared_data",
                "company_name",
                "representative",
                "file_changed_at",
                "updated_at",
            ]
        )
        case_log(
            case,
            f"Dossier modifié par le client{NBSP}: {', '.join(changed)}",
            actor=actor,
        )


def _refuse_if_signed(client_file: ClientFile) -> None:
    if client_file.cases.filter(status=CaseStatus.SIGNED).exists():
        raise RequestRefused(
            f"Votre contrat est signé{NBSP}: votre dossier ne peut plus être modifié ici. "
            "Pour tout changement, adressez-vous à votre domiciliataire."
        )


@transaction.atomic
def client_file_save_step(
    *, client_file: ClientFile, step: int, fields: dict, actor: User | None = None
) -> ClientFile:
    """Saves one step's validated answers; missing answers never block saving. The
    cases still in S1 take the new answers; decided ones keep theirs. Once a contract is
    signed, the file is read-only."""
    client_file = ClientFile.objects.select_for_update().get(pk=client_file.pk)
    _refuse_if_signed(client_file)
    for name, value in fields.items():
        setattr(client_file, name, value)
    client_file.completed_step = max(client_file.completed_step, step)
    client_file.save()
    _refresh_undecided_cases(client_file, actor)
    return client_file


@transaction.atomic
def beneficial_owners_replace(
    *, client_file: ClientFile, owners: list[dict], actor: User | None = None
) -> None:
    client_file = ClientFile.objects.select_for_update().get(pk=client_file.pk)
    _refuse_if_signed(client_file)
    client_file.beneficial_owners.all().delete()
    client_file.beneficial_owners.bulk_create(
        client_file.beneficial_owners.model(client_file=client_file, **owner) for owner in owners
    )
    client_file.completed_step = max(client_file.completed_step, 3)
    client_file.save(update_fields=["completed_step", "updated_at"])
    _refresh_undecided_cases(client_file, actor)


@transaction.atomic
def proof_upload(
    *, client_file: ClientFile, proof_type: ProofType, upload, kind: str, actor: User
) -> Proof:
    """Stores a new version of a proof (already checked). The previous version is kept,
    superseded. In every case still in S1, the proof goes back to « à examiner » and the
    domiciliataire is told; a case already decided keeps the version it was decided on,
    and a closed one gets nothing."""
    client_file = ClientFile.objects.select_for_update().get(pk=client_file.pk)
    _refuse_if_signed(client_file)
    previous = client_file.proofs.filter(proof_type=proof_type, superseded_at__isnull=True)
    previous.update(superseded_at=timezone.now())
    proof = Proof.objects.create(
        client_file=client_file,
        proof_type=proof_type,
        file=upload,
        original_name=upload.name[:255],
        kind=kind,
        size=upload.size,
    )
    if proof.is_pdf:
        enqueue_on_commit("domiciliation.tasks.render_proof_preview", proof.pk)
    reviews = ProofReview.objects.filter(
        case__client_file=client_file, case__status=CaseStatus.S1, proof_type=proof_type
    ).select_related("case__provider")
    for review in reviews:
        review.proof = proof
        review.state = ProofReview.State.TO_REVIEW
        review.reason = ""
        review.save()
        case_log(review.case, f"Justificatif mis à jour{NBSP}: {proof_type}", actor=actor)
        notify_provider(
            review.case, "domiciliation_proof_updated", {"proof": proof}, key=f"proof:{proof.pk}"
        )
    return proof


def missing_before_sending(client_file: ClientFile, proof_types: list[ProofType]) -> list[str]:
    """What must be answered or provided before the file can be sent, in French."""
    missing = [
        f"Indiquez {label}."
        for name, label in REQUIRED_ANSWERS.items()
        if not getattr(client_file, name)
    ]
    if client_file.company_status == ClientFile.CompanyStatus.EXISTING and not client_file.siren:
        missing.append("Indiquez le SIREN de l’entreprise existante.")
    if client_file.needs_beneficial_owners and not client_file.beneficial_owners.exists():
        missing.append("Déclarez au moins un bénéficiaire effectif.")
    provided = current_proofs(client_file)
    missing += [
        f"Ajoutez le justificatif «{NBSP}{proof_type}{NBSP}»."
        for proof_type in proof_types
        if proof_type.required_for(client_file) and proof_type.pk not in provided
    ]
    return missing


@transaction.atomic
def client_file_send(
    *, client_file: ClientFile, providers: list[Provider], actor: User
) -> list[Case]:
    """« Faire suivre à plusieurs domiciliataires en 1 seul clic »: one case in S1 per
    provider that does not have one for this file yet. The file row is locked, so a double
    click creates nothing twice. Each provider's admins and agents get the « nouvelle
    demande de contrat » e-mail; the company gets the list of recipients. The company must
    have confirmed its e-mail address; one click reaches MAX_RECIPIENTS at most."""
    if not email_verified(actor):
        raise RequestRefused(EMAIL_NOT_VERIFIED)
    client_file = ClientFile.objects.select_for_update().get(pk=client_file.pk)
    _refuse_if_signed(client_file)
    proof_types = list(ProofType.objects.filter(is_active=True))
    missing = missing_before_sending(client_file, proof_types)
    if missing:
        raise RequestRefused(missing)
    if not providers:
        raise RequestRefused("Choisissez au moins un domiciliataire.")
    already = set(client_file.cases.values_list("provider_id", flat=True))
    proofs = current_proofs(client_file)
    snapshot = declared_snapshot(client_file)
    created = []
    for provider in providers[:MAX_RECIPIENTS]:
        if provider.pk in already or not provider.is_listed:
            continue
        chosen = (
            client_file.origin_centre if client_file.origin_provider_id == provider.pk else None
        )
        case = Case(
            client_file=client_file, provider=provider, **advertised_offer(provider, chosen)
        )
        _declare(case, snapshot)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            continue  # Sent a moment ago by another request.
        case.events.create(to_status=CaseStatus.S1, actor=actor, note="Dossier reçu")
        ProofReview.objects.bulk_create(
            ProofReview(
                case=case,
                proof_type=proof_type,
                proof=proofs.get(proof_type.pk),
                state=ProofReview.State.TO_REVIEW
                if proof_type.pk in proofs
                else ProofReview.State.MISSING,
            )
            for proof_type in proof_types
        )
        notify_provider(case, "domiciliation_new_case", {}, key="new")
        created.append(case)
    if created:
        email = company_email(client_file)
        if email:
            notify(
                "domiciliation_file_sent",
                email=email,
                context={"client_file": client_file, "cases": created},
                idempotency_key=f"file-sent:{client_file.public_id}:{created[0].public_id}",
                user=actor,
            )
    return created


@transaction.atomic
def case_withdraw(*, case: Case, actor: User) -> Case:
    """The company withdraws its request from this domiciliataire, who is told."""
    case = case_move(case_lock(case), CaseStatus.WITHDRAWN, actor=actor)
    notify_provider(case, "domiciliation_case_withdrawn", {}, key="withdrawn")
    return case
