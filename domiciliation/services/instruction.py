"""The domiciliataire instructs a case: reviews the proofs (« Mettre à jour »), sets the
offer, then accepts the case or « classe sans suite ». Each service locks the case, so
that two agents acting at once are served one after the other."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.formats import french_date, french_datetime
from common.money import format_euros
from common.validators import uuid_or_none
from directory.models import Provider, ProviderCentre

from ..models import MIN_CONTRACT_MONTHS, Case, CaseStatus, ContractTemplate, Proof, ProofReview
from ..selectors import case_reviews
from .cases import NBSP, CaseRefused, case_lock, case_log, case_move, notify_company

# « Le client dispose de 7 jours pour faire le premier paiement. »
PAYMENT_DELAY = timedelta(days=7)


class StaleReview(CaseRefused):
    """The company replaced a proof after the page was shown: nothing is saved."""


@dataclass(frozen=True)
class ReviewDecision:
    """The state a domiciliataire gives to one proof version, with the reason of an
    invalidation."""

    proof_id: str
    state: str
    reason: str = ""


# The deadline falls at the end of a day, a time a person remembers: « avant le
# 29 octobre 2026 à 23 h 59 ».
END_OF_DAY = time(23, 59)


def payment_deadline(accepted_at: datetime) -> datetime:
    """The one rule for the first payment's deadline: the end (23 h 59, Paris time) of
    the seventh day after acceptance, and never less than 7 days (a case accepted at
    23 h 59 m 30 s gets 7 days to the second). Summer time changes nothing: the day is
    counted on the Paris calendar."""
    local = timezone.localtime(accepted_at)
    end_of_seventh_day = timezone.make_aware(
        datetime.combine(local.date() + PAYMENT_DELAY, END_OF_DAY)
    )
    # In UTC: 7 days of real time, whatever the clocks do.
    return max(end_of_seventh_day, accepted_at.astimezone(UTC) + PAYMENT_DELAY)


@transaction.atomic
def case_review_proofs(
    *, case: Case, decisions: list[ReviewDecision], actor: User
) -> list[ProofReview]:
    """« Mettre à jour »: saves every proof's state at once and sends the company one
    recap e-mail. A decision about a proof version the company has since replaced, or
    about a proof of another file, saves nothing."""
    case = case_lock(case)
    if not case.proofs_reviewable:
        raise CaseRefused(
            f"Ce dossier est «{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: ses "
            "justificatifs ne peuvent plus être examinés."
        )
    reviews = list(case.reviews.select_related("proof", "proof_type").filter(proof__isnull=False))
    by_proof = {str(review.proof.public_id): review for review in reviews}
    for decision in decisions:
        review = by_proof.get(decision.proof_id)
        if review is None:
            _refuse_unknown_proof(case, decision.proof_id)
        if decision.state not in (ProofReview.State.VALIDATED, ProofReview.State.INVALIDATED):
            raise CaseRefused(f"Choisissez «{NBSP}Validé{NBSP}» ou «{NBSP}Invalidé{NBSP}».")
        reason = decision.reason.strip()
        if decision.state == ProofReview.State.INVALIDATED and not reason:
            raise CaseRefused(
                f"Indiquez le motif de l’invalidation de «{NBSP}{review.proof_type}{NBSP}»."
            )
        review.state = decision.state
        review.reason = reason if decision.state == ProofReview.State.INVALIDATED else ""
        review.save(update_fields=["state", "reason", "updated_at"])
    summary = ", ".join(f"{review.proof_type} {review.state_label}" for review in reviews)
    event = case_log(case, f"Justificatifs examinés{NBSP}: {summary}", actor=actor)
    all_reviews = case_reviews(case)
    has_invalidated = any(r.state == ProofReview.State.INVALIDATED for r in all_reviews)
    notify_company(
        case,
        "domiciliation_proofs_reviewed",
        {"reviews": all_reviews, "provider": case.provider, "has_invalidated": has_invalidated},
        key=f"review:{event.pk}",
        actor=actor,
    )
    return all_reviews


def _refuse_unknown_proof(case: Case, proof_id: str) -> None:
    replaced = Proof.objects.filter(
        public_id=uuid_or_none(proof_id),
        client_file_id=case.client_file_id,
        superseded_at__isnull=False,
    ).select_related("proof_type")
    proof = replaced.first()
    if proof is not None:
        raise StaleReview(
            f"Le client a remplacé «{NBSP}{proof.proof_type}{NBSP}» pendant votre examen"
            f"{NBSP}: rien n’a été enregistré. Examinez la nouvelle version."
        )
    raise CaseRefused("Ce justificatif ne fait pas partie de ce dossier.")


def advertised_offer(provider: Provider, centre: ProviderCentre | None) -> dict:
    """The offer a new case starts with, for the domiciliataire to confirm or adjust on
    the « Contrat » page: the centre the company chose (or the provider's only one), the
    price its directory profile advertises (« À partir de 29,00 € HT par mois ») and its
    minimum duration."""
    if centre is None or centre.provider_id != provider.pk:
        centres = list(provider.centres.all()[:2])
        centre = centres[0] if len(centres) == 1 else None
    return {
        "centre": centre,
        "monthly_price": provider.price_from if provider.price_from else None,
        "duration_months": max(MIN_CONTRACT_MONTHS, provider.min_contract_months),
    }


@transaction.atomic
def case_set_offer(
    *,
    case: Case,
    centre: ProviderCentre,
    monthly_price: Decimal,
    setup_fee: Decimal,
    billing_months: int,
    duration_months: int,
    actor: User,
) -> Case:
    """The offer written into the contract: the centre, the price and the duration. It
    is fixed once the case is accepted."""
    case = case_lock(case)
    if case.status != CaseStatus.S1:
        raise CaseRefused("L’offre ne peut plus être modifiée après la décision.")
    if centre.provider_id != case.provider_id:
        raise CaseRefused("Choisissez l’un de vos centres.")
    case.centre = centre
    case.monthly_price = monthly_price
    case.setup_fee = setup_fee
    case.billing_months = billing_months
    case.duration_months = duration_months
    case.save()
    case_log(
        case,
        f"Offre enregistrée{NBSP}: {centre.city}, premier paiement de "
        f"{format_euros(case.first_payment.incl_tax)} TTC, {duration_months}{NBSP}mois",
        actor=actor,
    )
    return case


def missing_for_acceptance(case: Case) -> list[str]:
    """Why the case cannot be accepted yet, in French: each required proof not validated,
    and the offer when it is not set."""
    reasons = [
        f"«{NBSP}{review.proof_type}{NBSP}» "
        f"{'ne sont' if review.proof_type.is_plural else 'n’est'} pas "
        f"{review.proof_type.agree('validé')} ({review.state_label})."
        for review in case.reviews.select_related("proof_type")
        if review.proof_type.required_for(case.declared)
        and review.state != ProofReview.State.VALIDATED
    ]
    if not case.has_offer:
        reasons.append("L’offre (centre et prix) n’est pas renseignée.")
    if not case.assessments.exists():
        reasons.append(
            f"L’évaluation des risques (vigilance LCB-FT) n’est pas enregistrée{NBSP}: onglet "
            f"«{NBSP}Vigilance{NBSP}»."
        )
    return reasons


@transaction.atomic
def case_accept(*, case: Case, actor: User) -> Case:
    """« Accepter le dossier »: every required proof is validated and the offer is set;
    the company has 7 days for the first payment and is told the amount and the date."""
    case = case_lock(case)
    if not case.is_awaiting_decision:
        # An expired case comes back through « Réactiver le dossier », which keeps its
        # late payment; acceptance is the decision on a case in S1 only.
        raise CaseRefused(
            f"Ce dossier est «{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: seul un dossier "
            "en attente de décision (S1) peut être accepté."
        )
    provider = case.provider
    if provider.approval_is_expired():
        raise CaseRefused(
            f"Votre agrément préfectoral a expiré le {french_date(provider.approval_expires_on)}"
            f"{NBSP}: vous ne pouvez pas accepter de nouveau dossier. Renseignez l’agrément "
            "renouvelé dans « Ma fiche annuaire »."
        )
    missing = missing_for_acceptance(case)
    if missing:
        raise CaseRefused("Le dossier ne peut pas être accepté" + NBSP + ": " + " ".join(missing))
    now = timezone.now()
    case = case_move(
        case,
        CaseStatus.ACCEPTED,
        actor=actor,
        note="Dossier accepté",
        decided_at=now,
        decided_by=actor,
        payment_due_at=payment_deadline(now),
    )
    notify_company(
        case,
        "domiciliation_case_accepted",
        {
            "provider": case.provider,
            "payment": case.first_payment,
            "due_at": french_datetime(case.payment_due_at),
        },
        key="accepted",
        actor=actor,
    )
    return case


@transaction.atomic
def case_dismiss(*, case: Case, reason: str, actor: User) -> Case:
    """« Classer sans suite », with a reason the company reads in its e-mail."""
    reason = reason.strip()
    if not reason:
        raise CaseRefused("Indiquez le motif du classement sans suite.")
    case = case_move(
        case_lock(case),
        CaseStatus.DISMISSED,
        actor=actor,
        note=f"Motif{NBSP}: {reason}",
        decided_at=timezone.now(),
        decided_by=actor,
        dismissal_reason=reason,
    )
    notify_company(
        case,
        "domiciliation_case_dismissed",
        {"provider": case.provider, "reason": reason},
        key="dismissed",
        actor=actor,
    )
    return case


@transaction.atomic
def contract_clauses_save(*, provider: Provider, clauses: str) -> ContractTemplate:
    """The domiciliataire's own clauses, used by its next contracts (the contracts
    already issued keep theirs)."""
    template, _ = ContractTemplate.objects.update_or_create(
        provider=provider, defaults={"clauses": clauses}
    )
    return template


@transaction.atomic
def contract_clauses_reset(*, provider: Provider) -> None:
    """Back to the staff's default clauses for the next contracts."""
    ContractTemplate.objects.filter(provider=provider).delete()
