"""Demo data of the domiciliation requests (`seed_demo`): the proof types, and the demo
company's client file, filled and sent to « Demo Domiciliation Paris »."""

import io
from datetime import date

from django.core.files.base import ContentFile
from pypdf import PdfWriter

from accounts.models import User
from directory.models import Provider

from .catalogue import ensure_proof_types
from .models import ClientFile, ProofType
from .services.requests import client_file_send, client_file_start, proof_upload


def blank_pdf() -> bytes:
    """A one-page blank A4 PDF: the demo's proofs."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def seed(log) -> None:
    ensure_proof_types(ProofType)
    client = User.objects.get(username="client@demo.example")
    if ClientFile.objects.filter(owner=client).exists():
        return
    provider = Provider.objects.get(slug="demo-domiciliation-paris")
    client_file = client_file_start(
        owner=client, provider=provider, centre=provider.centres.first()
    )
    for name, value in {
        "company_status": ClientFile.CompanyStatus.CREATION,
        "legal_form": ClientFile.LegalForm.SASU,
        "company_name": "Rousseau Conseil",
        "activity": "Conseil en organisation",
        "start_date": date(2027, 1, 4),
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
    log("Dossier de domiciliation de client@demo.example envoyé à Demo Domiciliation Paris.")
