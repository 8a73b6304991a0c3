"""Signing the contract: each party asks for a one-time code sent by SMS to its phone on
file, enters it and confirms. Once both have signed, the case is signed, the company's
other open requests are withdrawn, and the sealed contract and the attestation are made
and sent."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import Membership, User
from common.phones import masked_phone
from common.queue import enqueue_on_commit
from notifications.services import notify

from ..models import (
    Case,
    CaseDocument,
    CaseStatus,
    ClientFile,
    Invoice,
    Signature,
    SignatureCode,
)
from ..selectors import may_sign, signer_phone
from .billing import invoice_deliver
from .cases import (
    NBSP,
    CaseRefused,
    case_lock,
    case_log,
    case_move,
    notify_company,
    notify_provider,
)
from .contracts import contract_open
from .documents import (
    attachment,
    contract_document,
    final_documents,
    sha256,
)

CODE_VALIDITY = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
# A new code may be asked for once a minute: enough for a lost SMS, not for SMS bombing.
CODE_INTERVAL = timedelta(minutes=1)
# And at most 10 a day per signature: 50 guesses, and no SMS pumping through the portal.
MAX_CODES_PER_PERIOD = 10
# Across every signature: per phone number (a pumped number) and per IP address.
MAX_CODES_PER_PHONE = 15
MAX_CODES_PER_IP = 30
CODES_PERIOD = timedelta(days=1)
# The company's requests still open: withdrawn once it signs with one domiciliataire.
OPEN_STATUSES = [
    status for status, moves in Case.TRANSITIONS.items() if CaseStatus.WITHDRAWN in moves
]


class SignatureRefused(CaseRefused):
    """A signature the case, the signer or the code does not allow; nothing changed."""


@transaction.atomic
def signature_link_refused(*, signature: Signature, visitor: User) -> None:
    """Someone other than its signer opened a signing link: the attempt is written on the
    case's timeline, once per visitor however often they reload the page."""
    note = (
        f"Lien de signature ({signature.get_party_display().lower()}) ouvert par un autre "
        f"compte que celui du signataire{NBSP}: refusé"
    )
    case = signature.case
    if not case.events.filter(actor=visitor, note=note).exists():
        case_log(case, note, actor=visitor)


def _code_hash(signature: Signature, code: str) -> str:
    return salted_hmac("domiciliation.signature-code", f"{signature.public_id}:{code}").hexdigest()


def _lock(signature: Signature) -> tuple[Case, Signature]:
    # The client file first, then the case: signing may withdraw the file's other cases,
    # and two signatures of one file must not lock them in opposite orders.
    ClientFile.objects.select_for_update().filter(pk=signature.case.client_file_id).first()
    case = case_lock(signature.case)
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    signature.case = case
    return case, signature


def _refuse_unless_signable(case: Case, signature: Signature, user: User) -> None:
    if not may_sign(signature, user):
        raise SignatureRefused(
            "Ce lien de signature ne vous est pas destiné. Connectez-vous avec le compte "
            f"de {signature.get_party_display().lower()}."
        )
    if signature.signed_at:
        raise SignatureRefused("Ce contrat est déjà signé pour cette partie.")
    if case.status != CaseStatus.PAID:
        raise SignatureRefused(
            f"Ce dossier est «{NBSP}{case.get_status_display()}{NBSP}»{NBSP}: le contrat ne "
            "peut pas être signé."
        )


@transaction.atomic
def signature_request_code(
    *, signature: Signature, user: User, ip_address: str | None = None
) -> SignatureCode:
    """Sends a new 6-digit code by SMS to the signer's phone on file; only the latest code
    sent to a signer is checked, so earlier ones stop working. SMS cost money and can be
    pumped: besides the limits per signature, a phone number and an IP address get at
    most MAX_CODES_PER_PHONE and MAX_CODES_PER_IP codes a day."""
    case, signature = _lock(signature)
    _refuse_unless_signable(case, signature, user)
    phone = signer_phone(signature, user)
    if not phone:
        raise SignatureRefused(
            "Aucun téléphone mobile n’est enregistré pour recevoir le code. "
            + (
                "Contactez le domiciliataire."
                if signature.party == Signature.Party.COMPANY
                else "Renseignez votre mobile sur la page «\u00a0Équipe\u00a0»."
            )
        )
    now = timezone.now()
    code_refuse_if_too_many(
        own_codes=signature.codes.all(),
        user=user,
        phone=phone,
        ip_address=ip_address,
        now=now,
        refused=SignatureRefused,
        subject="ce contrat",
        shared=(SignatureCode.objects.all(),),
    )
    code = code_new()
    row = SignatureCode.objects.create(
        signature=signature,
        user=user,
        code_hash=_code_hash(signature, code),
        phone=phone,
        ip_address=ip_address,
        created_at=now,
        expires_at=now + CODE_VALIDITY,
    )
    notify(
        "domiciliation_signature_code",
        phone=phone,
        context={"code": code, "case": case, "provider": case.provider},
        idempotency_key=f"signature-code:{row.pk}",
        user=user,
        sensitive=True,
    )
    case_log(
        case,
        f"Code de signature envoyé par SMS au {masked_phone(phone)} "
        f"({signature.get_party_display().lower()})",
        actor=user,
    )
    return row


