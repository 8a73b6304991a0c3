"""« S'inscrire en ligne »: a financeur proves who it is with its client reference, one
of its three latest invoices and that invoice's amount TTC (printed on the invoice only
its holder has: client references and invoice numbers are sequential, hence guessable).
The primary manager is created, and the temporary password sent, automatically only
when the e-mail given is the financeur's contact address on file; every other request
waits for staff (« sous 12 heures »), and a later accepted one supersedes it."""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.selectors import active_members
from accounts.services import membership_create, user_set_temporary_password
from cesu_orders.models import Funder, Invoice, RegistrationRequest
from common.exceptions import DomainError
from common.formats import french_datetime
from notifications.services import notify

Reason = RegistrationRequest.Reason
Status = RegistrationRequest.Status

LATEST_INVOICES = 3
RATE_WINDOW_SECONDS = 3600
RATE_LIMIT_PER_IP = 10
RATE_LIMIT_PER_REFERENCE = 5


class RegistrationError(DomainError):
    """A staff decision that the rules refuse; the message is shown in the admin."""


def registration_normalize_reference(client_reference: str) -> str:
    return client_reference.strip().upper()


def registration_consume_attempt(*, ip_address: str | None, client_reference: str) -> bool:
    """Counts one submission against the hourly limits (10 per IP, 5 per client
    reference); False once either limit is exceeded."""
    reference = registration_normalize_reference(client_reference)
    ip_ok = _consume(f"cesu_registration:ip:{ip_address}", RATE_LIMIT_PER_IP)
    reference_ok = _consume(f"cesu_registration:ref:{reference}", RATE_LIMIT_PER_REFERENCE)
    return ip_ok and reference_ok


