"""A client file filled and sent through the services, for the tests."""

import io
from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from domiciliation.models import ClientFile, ProofReview, ProofType
from domiciliation.services.instruction import (
    ReviewDecision,
    case_accept,
    case_review_proofs,
    case_set_offer,
)
from domiciliation.services.requests import client_file_send, client_file_start, proof_upload

ANSWERS = {
    "company_status": ClientFile.CompanyStatus.CREATION,
    "legal_form": ClientFile.LegalForm.SAS,
    "company_name": "Nouvelle Start",
    "activity": "Logiciels",
    "rep_civility": ClientFile.Civility.MONSIEUR,
    "rep_first_name": "Paul",
    "rep_last_name": "Martin",
    "rep_birth_date": date(1990, 1, 2),
    "rep_birth_place": "Lyon",
    "rep_nationality": "française",
    "rep_address": "1 rue A",
    "rep_postcode": "69001",
    "rep_city": "Lyon",
    "rep_email": "paul@start.example",
    "rep_mobile": "+33612345678",
    "mail_handling": ClientFile.MailHandling.SCAN,
    "services": ["mail_scan"],
}


def at(day, hour: int = 7, minute: int = 0):
    """`day` at `hour`:`minute`, Paris time: where the tests move the clock to."""
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(
        datetime(day.year, day.month, day.day, hour, minute), timezone.get_current_timezone()
    )


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_upload(name="piece.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def filled_file(owner, provider=None) -> ClientFile:
    client_file = client_file_start(owner=owner, provider=provider)
    for name, value in ANSWERS.items():
        setattr(client_file, name, value)
    client_file.completed_step = 5
    client_file.save()
    client_file.beneficial_owners.create(first_name="Paul", last_name="Martin", share=100)
    for code in ("identite", "domicile"):
        proof_upload(
            client_file=client_file,
            proof_type=ProofType.objects.get(code=code),
            upload=pdf_upload(f"{code}.pdf"),
            kind="pdf",
            actor=owner,
        )
    return client_file


def verified(user):
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def sent_file(owner, providers):
    client_file = filled_file(owner, providers[0])
    client_file_send(client_file=client_file, providers=providers, actor=owner)
    return client_file


def accept(
    case,
    admin,
    *,
    monthly_price=Decimal("30.00"),
    setup_fee=Decimal("50.00"),
    duration_months=6,
    centre=None,
    billing_months=3,
):
    """Validates every proof of `case`, sets an offer (quarterly unless told) and accepts
    it, as `admin` of its domiciliataire would."""
    decisions = [
        ReviewDecision(str(review.proof.public_id), ProofReview.State.VALIDATED)
        for review in case.reviews.filter(proof__isnull=False)
    ]
    case_review_proofs(case=case, decisions=decisions, actor=admin)
    case_set_offer(
        case=case,
        centre=centre or case.provider.centres.order_by("postcode").first(),
        monthly_price=monthly_price,
        setup_fee=setup_fee,
        billing_months=billing_months,
        duration_months=duration_months,
        actor=admin,
    )
    assessed(case, admin)
    return case_accept(case=case, actor=admin)


def assessed(case, actor):
    """The case's risk assessment (vigilance LCB-FT), low risk, as acceptance needs."""
    from domiciliation.services.vigilance import vigilance_assess

    return vigilance_assess(case=case, actor=actor)


def accepted_case(company, providers, admin):
    """A case sent to `providers`, accepted by `admin` of the first one with an offer of
    30 € a month billed quarterly and 50 € of set-up fee (first payment 168,00 € TTC)."""
    client_file = sent_file(company, providers)
    return accept(client_file.cases.get(provider=providers[0]), admin)


def paid_case(company, providers, admin, **offer):
    """A case accepted with `offer` and paid with the simulated provider: its first
    invoice issued, the contract to sign."""
    from domiciliation.models import Payment
    from domiciliation.services.payments import payment_confirm, payment_start

    client_file = sent_file(company, providers)
    case = accept(client_file.cases.get(provider=providers[0]), admin, **offer)
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    payment_confirm(payment=payment, amount=payment.amount, actor=company)
    case.refresh_from_db()
    return case


def signed_contract(company, providers, admin, **offer):
    """A case paid, then signed by both parties (their signature rows written as the
    SMS-code signature writes them: tests/domiciliation/test_signatures covers the
    codes), so that its contract runs from today. Returns the contract."""
    from django.db import transaction
    from django.utils import timezone

    from domiciliation.models import Signature
    from domiciliation.services.cases import case_lock
    from domiciliation.services.signatures import case_sign

    case = paid_case(company, providers, admin, **offer)
    with transaction.atomic():
        case = case_lock(case)
        for party, user, name in (
            (Signature.Party.COMPANY, company, case.representative),
            (Signature.Party.PROVIDER, admin, admin.get_full_name() or admin.email),
        ):
            Signature.objects.filter(case=case, party=party).update(
                signer=user,
                signer_name=name,
                phone="+33612345678",
                signed_at=timezone.now(),
                ip_address="203.0.113.7",
                user_agent="tests",
                document_sha256="0" * 64,
            )
        case_sign(case, actor=admin)
    return case.contract


def bare_contract(provider, *, name, starts_on, ends_on=None, siren="", status=None):
    """A contract row written directly (no signing): for the lists built from many
    contracts (declarations, retention), where the signing flow is not under test."""
    from domiciliation.models import Case, CaseStatus, Contract, ContractStatus
    from tests.accounts.factories import UserFactory

    owner = UserFactory()
    client_file = ClientFile.objects.create(owner=owner, company_name=name, siren=siren)
    case = Case.objects.create(
        client_file=client_file,
        provider=provider,
        centre=provider.centres.order_by("pk").first(),
        status=CaseStatus.SIGNED,
        monthly_price=Decimal("30.00"),
    )
    if status is None:
        status = ContractStatus.ENDED if ends_on else ContractStatus.RUNNING
    return Contract.objects.create(
        case=case,
        provider=provider,
        owner=owner,
        number=f"C-{case.pk:06d}",
        status=status,
        company_name=name,
        siren=siren,
        starts_on=starts_on,
        billing_months=3,
        initial_months=3,
        monthly_price=Decimal("30.00"),
        next_billing_on=starts_on,
        term_ends_on=starts_on,
        ends_on=ends_on,
    )
