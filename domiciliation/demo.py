"""Demo data of the domiciliation part (`seed_demo`): the proof types; the demo company's
client file « Rousseau Conseil », filled and sent to « Demo Domiciliation Paris » (the
case to instruct); and its older company « Atelier Rousseau », domiciled there under a
running contract billed monthly: two periods paid (the first payment, then the saved
card) and the third one upcoming, so that « Mon contrat » and « Contrats » show at once.
Everything goes through the services; only the dates of the contract's past are set
back afterwards (a demo cannot wait a month)."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import User
from common.queue import enqueue_on_commit
from directory.models import Provider

from .catalogue import ensure_default_contract_template, ensure_proof_types
from .declarations import periods_between
from .models import (
    Case,
    CaseEvent,
    CaseStatus,
    ClientFile,
    Contract,
    ContractEvent,
    ContractStatus,
    ContractTemplate,
    Declaration,
    Invoice,
    Payment,
    ProofReview,
    ProofType,
    SavedPaymentMethod,
    Signature,
)
from .periods import add_months
from .services.billing import billing_batch
from .services.cases import case_lock, case_move
from .services.contracts import contract_open
from .services.declarations import declaration_record_sent
from .services.documents import contract_document
from .services.instruction import (
    ReviewDecision,
    case_accept,
    case_review_proofs,
    case_set_offer,
)
from .services.invoice_payments import invoice_charge, payment_method_save
from .services.payments import payment_confirm, payment_start
from .services.registration import registration_remind
from .services.requests import client_file_send, client_file_start, proof_upload
from .services.vigilance import vigilance_assess

CONTRACT_COMPANY = "Atelier Rousseau"


def blank_pdf() -> bytes:
    """A one-page blank A4 PDF: the demo's proofs."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _sent_file(client: User, provider: Provider, **answers) -> ClientFile:
    """A client file of the demo company, filled, with its proofs, sent to `provider`."""
    client_file = client_file_start(
        owner=client, provider=provider, centre=provider.centres.first()
    )
    for name, value in {
        "company_status": ClientFile.CompanyStatus.CREATION,
        "legal_form": ClientFile.LegalForm.SASU,
        "rep_civility": ClientFile.Civility.MADAME,
        "rep_first_name": "Émilie",
        "rep_last_name": "Rousseau",
        "rep_birth_date": date(1988, 5, 12),
        "rep_birth_place": "Nantes",
        "rep_nationality": "française",
        "rep_address": "3 rue des Lilas",
        "rep_postcode": "44000",
        "rep_city": "Nantes",
        "rep_email": "client@demo.example",
        "rep_mobile": "+33612345678",
        "services": ["mail_scan", "forwarding"],
        "mail_handling": ClientFile.MailHandling.SCAN,
        "completed_step": 6,
        **answers,
    }.items():
        setattr(client_file, name, value)
    client_file.save()
    client_file.beneficial_owners.create(first_name="Émilie", last_name="Rousseau", share=100)
    for code in ("identite", "domicile", "statuts"):
        proof_upload(
            client_file=client_file,
            proof_type=ProofType.objects.get(code=code),
            upload=ContentFile(blank_pdf(), name=f"{code}.pdf"),
            kind="pdf",
            actor=client,
        )
    client_file_send(client_file=client_file, providers=[provider], actor=client)
    return client_file


def seed(log) -> None:
    ensure_proof_types(ProofType)
    # The standard contract the guides publish and the demo's contracts are made from.
    ensure_default_contract_template(ContractTemplate)
    client = User.objects.get(username="client@demo.example")
    provider = Provider.objects.get(slug="demo-domiciliation-paris")
    if not ClientFile.objects.filter(owner=client, company_name="Rousseau Conseil").exists():
        _sent_file(
            client,
            provider,
            company_name="Rousseau Conseil",
            activity="Conseil en organisation",
            start_date=date(2027, 1, 4),
        )
        log("Dossier de domiciliation de client@demo.example envoyé à Demo Domiciliation Paris.")
    if not Contract.objects.filter(owner=client).exists():
        contract = _running_contract(client, provider)
        log(f"Contrat {contract.number} de {CONTRACT_COMPANY} en cours chez {provider}.")
        # Created with this domiciliation, signed weeks ago: its Kbis is awaited.
        registration_remind(contract_id=contract.pk, today=timezone.localdate())
        log(f"{CONTRACT_COMPANY} relancée pour son Kbis et son SIREN.")
    if not Contract.objects.filter(provider=provider, number__startswith="H-").exists():
        _contract_history(provider)
        log("Contrats des trimestres passés et déclarations au SIE et à l’URSSAF.")


# Past domiciliations of other companies, so that « Déclarations » has lists to show:
# (company, SIREN, months before today it began, months before today it ended or None).
HISTORY = (
    ("Boulangerie Lemaire", "732829320", 14, None),
    ("Studio Kerbrat", "552100554", 11, 2),
    ("Conseil Faure", "443061841", 8, None),
    ("Transports Weber", "", 6, 4),
    ("Atelier Nguyen", "", 5, None),
)


