"""The directory's profiles: a domiciliataire's own edits of its profile and centres,
its submission, and the staff review that lists it."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, User
from accounts.selectors import active_members
from common.exceptions import DomainError
from common.text import search_key
from notifications.services import notify

from ..models import Department, Provider, ProviderCentre
from ..reference import department_code_for_postcode
from ..selectors import department_counts_forget

NOT_A_POSTCODE = "Saisissez un code postal français à cinq chiffres."


class ProfileError(DomainError):
    """A profile or centre change that the rules refuse (shown next to `field`)."""


class ReviewError(DomainError):
    """A review that the profile's state does not allow."""


def provider_search_name(provider: Provider) -> str:
    names = {provider.public("trade_name"), provider.public("legal_name")}
    return " ".join(search_key(name) for name in sorted(filter(None, names)))


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "domiciliataire"
    slug, index = base, 2
    while Provider.objects.filter(slug=slug).exists():
        slug, index = f"{base}-{index}", index + 1
    return slug


@transaction.atomic
def provider_save(*, provider: Provider, changed: list[str], logo: bytes | None = None) -> Provider:
    """Saves the provider's own edit, with its new logo (PNG bytes, already checked) when
    given. On a listed profile, a change to a legal field (name, SIREN, approval number)
    goes back to staff; the public page keeps the approved legal values meanwhile."""
    if logo:
        provider.logo.save("logo.png", ContentFile(logo), save=False)
    if not provider.slug:
        provider.slug = _unique_slug(provider.trade_name or provider.legal_name)
    if provider.is_listed and set(changed) & set(Provider.LEGAL_FIELDS):
        provider.status = Provider.Status.PENDING
        provider.submitted_at = timezone.now()
    if "approval_date" in changed:
        # A renewed approval: its expiry alerts start again.
        provider.approval_alerted_6m_at = provider.approval_alerted_1m_at = None
    provider.search_name = provider_search_name(provider)
    provider.save()
    return provider


def department_for_postcode(postcode: str) -> Department:
    code = department_code_for_postcode(postcode)
    department = Department.objects.filter(code=code).first() if code else None
    if department is None:
        raise ProfileError(NOT_A_POSTCODE, field="postcode")
    return department


@transaction.atomic
def centre_save(*, centre: ProviderCentre) -> ProviderCentre:
    """Saves a centre, its département found from its postcode."""
    centre.department = department_for_postcode(centre.postcode)
    centre.search_city = search_key(centre.city)
    centre.save()
    transaction.on_commit(department_counts_forget)
    return centre


@transaction.atomic
def centre_delete(*, centre: ProviderCentre) -> None:
    """Removes a centre from the profile."""
    centre.delete()
    transaction.on_commit(department_counts_forget)


@transaction.atomic
def provider_submit(*, provider: Provider) -> Provider:
    """« Soumettre pour validation »: staff will review the profile."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if provider.awaits_review:
        return provider
    if not provider.centres.exists():
        raise ProfileError("Ajoutez au moins un centre de domiciliation avant de soumettre.")
    provider.status = Provider.Status.PENDING
    provider.submitted_at = timezone.now()
    provider.save(update_fields=["status", "submitted_at", "updated_at"])
    return provider


@transaction.atomic
def provider_approve(*, provider: Provider, reviewer: User) -> Provider:
    """Lists the profile with its current legal fields, and tells the provider."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not provider.awaits_review:
        raise ReviewError(f"La fiche «\u00a0{provider}\u00a0» n’attend pas de validation.")
    provider.status = Provider.Status.APPROVED
    provider.is_listed = True
    provider.refusal_reason = ""
    for field in Provider.LEGAL_FIELDS:
        setattr(provider, f"published_{field}", getattr(provider, field))
    provider.search_name = provider_search_name(provider)
    provider.reviewed_at, provider.reviewed_by = timezone.now(), reviewer
    provider.save()
    transaction.on_commit(department_counts_forget)
    _notify_admins(provider, "directory_profile_approved")
    return provider


@transaction.atomic
def provider_refuse(*, provider: Provider, reviewer: User, reason: str) -> Provider:
    """Refuses the submitted profile (or legal change) with a reason sent to the provider.
    An already listed profile stays listed with its approved legal fields."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not provider.awaits_review:
        raise ReviewError(f"La fiche «\u00a0{provider}\u00a0» n’attend pas de validation.")
    if not reason.strip():
        raise ReviewError("Indiquez le motif du refus.")
    provider.status = Provider.Status.REFUSED
    provider.refusal_reason = reason.strip()
    provider.reviewed_at, provider.reviewed_by = timezone.now(), reviewer
    provider.save()
    _notify_admins(provider, "directory_profile_refused")
    return provider


def _notify_admins(provider: Provider, event: str) -> None:
    admins = active_members(provider.organization_id, [Membership.Role.ADMIN])
    context = {"provider": provider, "profile_path": reverse("directory_provider:profile")}
    for membership in admins:
        if membership.user.email:
            notify(
                event,
                email=membership.user.email,
                context={**context, "admin": membership.user},
                idempotency_key=f"{event}:{provider.pk}:{provider.reviewed_at:%s}:{membership.pk}",
                user=membership.user,
            )
