"""The « procuration postale »: the company authorizes its domiciliataire to receive its
registered mail and parcels, and signs it as it signed its contract, with a one-time
code sent by SMS to its representative's mobile (the code rules of
domiciliation.services.signatures, shared, not copied). Signed once, recorded on the
contract's timeline."""

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from common.phones import masked_phone
from domiciliation.models import SignatureCode
from domiciliation.services.contracts import contract_log
from domiciliation.services.signatures import (
    CODE_VALIDITY,
    MAX_CODE_ATTEMPTS,
    code_accepted,
    code_new,
    code_refuse_if_too_many,
    code_refuse_wrong,
)
from notifications.services import notify

from ..models import Mailbox, ProxyCode
from .items import MailRefused


class ProxyRefused(MailRefused):
    pass


def _code_hash(mailbox: Mailbox, code: str) -> str:
    return salted_hmac("mail.proxy-code", f"{mailbox.contract.public_id}:{code}").hexdigest()


def _lock(mailbox: Mailbox, user: User) -> Mailbox:
    mailbox = (
        Mailbox.objects.select_for_update(of=("self",))
        .select_related("contract__case__client_file", "contract__provider")
        .get(pk=mailbox.pk)
    )
    if mailbox.contract.owner_id != user.pk:
        raise ProxyRefused("Seule l’entreprise domiciliée signe sa procuration postale.")
    if mailbox.has_proxy:
        raise ProxyRefused("La procuration postale est déjà signée.")
    if not mailbox.contract.receives_mail:
        raise ProxyRefused("Le contrat est terminé\u00a0: aucune procuration à signer.")
    return mailbox


@transaction.atomic
def proxy_request_code(*, mailbox: Mailbox, user: User, ip_address: str | None = None):
    """Sends a code by SMS to the representative's mobile on file, within the limits of
    every SMS code of the portal."""
    mailbox = _lock(mailbox, user)
    phone = mailbox.contract.case.client_file.rep_mobile
    if not phone:
        raise ProxyRefused(
            "Aucun téléphone mobile n’est enregistré pour recevoir le code. Contactez le "
            "domiciliataire."
        )
    now = timezone.now()
    code_refuse_if_too_many(
        own_codes=mailbox.proxy_codes.all(),
        user=user,
        phone=phone,
        ip_address=ip_address,
        now=now,
        refused=ProxyRefused,
        subject="cette procuration",
        shared=(SignatureCode.objects.all(), ProxyCode.objects.all()),
    )
    code = code_new()
    row = ProxyCode.objects.create(
        mailbox=mailbox,
        user=user,
        code_hash=_code_hash(mailbox, code),
        phone=phone,
        ip_address=ip_address,
        created_at=now,
        expires_at=now + CODE_VALIDITY,
    )
    notify(
        "mail_proxy_code",
        phone=phone,
        context={"code": code, "provider": mailbox.contract.provider},
        idempotency_key=f"proxy-code:{row.pk}",
        user=user,
        sensitive=True,
    )
    contract_log(
        mailbox.contract,
        f"Code de procuration postale envoyé par SMS au {masked_phone(phone)}",
        actor=user,
    )
    return row


def proxy_sign(*, mailbox: Mailbox, user: User, code: str, ip_address: str | None) -> Mailbox:
    """Signs the proxy with the last code sent, unexpired, within 5 attempts; a wrong
    code counts an attempt and signs nothing."""
    with transaction.atomic():
        mailbox = _lock(mailbox, user)
        now = timezone.now()
        active = mailbox.proxy_codes.filter(user=user, used_at__isnull=True).first()
        if code_accepted(active, _code_hash(mailbox, code.strip()), now=now,
                         refused=ProxyRefused):  # fmt: skip
            name = mailbox.contract.case.representative
            mailbox.proxy_signed_at = now
            mailbox.proxy_signer_name = name
            mailbox.proxy_phone = active.phone
            mailbox.proxy_ip_address = ip_address
            mailbox.save(update_fields=["proxy_signed_at", "proxy_signer_name", "proxy_phone",
                                        "proxy_ip_address", "updated_at"])  # fmt: skip
            contract_log(
                mailbox.contract,
                f"Procuration postale signée par {name} (code SMS au {masked_phone(active.phone)})",
                actor=user,
            )
            return mailbox
        left = MAX_CODE_ATTEMPTS - active.attempts
    code_refuse_wrong(left, refused=ProxyRefused)