@transaction.atomic
def _contract_history(provider: Provider) -> None:
    """Contracts signed elsewhere before the portal (written as rows: their signing is
    not what the demo shows), and the oldest quarter's list marked sent."""
    today = timezone.localdate()
    admin = User.objects.get(username="domiciliataire@demo.example")
    for index, (name, siren, began, ended) in enumerate(HISTORY, start=1):
        owner = User.objects.create_user(
            username=f"historique-{index}@demo.example", email=f"historique-{index}@demo.example"
        )
        owner.set_unusable_password()
        owner.save()
        client_file = ClientFile.objects.create(owner=owner, company_name=name, siren=siren)
        case = Case.objects.create(
            client_file=client_file,
            provider=provider,
            centre=provider.centres.first(),
            status=CaseStatus.SIGNED,
            monthly_price=Decimal("29.90"),
        )
        starts_on = add_months(today, -began)
        ends_on = add_months(today, -ended) if ended else None
        Contract.objects.create(
            case=case,
            provider=provider,
            owner=owner,
            number=f"H-{index:04d}",
            status=ContractStatus.ENDED if ends_on else ContractStatus.RUNNING,
            company_name=name,
            siren=siren,
            starts_on=starts_on,
            billing_months=1,
            initial_months=3,
            monthly_price=Decimal("29.90"),
            next_billing_on=add_months(today, 1).replace(day=1),
            term_ends_on=add_months(today, 1),
            ends_on=ends_on,
        )
    oldest = periods_between(add_months(today, -14), today)[-1]
    declaration_record_sent(
        organization=provider.organization,
        period=oldest,
        sent_on=oldest.available_on + timedelta(days=3),
        channel=Declaration.Channel.REGISTERED_LETTER,
        actor=admin,
    )


@transaction.atomic
def _running_contract(client: User, provider: Provider) -> Contract:
    admin = User.objects.get(username="domiciliataire@demo.example")
    today = timezone.localdate()
    starts_on = add_months(today, -1) - timedelta(days=10)
    client_file = _sent_file(
        client, provider, company_name=CONTRACT_COMPANY, activity="Ébénisterie d’art"
    )
    case = client_file.cases.get(provider=provider)
    reviews = case.reviews.filter(proof__isnull=False)
    case_review_proofs(
        case=case,
        decisions=[
            ReviewDecision(str(review.proof.public_id), ProofReview.State.VALIDATED)
            for review in reviews
        ],
        actor=admin,
    )
    case_set_offer(
        case=case,
        centre=provider.centres.first(),
        monthly_price=Decimal("29.90"),
        setup_fee=Decimal("49.00"),
        billing_months=1,
        duration_months=12,
        actor=admin,
    )
    vigilance_assess(case=case, actor=admin)
    case_accept(case=case, actor=admin)
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=client)
    payment_confirm(payment=payment, amount=payment.amount, actor=client)
    # Both signatures as the SMS-code signature records them (the demo has no phone to
    # read a code from), then the move the second signature makes.
    signed_hash = contract_document(case_id=case.pk).sha256
    case = case_lock(case)
    for party, user, name in (
        (Signature.Party.COMPANY, client, "Émilie Rousseau"),
        (Signature.Party.PROVIDER, admin, admin.get_full_name() or admin.email),
    ):
        Signature.objects.filter(case=case, party=party).update(
            signer=user,
            signer_name=name,
            phone="+33612345678",
            signed_at=timezone.now(),
            ip_address="192.0.2.10",
            user_agent="Données de démonstration",
            document_sha256=signed_hash,
        )
    case = case_move(
        case,
        CaseStatus.SIGNED,
        actor=admin,
        note="Contrat signé par les deux parties",
        signed_at=timezone.now(),
        contract_starts_on=starts_on,
    )
    contract = contract_open(case, actor=admin, starts_on=starts_on)
    enqueue_on_commit("domiciliation.tasks.finalize_contract", case.pk)
    _set_back(case, starts_on)
    payment_method_save(
        contract=contract,
        gateway=Payment.Method.SIMULATED,
        kind=SavedPaymentMethod.Kind.CARD,
        label="Visa •••• 4242 (simulation)",
        method_id="sim_card",
        actor=client,
    )
    # The second period, billed on its first day and charged to the saved card.
    billed_on = contract.next_billing_on
    (invoice,) = billing_batch([contract.pk], today=billed_on)
    invoice_charge(invoice_id=invoice.pk)
    moment = timezone.make_aware(datetime.combine(billed_on, time(6)))
    Invoice.objects.filter(pk=invoice.pk).update(paid_at=moment)
    Payment.objects.filter(invoice=invoice).update(created_at=moment, confirmed_at=moment)
    ContractEvent.objects.filter(contract=contract, created_at__gt=moment).update(created_at=moment)
    return Contract.objects.get(pk=contract.pk)


def _set_back(case: Case, starts_on: date) -> None:
    """The case's past (decision, payment, signatures, first invoice) moved back so that
    it happened on the contract's first day."""
    shift = timezone.localdate() - starts_on
    Case.objects.filter(pk=case.pk).update(
        created_at=F("created_at") - shift,
        decided_at=F("decided_at") - shift,
        paid_at=F("paid_at") - shift,
        signed_at=F("signed_at") - shift,
        payment_due_at=F("payment_due_at") - shift,
    )
    CaseEvent.objects.filter(case=case).update(created_at=F("created_at") - shift)
    ContractEvent.objects.filter(contract__case=case).update(created_at=F("created_at") - shift)
    Signature.objects.filter(case=case).update(signed_at=F("signed_at") - shift)
    Payment.objects.filter(case=case).update(
        created_at=F("created_at") - shift, confirmed_at=F("confirmed_at") - shift
    )
    Invoice.objects.filter(case=case, kind=Invoice.Kind.FIRST).update(
        issue_date=starts_on, due_date=starts_on, paid_at=F("paid_at") - shift
    )
