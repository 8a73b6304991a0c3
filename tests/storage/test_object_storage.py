"""Private files in an S3-compatible bucket, on a real S3 server (SeaweedFS on loopback):
what a user uploads lands in the bucket and comes back streamed through the checked
views; replacing, deleting and purging act on the objects; a missing object and a
storage that stops answering are French pages, never a 500, and leave nothing half-saved;
a worker that cannot read an attachment retries, then fails the message with the reason."""

import io
import os
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Membership
from cesu_orders.models import BeneficiaryImport
from cesu_orders.services.beneficiary_import import (
    beneficiary_import_start,
    beneficiary_imports_purge,
)
from common.queue import enqueue
from common.storage import StorageUnavailable
from domiciliation.models import CaseDocument, Payment, Proof, ProofType, Signature
from domiciliation.services.payments import payment_confirm, payment_start
from domiciliation.services.requests import client_file_start
from domiciliation.services.signatures import signature_request_code, signature_sign
from notifications import sms
from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.common.factories import pdf_bytes
from tests.domiciliation.factories import accepted_case
from tests.notifications.factories import NotificationFactory
from tests.support.s3 import new_prefix, private_files_in

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def _upload(client, client_file, content: bytes):
    upload = SimpleUploadedFile("identite.pdf", content, content_type="application/pdf")
    return client.post(
        reverse("domiciliation:step", args=[client_file.public_id, 5]),
        {"proof_type": "identite", "file": upload},
    )


def _download_url(proof: Proof) -> str:
    return reverse("domiciliation:proof_download", args=[proof.public_id])


def _page(client, response) -> str:
    return client.get(response.url).content.decode()


def test_an_uploaded_proof_lands_in_the_bucket_and_is_streamed_back_through_the_checked_view(
    client, company, s3_server, prefix, in_bucket
):
    client.force_login(company)
    client_file = client_file_start(owner=company)
    assert _upload(client, client_file, pdf_bytes()).status_code == 302

    proof = Proof.objects.get()
    assert s3_server.keys(prefix) == [f"{proof.file.name}"]
    response = client.get(_download_url(proof))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Length"] == str(len(pdf_bytes()))
    assert b"".join(response.streaming_content) == pdf_bytes()
    # The bytes come through the portal: no address of the bucket reaches the browser.
    assert s3_server.endpoint_url.split("//")[1] not in str(response.headers)
    client.force_login(UserFactory())
    assert client.get(_download_url(proof)).status_code == 404


def test_a_replaced_proof_serves_the_new_object_and_keeps_the_version_decided_on(
    client, company, s3_server, prefix, in_bucket
):
    client.force_login(company)
    client_file = client_file_start(owner=company)
    _upload(client, client_file, pdf_bytes(pages=1))
    _upload(client, client_file, pdf_bytes(pages=2))

    first, second = Proof.objects.order_by("pk")
    assert s3_server.keys(prefix) == sorted([f"{first.file.name}", f"{second.file.name}"])
    assert first.superseded_at is not None
    served = b"".join(client.get(_download_url(second)).streaming_content)
    assert len(PdfReader(io.BytesIO(served)).pages) == 2
    kept = b"".join(client.get(_download_url(first)).streaming_content)
    assert len(PdfReader(io.BytesIO(kept)).pages) == 1


def _import(content: bytes):
    """A bénéficiaire import as the upload page starts it (the file kept, its check
    queued), by a primary manager of a financeur."""
    manager = MembershipFactory(role=Membership.Role.PRIMARY)
    return beneficiary_import_start(
        organization=manager.organization, user=manager.user, upload=ContentFile(content)
    )


def test_an_import_file_is_kept_read_back_and_deleted_in_the_bucket(s3_server, prefix, in_bucket):
    content = "Matricule;Nom;Prénom\r\n42;Durand;Camille\r\n".encode()
    beneficiary_import = _import(content)
    assert s3_server.keys(prefix) == [beneficiary_import.file.name]
    with beneficiary_import.file.open("rb") as file:
        assert file.read() == content

    assert beneficiary_imports_purge(older_than=timedelta(0)) == 1
    assert s3_server.keys(prefix) == []
    assert not BeneficiaryImport.objects.exists()


def test_the_retention_purge_lists_the_bucket_and_deletes_only_what_is_older(
    s3_server, prefix, in_bucket
):
    kept = in_bucket.save("help/kept.pdf", ContentFile(pdf_bytes()))
    for _ in range(2):
        _import(b"Matricule\r\n1\r\n")
    assert beneficiary_imports_purge() == 0  # younger than a day: kept
    assert len(s3_server.keys(prefix)) == 3
    # Once the retention is over (here: none), the import files go, nothing else.
    assert beneficiary_imports_purge(older_than=timedelta(0)) == 2
    assert s3_server.keys(prefix) == [f"{kept}"]


def test_an_object_missing_from_the_bucket_is_a_french_page_and_is_logged(
    client, company, s3_server, prefix, in_bucket, caplog
):
    client.force_login(company)
    client_file = client_file_start(owner=company)
    _upload(client, client_file, pdf_bytes())
    proof = Proof.objects.get()
    s3_server.delete(prefix, proof.file.name)

    response = client.get(_download_url(proof))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Fichier introuvable" in page
    assert "Ce fichier est introuvable dans le stockage" in page
    assert f"Stored file missing: {proof.file.name}" in caplog.text


