"""Documents shown in a page as the picture of their first page, never in the browser's PDF
viewer (it captures the page's clicks and wheel): the contract on the signing page, the
PDF proofs on the « Justificatifs » page."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from common.previews import PREVIEW_WIDTH, pdf_preview
from domiciliation.models import CaseDocument, Payment, ProofType, Signature
from domiciliation.services.payments import payment_confirm, payment_start
from domiciliation.services.previews import proof_preview_make, proof_previews_catch_up
from domiciliation.services.requests import proof_upload
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import accepted_case, pdf_bytes, sent_file

pytestmark = pytest.mark.django_db


def _picture(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


@pytest.fixture
def paid_case(company, paris, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case(company, [paris], admin)
        payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
        payment_confirm(payment=payment, amount=payment.amount, actor=company)
    case.refresh_from_db()
    return case


def test_a_pdf_preview_is_its_first_page_as_a_png_with_the_page_count():
    preview = pdf_preview(pdf_bytes())
    assert preview.page_count == 1
    image = _picture(preview.png)
    assert image.format == "PNG"
    assert image.width == PREVIEW_WIDTH
    # A blank square page stays a white square.
    assert image.height == PREVIEW_WIDTH
    assert image.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_the_contract_is_stored_with_the_picture_of_its_first_page(paid_case):
    contract = CaseDocument.objects.get(case=paid_case, kind=CaseDocument.Kind.CONTRACT)
    assert contract.page_count >= 2
    with contract.preview.open("rb") as file:
        image = _picture(file.read())
    assert image.width == PREVIEW_WIDTH
    # A page of text: not blank.
    assert image.convert("L").getextrema()[0] < 100


def test_the_signing_page_shows_the_contract_as_a_picture_never_in_a_frame(
    client, paid_case, company
):
    contract = CaseDocument.objects.get(case=paid_case, kind=CaseDocument.Kind.CONTRACT)
    signature = paid_case.signatures.get(party=Signature.Party.COMPANY)
    client.force_login(company)
    page = client.get(reverse("domiciliation:signature", args=[signature.public_id]))
    html = page.content.decode()
    document_url = reverse("domiciliation:document", args=[contract.public_id])
    assert "<iframe" not in html
    assert "<embed" not in html
    assert "<object" not in html
    assert f'<img src="{document_url}?apercu=1"' in html
    assert f"Page 1 sur {contract.page_count}" in html
    assert f'href="{document_url}">Télécharger le contrat (PDF)</a>' in html
    assert "frame-src 'none'" in page["Content-Security-Policy"]

    picture = client.get(f"{document_url}?apercu=1")
    assert picture["Content-Type"] == "image/png"
    assert picture["Content-Disposition"].startswith("inline")
    assert _picture(b"".join(picture.streaming_content)).width == PREVIEW_WIDTH
    download = client.get(document_url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")


def test_nobody_else_sees_the_contract_preview(client, paid_case):
    contract = CaseDocument.objects.get(case=paid_case, kind=CaseDocument.Kind.CONTRACT)
    client.force_login(UserFactory())
    url = reverse("domiciliation:document", args=[contract.public_id]) + "?apercu=1"
    assert client.get(url).status_code == 404


def test_a_pdf_proof_gets_its_preview_from_the_task_queued_by_the_upload(
    company, paris, django_capture_on_commit_callbacks
):
    client_file = sent_file(company, [paris])
    proof_type = ProofType.objects.get(code="identite")
    upload = SimpleUploadedFile("id.pdf", pdf_bytes(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        proof = proof_upload(
            client_file=client_file, proof_type=proof_type, upload=upload, kind="pdf", actor=company
        )
    proof.refresh_from_db()
    assert proof.page_count == 1
    assert _picture(proof.preview.read()).width == PREVIEW_WIDTH
    # Drawn once: a second run keeps the first picture.
    name = proof.preview.name
    assert proof_preview_make(proof_id=proof.pk).preview.name == name


def test_the_proofs_page_says_when_a_preview_is_not_ready_or_impossible(
    client, company, paris, admin
):
    client_file = sent_file(company, [paris])
    case = client_file.cases.get()
    url = reverse("domiciliation_provider:case_proofs", args=[case.public_id])
    client.force_login(admin)
    assert "L’aperçu est en préparation" in client.get(url).content.decode()

    proof = case.reviews.get(proof_type__code="identite").proof
    proof.file.save("broken.pdf", SimpleUploadedFile("broken.pdf", b"%PDF-1.4 broken"))
    proof_preview_make(proof_id=proof.pk)
    proof.refresh_from_db()
    assert proof.page_count == 0
    assert not proof.preview
    assert "Aucun aperçu possible pour ce PDF" in client.get(url).content.decode()
    preview = reverse("domiciliation:proof_download", args=[proof.public_id]) + "?apercu=1"
    assert client.get(preview).status_code == 404


def test_the_beat_job_draws_the_previews_whose_task_was_lost(company, paris):
    client_file = sent_file(company, [paris])  # on-commit tasks never ran: lost
    proofs = list(client_file.proofs.all())
    assert proofs
    assert all(proof.page_count is None for proof in proofs)
    assert proof_previews_catch_up() == 0  # too recent: their tasks may still run
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert proof_previews_catch_up() == len(proofs)  # eager tasks in tests
    assert all(proof.page_count == 1 for proof in client_file.proofs.all())
    assert proof_previews_catch_up() == 0