def _consume(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # The key expired between add() and incr().
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count <= limit


@transaction.atomic
def registration_submit(
    *,
    client_reference: str,
    invoice_number: str,
    invoice_amount: Decimal,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    ip_address: str | None,
) -> RegistrationRequest:
    """Stores the request. When the reference exists, the invoice is among its three
    latest (by issue date) with that amount TTC, the e-mail is the financeur's contact
    address on file and no primary manager exists, creates the primary manager and
    e-mails it a temporary password (APPROVED, the reference's earlier pending requests
    SUPERSEDED); otherwise the request waits for staff (PENDING, with the reason) and
    nothing else is created."""
    reference = registration_normalize_reference(client_reference)
    funder = Funder.objects.select_for_update().filter(client_reference=reference).first()
    registration = RegistrationRequest(
        client_reference=reference,
        invoice_number=invoice_number.strip(),
        invoice_amount=invoice_amount,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=phone,
        terms_accepted_at=timezone.now(),
        ip_address=ip_address,
        funder=funder,
    )
    reason = _mismatch_reason(funder=funder, registration=registration)
    if reason is None:
        registration.status, registration.reason = Status.APPROVED, Reason.MATCHED
        registration.save()
        _manager_create(registration=registration, funder=funder)
    else:
        registration.status, registration.reason = Status.PENDING, reason
        registration.save()
    return registration


def _mismatch_reason(*, funder: Funder | None, registration: RegistrationRequest) -> str | None:
    if funder is None:
        return Reason.UNKNOWN_REFERENCE
    amounts = _latest_invoice_amounts(funder)
    if registration.invoice_number not in amounts:
        return Reason.INVOICE_MISMATCH
    if amounts[registration.invoice_number] != registration.invoice_amount:
        return Reason.AMOUNT_MISMATCH
    if _manager_blocker(funder=funder, email=registration.email):
        return Reason.ALREADY_REGISTERED
    if not funder.contact_email or funder.contact_email.lower() != registration.email.lower():
        return Reason.EMAIL_NOT_ON_FILE
    return None


def _latest_invoice_amounts(funder: Funder) -> dict[str, Decimal]:
    """Number → amount TTC of the financeur's three latest invoices."""
    return dict(
        Invoice.objects.for_organization(funder.organization)
        .filter(kind=Invoice.Kind.INVOICE)
        .order_by("-issue_date", "-number")
        .values_list("number", "amount_incl_tax")[:LATEST_INVOICES]
    )


def _manager_blocker(*, funder: Funder, email: str) -> str | None:
    """Why no primary manager can be created for `funder` with `email`, or None."""
    if active_members(funder.organization_id, [Membership.Role.PRIMARY]).exists():
        return f"Le financeur {funder.client_reference} a déjà un gestionnaire principal actif."
    if User.objects.filter(username__iexact=funder.client_reference).exists():
        return (
            f"Un compte d’identifiant {funder.client_reference} existe déjà : réactivez-le "
            "depuis la fiche de l’utilisateur."
        )
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        return f"L’adresse e-mail {email} est déjà utilisée par un autre compte."
    return None


def _manager_create(*, registration: RegistrationRequest, funder: Funder) -> User:
    """Creates the primary manager (login = client reference) and e-mails the temporary
    password."""
    user = User.objects.create_user(
        username=funder.client_reference,
        email=registration.email,
        first_name=registration.first_name,
        last_name=registration.last_name,
        phone=registration.phone,
    )
    membership_create(user=user, organization=funder.organization, role=Membership.Role.PRIMARY)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    password = user_set_temporary_password(user=user)
    registration.user = user
    registration.save(update_fields=["user"])
    RegistrationRequest.objects.filter(
        client_reference=registration.client_reference,
        status=Status.PENDING,
    ).exclude(pk=registration.pk).update(status=Status.SUPERSEDED, reason=Reason.SUPERSEDED)
    notify(
        "cesu_registration_approved",
        email=user.email,
        context={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "legal_name": funder.legal_name,
            "username": user.username,
            "password": password,
            "expires_at": french_datetime(user.temporary_password_expires_at),
        },
        idempotency_key=f"cesu_registration_approved:{registration.public_id}",
        user=user,
        sensitive=True,  # the temporary password
    )
    return user


@transaction.atomic
def registration_approve(*, request: RegistrationRequest, reviewed_by: User) -> RegistrationRequest:
    """Staff accept a pending request by hand: the financeur of its reference gets its
    primary manager, as for a match; refused when the reference is unknown or a primary
    manager (or the account, or the e-mail) already exists."""
    registration = _lock_pending(request)
    funder = (
        Funder.objects.select_for_update()
        .filter(client_reference=registration.client_reference)
        .first()
    )
    if funder is None:
        raise RegistrationError(
            f"Aucun financeur n’a la référence client {registration.client_reference}."
        )
    blocker = _manager_blocker(funder=funder, email=registration.email)
    if blocker:
        raise RegistrationError(blocker)
    registration.funder = funder
    _review(registration, status=Status.APPROVED, reason=Reason.APPROVED_BY_STAFF, by=reviewed_by)
    _manager_create(registration=registration, funder=funder)
    return registration


@transaction.atomic
def registration_reject(*, request: RegistrationRequest, reviewed_by: User) -> RegistrationRequest:
    """Staff refuse a pending request; the applicant is told by e-mail to call the
    service clients."""
    registration = _lock_pending(request)
    _review(registration, status=Status.REJECTED, reason=Reason.REJECTED_BY_STAFF, by=reviewed_by)
    notify(
        "cesu_registration_rejected",
        email=registration.email,
        context={
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "client_reference": registration.client_reference,
        },
        idempotency_key=f"cesu_registration_rejected:{registration.public_id}",
    )
    return registration


def _lock_pending(request: RegistrationRequest) -> RegistrationRequest:
    registration = RegistrationRequest.objects.select_for_update().get(pk=request.pk)
    if registration.status != Status.PENDING:
        raise RegistrationError(
            f"La demande de {registration.client_reference} est déjà "
            f"« {registration.get_status_display().lower()} »."
        )
    return registration


def _review(registration: RegistrationRequest, *, status: str, reason: str, by: User) -> None:
    registration.status = status
    registration.reason = reason
    registration.reviewed_by = by
    registration.reviewed_at = timezone.now()
    registration.save()