def test_an_upload_while_the_storage_is_down_saves_nothing_and_can_be_tried_again(
    client, company, lone_s3_server
):
    prefix = new_prefix()
    with private_files_in(lone_s3_server, prefix, max_attempts=1):
        client.force_login(company)
        client_file = client_file_start(owner=company)
        lone_s3_server.stop()

        response = _upload(client, client_file, pdf_bytes())
        assert response.status_code == 302
        page = _page(client, response)
        assert "Le stockage des fichiers ne répond pas" in page
        assert "Le fichier envoyé n’a pas été enregistré." in page
        assert not Proof.objects.exists()  # no row names an object that is not there
        health = client.get("/sante/")
        assert health.status_code == 503
        assert health.json()["storage"] == "error: StorageUnavailable"

        lone_s3_server.start()
        assert client.get("/sante/").json()["storage"] == "ok"
        assert _upload(client, client_file, pdf_bytes()).status_code == 302
        proof = Proof.objects.get()
        assert lone_s3_server.keys(prefix) == [f"{proof.file.name}"]
        assert b"".join(client.get(_download_url(proof)).streaming_content) == pdf_bytes()


def test_a_download_cut_by_the_storage_fails_loudly_and_the_next_one_is_a_french_page(
    client, company, lone_s3_server
):
    prefix = new_prefix()
    with private_files_in(lone_s3_server, prefix, max_attempts=1):
        client_file = client_file_start(owner=company)
        proof = Proof(
            client_file=client_file,
            proof_type=ProofType.objects.get(code="identite"),
            kind="pdf",
            original_name="scan.pdf",
        )
        content = b"%PDF-1.4\n" + os.urandom(24 * 1024 * 1024)
        proof.file.save("scan.pdf", ContentFile(content), save=False)
        proof.size = len(content)
        proof.save()
        client.force_login(company)

        response = client.get(_download_url(proof))
        assert response["Content-Length"] == str(len(content))
        chunks = iter(response.streaming_content)
        received = len(next(chunks))
        lone_s3_server.stop()
        with pytest.raises(StorageUnavailable):
            received += _drain(chunks)
        # The server drops the connection short of the announced length: the browser
        # reports a failed download rather than keeping a truncated file.
        assert received < len(content)

        response = client.get(_download_url(proof))
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "Le stockage des fichiers ne répond pas" in response.content.decode()
        assert "enregistré" not in response.content.decode()  # a download saves nothing

        lone_s3_server.start()
        assert b"".join(client.get(_download_url(proof)).streaming_content) == content


def _drain(chunks) -> int:
    return sum(len(chunk) for chunk in chunks)


def _attachment_email(name: str) -> Notification:
    return NotificationFactory(
        attachments=[{"name": "Contrat.pdf", "path": name, "mimetype": "application/pdf"}]
    )


def test_an_email_whose_attachment_is_gone_is_retried_then_failed_with_the_reason(
    s3_server, prefix, in_bucket, mailoutbox
):
    notification = _attachment_email("contracts/disparu.pdf")
    enqueue("notifications.tasks.deliver", notification.pk)  # eager: every retry at once

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert "Contrat.pdf" in notification.last_error
    assert "introuvable dans le stockage" in notification.last_error
    assert mailoutbox == []


def test_an_email_whose_attachment_cannot_be_read_is_sent_once_the_storage_is_back(
    lone_s3_server, mailoutbox
):
    prefix = new_prefix()
    with private_files_in(lone_s3_server, prefix, max_attempts=1) as storage:
        name = storage.save("contracts/contrat.pdf", ContentFile(pdf_bytes()))
        notification = _attachment_email(name)
        lone_s3_server.stop()
        enqueue("notifications.tasks.deliver", notification.pk)
        notification.refresh_from_db()
        assert notification.status == Notification.Status.FAILED
        assert "ne répond pas" in notification.last_error

        lone_s3_server.start()
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.PENDING, attempts=0
        )
        enqueue("notifications.tasks.deliver", notification.pk)
        notification.refresh_from_db()
        assert notification.status == Notification.Status.SENT
        assert mailoutbox[0].attachments[0][1] == pdf_bytes()


def test_a_contract_is_rendered_signed_and_sealed_from_the_bucket(
    company, paris, admin, s3_server, prefix, in_bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case(company, [paris], admin)
        payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
        payment_confirm(payment=payment, amount=payment.amount, actor=company)
    for party, user in ((Signature.Party.COMPANY, company), (Signature.Party.PROVIDER, admin)):
        signature = Signature.objects.get(case=case, party=party)
        with django_capture_on_commit_callbacks(execute=True):
            code_row = signature_request_code(signature=signature, user=user)
        text = [message["text"] for message in sms.outbox if message["to"] == code_row.phone][-1]
        with django_capture_on_commit_callbacks(execute=True):
            signature_sign(
                signature=signature,
                user=user,
                code=re.search(r"\b(\d{6})\b", text).group(1),
                ip_address="203.0.113.7",
                user_agent="test",
            )

    documents = {document.kind: document for document in case.documents.all()}
    signed = documents[CaseDocument.Kind.SIGNED_CONTRACT]
    keys = s3_server.keys(prefix)
    for document in documents.values():
        assert f"{document.file.name}" in keys
    with signed.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    assert "CachetPortail" in str(reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object())
    assert "Nouvelle Start" in " ".join(page.extract_text() for page in reader.pages)


def test_create_bucket_makes_the_bucket_of_a_fresh_stack_once(s3_server, prefix, capsys):
    with private_files_in(s3_server, prefix, bucket_name="portail-neuf"):
        call_command("create_bucket")
        call_command("create_bucket")
    assert capsys.readouterr().out.splitlines() == [
        "Bucket « portail-neuf » créé.",
        "Bucket « portail-neuf » déjà là.",
    ]
    s3_server.client().head_bucket(Bucket="portail-neuf")