def signature_sign(
    *, signature: Signature, user: User, code: str, ip_address: str | None, user_agent: str
) -> Signature:
    """Signs with the code: it must be the last one sent to this signer, unexpired, and
    right within 5 attempts. A wrong code counts an attempt (kept) and signs nothing."""
    with transaction.atomic():
        case, signature = _lock(signature)
        _refuse_unless_signable(case, signature, user)
        now = timezone.now()
        active = signature.codes.filter(user=user, used_at__isnull=True).first()
        if code_accepted(active, _code_hash(signature, code.strip()), now=now,
                         refused=SignatureRefused):  # fmt: skip
            return _sign(
                case,
                signature,
                user,
                phone=active.phone,
                ip_address=ip_address,
                user_agent=user_agent,
            )
        left = MAX_CODE_ATTEMPTS - active.attempts
    # Outside the transaction: the attempt is counted even though the signature is refused.
    code_refuse_wrong(left, refused=SignatureRefused)


# The one-time codes sent by SMS, for the contract's signature and for any other act the
# company signs the same way (the postal proxy of its mailbox): their limits and their
# check live here once.


def code_new() -> str:
    """A 6-digit code."""
    return f"{secrets.randbelow(10**6):06d}"


def code_refuse_if_too_many(
    *,
    own_codes,
    user,
    phone: str,
    ip_address: str | None,
    now,
    refused,
    subject: str,
    shared,
) -> None:
    """Refuses (`refused`) a new code: within a minute of the last one sent to `user`
    among `own_codes` (the codes of what is signed), past MAX_CODES_PER_PERIOD a day for
    it, or past MAX_CODES_PER_PHONE / MAX_CODES_PER_IP a day in each of the `shared`
    code tables (every table of codes the caller knows: the layers above add theirs)."""
    last = own_codes.filter(user=user).order_by("-created_at").first()
    if last and now - last.created_at < CODE_INTERVAL:
        raise refused(
            "Un code vient de vous être envoyé. Patientez une minute avant d’en demander un autre."
        )
    if own_codes.filter(created_at__gte=now - CODES_PERIOD).count() >= MAX_CODES_PER_PERIOD:
        raise refused(
            f"Trop de codes ont été demandés pour {subject} aujourd’hui{NBSP}: réessayez "
            "demain ou contactez le service clients."
        )
    for codes in shared:
        recent = codes.filter(created_at__gte=now - CODES_PERIOD)
        if recent.filter(phone=phone).count() >= MAX_CODES_PER_PHONE or (
            ip_address and recent.filter(ip_address=ip_address).count() >= MAX_CODES_PER_IP
        ):
            raise refused(
                f"Trop de codes ont été envoyés aujourd’hui{NBSP}: réessayez demain ou "
                "contactez le service clients."
            )


def code_accepted(active, expected_hash: str, *, now, refused) -> bool:
    """Checks the code typed against `active`, the last unused code sent to the signer:
    unexpired and within MAX_CODE_ATTEMPTS. Right, it is used (True); wrong, one attempt
    is counted (False; the caller lets the transaction commit, then refuses with
    code_refuse_wrong)."""
    if active is None or active.expires_at <= now:
        raise refused("Ce code a expiré ou n’existe pas. Demandez un nouveau code.")
    if active.attempts >= MAX_CODE_ATTEMPTS:
        raise refused("Trop d’essais pour ce code. Demandez un nouveau code.")
    if constant_time_compare(active.code_hash, expected_hash):
        active.used_at = now
        active.save(update_fields=["used_at"])
        return True
    active.attempts += 1
    active.save(update_fields=["attempts"])
    return False


def code_refuse_wrong(left: int, *, refused) -> None:
    if left:
        raise refused(f"Code incorrect. Il vous reste {left}{NBSP}essai{'s' if left > 1 else ''}.")
    raise refused("Code incorrect. Demandez un nouveau code.")


def _sign(
    case: Case, signature: Signature, user: User, *, phone: str, ip_address, user_agent
) -> Signature:
    contract = contract_document(case_id=case.pk)
    with contract.file.open("rb") as file:
        signed_hash = sha256(file.read())
    if signed_hash != contract.sha256:
        raise SignatureRefused(f"Le contrat enregistré a été modifié{NBSP}: signature impossible.")
    now = timezone.now()
    signature.signer = user
    signature.signer_name = _signer_name(signature, user)
    signature.phone = phone
    signature.signed_at = now
    signature.ip_address = ip_address
    signature.user_agent = user_agent[:500]
    signature.document_sha256 = signed_hash
    signature.save()
    case_log(
        case,
        f"Contrat signé par {signature.signer_name} ({signature.get_party_display().lower()})"
        f", empreinte SHA-256 {signed_hash}",
        actor=user,
    )
    if not case.signatures.filter(signed_at__isnull=True).exists():
        case_sign(case, actor=user)
    return signature


def _signer_name(signature: Signature, user: User) -> str:
    if signature.party == Signature.Party.COMPANY:
        return signature.case.representative
    return user.get_full_name() or user.email


def case_sign(case: Case, *, actor: User) -> Case:
    """Both parties signed: the contract starts (on the wished date the case was decided
    on, or today) and runs, the company's other open requests are withdrawn, and the
    final documents are made."""
    now = timezone.now()
    today = timezone.localdate(now)
    wished = case.declared.start_date
    starts_on = max(wished, today) if wished else today
    case = case_move(
        case,
        CaseStatus.SIGNED,
        actor=actor,
        note="Contrat signé par les deux parties",
        signed_at=now,
        contract_starts_on=starts_on,
    )
    contract_open(case, actor=actor, starts_on=starts_on)
    siblings = Case.objects.filter(client_file_id=case.client_file_id, status__in=OPEN_STATUSES)
    for sibling in siblings.exclude(pk=case.pk).order_by("pk"):
        sibling = case_lock(sibling)
        if not sibling.can_be_withdrawn:
            continue  # withdrawn by the company meanwhile
        sibling = case_move(
            sibling,
            CaseStatus.WITHDRAWN,
            actor=actor,
            note="Le client a signé son contrat avec un autre domiciliataire",
            signed_elsewhere=True,
        )
        notify_provider(
            sibling, "domiciliation_case_withdrawn", {"signed_elsewhere": True}, key="withdrawn"
        )
    enqueue_on_commit("domiciliation.tasks.finalize_contract", case.pk)
    return case


@transaction.atomic
def contract_finalize(*, case_id: int) -> None:
    """Makes the sealed contract and the attestation of a signed case and sends them:
    the contract to both parties, the attestation to the company. Safe to run twice."""
    case = case_lock(Case(pk=case_id))
    signed, attestation = final_documents(case)
    company = case.client_file.company_name
    contract_file = attachment(signed, f"Contrat de domiciliation – {company}.pdf")
    notify_company(
        case,
        "domiciliation_contract_signed",
        {"provider": case.provider, "for_company": True},
        key="signed",
        attachments=[
            contract_file,
            attachment(attestation, f"Attestation de domiciliation – {company}.pdf"),
        ],
    )
    notify_provider(
        case,
        "domiciliation_contract_signed",
        {"provider": case.provider, "for_company": False},
        key="signed",
        roles=(Membership.Role.ADMIN,),
        attachments=[contract_file],
    )


# A task not done after this long was lost (broker down, worker killed): the beat job
# does its work.
CATCH_UP_AFTER = timedelta(minutes=10)
CATCH_UP_BATCH = 50


def documents_catch_up(*, now=None) -> int:
    """The safety net of the tasks queued on commit: contracts to sign, invoice PDFs and
    final documents still missing well after they were due are made (and sent) now.
    Returns how many were made."""
    late = (now or timezone.now()) - CATCH_UP_AFTER
    contracts = (
        Case.objects.filter(status=CaseStatus.PAID, paid_at__lt=late)
        .exclude(documents__kind=CaseDocument.Kind.CONTRACT)
        .values_list("pk", flat=True)[:CATCH_UP_BATCH]
    )
    invoices = Invoice.objects.filter(pdf="", created_at__lt=late).values_list("pk", flat=True)[
        :CATCH_UP_BATCH
    ]
    finals = (
        Case.objects.filter(status=CaseStatus.SIGNED, signed_at__lt=late)
        .exclude(documents__kind=CaseDocument.Kind.SIGNED_CONTRACT)
        .values_list("pk", flat=True)[:CATCH_UP_BATCH]
    )
    done = 0
    for case_id in list(contracts):
        contract_document(case_id=case_id)
        done += 1
    for invoice_id in list(invoices):
        invoice_deliver(invoice_id=invoice_id)
        done += 1
    for case_id in list(finals):
        contract_finalize(case_id=case_id)
        done += 1
    return done
