"""What a case was decided on is frozen (issue « Integrity and security », findings 1, 3, 7,
10, 11 and 16): the company may correct its file while a case is in S1, never rewrite
what a domiciliataire accepted; closed cases lose the proofs; signing links and SMS
codes resist misuse."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from domiciliation.models import (
    Case,
    CaseDocument,
    CaseStatus,
    ClientFile,
    Payment,
    ProofReview,
    Signature,
)
from domiciliation.services.deadlines import case_reactivate
from domiciliation.services.instruction import case_accept, case_dismiss
from domiciliation.services.payments import payment_confirm, payment_start
from domiciliation.services.signatures import (
    MAX_CODES_PER_IP,
    MAX_CODES_PER_PHONE,
    SignatureRefused,
    signature_request_code,
    signature_sign,
)
from notifications import sms
from tests.domiciliation.factories import accepted_case, pdf_upload, sent_file

pytestmark = pytest.mark.django_db


def _step(client_file, step):
    return reverse("domiciliation:step", args=[client_file.public_id, step])


def _rename(client, client_file, name):
    return client.post(
        _step(client_file, 1),
        {"company_status": "creation", "legal_form": "sas", "company_name": name},
    )


def _pdf_text(field_file) -> str:
    with field_file.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def _pay(case, company, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
        payment_confirm(payment=payment, amount=payment.amount, actor=company)
    case.refresh_from_db()
    return case


def _sign_both(case, company, admin, django_capture_on_commit_callbacks):
    admin.phone = "+33698765432"
    admin.save()
    for party, user in ((Signature.Party.COMPANY, company), (Signature.Party.PROVIDER, admin)):
        signature = Signature.objects.get(case=case, party=party)
        with django_capture_on_commit_callbacks(execute=True):
            code_row = signature_request_code(signature=signature, user=user)
        text = [m["text"] for m in sms.outbox if m["to"] == code_row.phone][-1]
        code = re.search(r"\b(\d{6})\b", text).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            signature_sign(
                signature=signature, user=user, code=code, ip_address="203.0.113.7", user_agent="t"
            )
    case.refresh_from_db()
    return case


# 1. The snapshot


def test_a_rename_after_acceptance_never_reaches_the_contract_invoice_or_attestation(
    client, company, paris, lyon, admin, django_capture_on_commit_callbacks
):
    case = accepted_case(company, [paris, lyon], admin)
    client.force_login(company)

    assert _rename(client, case.client_file, "Prête-Nom SARL").status_code == 302
    case = _pay(case, company, django_capture_on_commit_callbacks)
    _rename(client, case.client_file, "Second Prête-Nom")
    case = _sign_both(case, company, admin, django_capture_on_commit_callbacks)

    assert case.status == CaseStatus.SIGNED
    documents = {d.kind: d for d in case.documents.all()}
    for document in (
        documents[CaseDocument.Kind.SIGNED_CONTRACT],
        documents[CaseDocument.Kind.ATTESTATION],
    ):
        text = _pdf_text(document.file)
        assert "Nouvelle Start" in text
        assert "Prête-Nom" not in text
    invoice_text = _pdf_text(case.issued_invoice.pdf)
    assert "Nouvelle Start" in invoice_text
    assert "Prête-Nom" not in invoice_text
    # The company's own file carries its last answers; the case, what was decided on.
    assert ClientFile.objects.get(pk=case.client_file_id).company_name == "Second Prête-Nom"
    assert case.company_name == case.declared.company_name == "Nouvelle Start"


def test_a_correction_in_s1_reaches_the_case_and_the_provider_sees_what_changed(
    client, company, paris, admin
):
    client_file = sent_file(company, [paris])
    case = client_file.cases.get()
    client.force_login(company)

    _rename(client, client_file, "Nouvelle Start Corrigée")

    case.refresh_from_db()
    assert case.company_name == "Nouvelle Start Corrigée"
    assert case.declared.company_name == "Nouvelle Start Corrigée"
    assert case.file_changed_at is not None
    assert case.events.filter(note__contains="Dossier modifié par le client").filter(
        note__contains="dénomination"
    )
    client.force_login(admin)
    page = client.get(reverse("domiciliation_provider:case_detail", args=[case.public_id]))
    content = page.content.decode()
    assert "Le dossier a été modifié par le client le" in content
    assert "Nouvelle Start Corrigée" in content


def test_an_unchanged_save_writes_nothing_on_the_timeline(client, company, paris):
    client_file = sent_file(company, [paris])
    case = client_file.cases.get()
    events = case.events.count()
    client.force_login(company)

    client.post(_step(client_file, 4), {"services": ["mail_scan"], "mail_handling": "scan"})

    case.refresh_from_db()
    assert case.events.count() == events
    assert case.file_changed_at is None


def test_a_new_proof_reaches_undecided_cases_only(client, company, paris, lyon, admin):
    case = accepted_case(company, [paris, lyon], admin)
    other = case.client_file.cases.get(provider=lyon)
    reviewed = case.reviews.get(proof_type__code="identite")
    client.force_login(company)

    client.post(_step(case.client_file, 5), {"proof_type": "identite", "file": pdf_upload()})

    reviewed_after = ProofReview.objects.get(pk=reviewed.pk)
    assert reviewed_after.proof_id == reviewed.proof_id  # the version paris validated
    assert reviewed_after.state == ProofReview.State.VALIDATED
    other_review = other.reviews.get(proof_type__code="identite")
    assert other_review.state == ProofReview.State.TO_REVIEW
    assert other_review.proof.superseded_at is None  # lyon (in S1) gets the new version


def test_an_invalidated_proof_is_replaced_while_the_case_is_in_s1(client, company, paris, admin):
    from domiciliation.services.instruction import ReviewDecision, case_review_proofs

    case = sent_file(company, [paris]).cases.get()
    review = case.reviews.get(proof_type__code="domicile")
    case_review_proofs(
        case=case,
        decisions=[
            ReviewDecision(str(review.proof.public_id), ProofReview.State.INVALIDATED, "Illisible")
        ],
        actor=admin,
    )
    client.force_login(company)

    client.post(_step(case.client_file, 5), {"proof_type": "domicile", "file": pdf_upload()})

    review.refresh_from_db()
    assert review.state == ProofReview.State.TO_REVIEW
    assert review.reason == ""


def test_a_signed_file_is_read_only(
    client, company, paris, admin, django_capture_on_commit_callbacks
):
    case = accepted_case(company, [paris], admin)
    case = _pay(case, company, django_capture_on_commit_callbacks)
    case = _sign_both(case, company, admin, django_capture_on_commit_callbacks)
    client.force_login(company)

    response = client.post(
        _step(case.client_file, 1),
        {"company_status": "creation", "legal_form": "sas", "company_name": "Autre Nom"},
        follow=True,
    )
    upload = client.post(
        _step(case.client_file, 5), {"proof_type": "identite", "file": pdf_upload()}, follow=True
    )

    assert "Votre contrat est signé" in response.content.decode()
    assert "Votre contrat est signé" in upload.content.decode()
    assert ClientFile.objects.get(pk=case.client_file_id).company_name == "Nouvelle Start"
    assert case.client_file.proofs.filter(proof_type__code="identite").count() == 1


# 3. Acceptance only from S1; reactivation only of an expired case


def test_an_expired_case_is_not_accepted_again(company, paris, admin):
    case = accepted_case(company, [paris], admin)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.EXPIRED)

    with pytest.raises(Exception, match="seul un dossier en attente de décision"):
        case_accept(case=case, actor=admin)

    case.refresh_from_db()
    assert case.status == CaseStatus.EXPIRED


def test_accept_on_an_expired_case_from_the_page_changes_nothing(client, company, paris, admin):
    case = accepted_case(company, [paris], admin)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.EXPIRED)
    client.force_login(admin)

    response = client.post(
        reverse("domiciliation_provider:case_accept", args=[case.public_id]), follow=True
    )

    assert "seul un dossier en attente de décision (S1) peut être accepté" in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.EXPIRED


def test_a_case_in_s1_is_not_reactivated(company, paris, admin):
    case = sent_file(company, [paris]).cases.get()

    with pytest.raises(Exception, match="seul un dossier expiré peut être réactivé"):
        case_reactivate(case=case, actor=admin)

    case.refresh_from_db()
    assert case.status == CaseStatus.S1


# 7. Closed cases lose the proofs


def test_a_dismissing_provider_loses_the_proofs_and_gets_no_new_one(
    client, company, paris, lyon, admin
):
    client_file = sent_file(company, [paris, lyon])
    case = client_file.cases.get(provider=paris)
    proof = case.reviews.get(proof_type__code="identite").proof
    url = reverse("domiciliation:proof_download", args=[proof.public_id])
    client.force_login(admin)
    assert client.get(url).status_code == 200

    case_dismiss(case=case, reason="Activité non domiciliable", actor=admin)

    assert client.get(url).status_code == 404
    lyon_admin = lyon.organization.memberships.get(role="admin").user
    client.force_login(lyon_admin)
    assert client.get(url).status_code == 200
    client.force_login(company)
    client.post(
        reverse("domiciliation:step", args=[client_file.public_id, 5]),
        {"proof_type": "identite", "file": pdf_upload()},
    )
    new = client_file.proofs.get(proof_type__code="identite", superseded_at__isnull=True)
    assert case.reviews.get(proof_type__code="identite").proof_id == proof.pk
    client.force_login(admin)
    assert (
        client.get(reverse("domiciliation:proof_download", args=[new.public_id])).status_code == 404
    )


def test_a_withdrawn_or_expired_case_loses_the_proofs(client, company, paris, admin):
    case = accepted_case(company, [paris], admin)
    proof = case.reviews.get(proof_type__code="identite").proof
    url = reverse("domiciliation:proof_download", args=[proof.public_id])
    client.force_login(admin)

    for status in (CaseStatus.EXPIRED, CaseStatus.WITHDRAWN):
        Case.objects.filter(pk=case.pk).update(status=status)
        assert client.get(url).status_code == 404
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACCEPTED)  # reactivated
    assert client.get(url).status_code == 200


# 10. The refused signing page


def test_the_refused_signing_page_names_no_one_and_is_recorded_once_per_visitor(
    client, company, paris, lyon, admin, django_capture_on_commit_callbacks
):
    case = _pay(accepted_case(company, [paris], admin), company, django_capture_on_commit_callbacks)
    url = reverse(
        "domiciliation:signature",
        args=[Signature.objects.get(case=case, party=Signature.Party.COMPANY).public_id],
    )
    intruder = lyon.organization.memberships.get(role="admin").user
    client.force_login(intruder)

    pages = [client.get(url) for _ in range(3)]

    assert all(page.status_code == 403 for page in pages)
    content = pages[0].content.decode()
    assert "Lien de signature réservé" in content
    assert "Nouvelle Start" not in content
    assert case.events.filter(actor=intruder, note__contains="refusé").count() == 1


# 11. A visit creates no draft


def test_visits_to_the_questionnaire_create_no_row(client, paris):
    for _ in range(3):
        response = client.get(reverse("domiciliation:start"), {"domiciliataire": paris.slug})
        assert response.status_code == 200
    assert not ClientFile.objects.exists()


# 16. SMS codes cannot be pumped


def _paid_case(company, paris, admin, django_capture_on_commit_callbacks):
    return _pay(accepted_case(company, [paris], admin), company, django_capture_on_commit_callbacks)


def test_codes_per_phone_number_are_capped_across_signatures(
    company, paris, admin, django_capture_on_commit_callbacks, time_machine
):
    from domiciliation.models import SignatureCode

    case = _paid_case(company, paris, admin, django_capture_on_commit_callbacks)
    signature = Signature.objects.get(case=case, party=Signature.Party.COMPANY)
    elsewhere = Signature.objects.get(case=case, party=Signature.Party.PROVIDER)
    # Other signatures already sent the cap to this phone today.
    for _ in range(MAX_CODES_PER_PHONE):
        SignatureCode.objects.create(
            signature=elsewhere,
            user=company,
            code_hash="x",
            phone=case.declared.rep_mobile,
            created_at=case.paid_at,
            expires_at=case.paid_at,
        )
    time_machine.move_to(case.paid_at)
    before = len(sms.outbox)

    with pytest.raises(SignatureRefused, match="Trop de codes ont été envoyés aujourd’hui"):
        signature_request_code(signature=signature, user=company, ip_address="203.0.113.9")

    assert len(sms.outbox) == before


def test_codes_per_ip_address_are_capped(
    company, paris, admin, django_capture_on_commit_callbacks, time_machine
):
    from domiciliation.models import SignatureCode

    case = _paid_case(company, paris, admin, django_capture_on_commit_callbacks)
    signature = Signature.objects.get(case=case, party=Signature.Party.COMPANY)
    elsewhere = Signature.objects.get(case=case, party=Signature.Party.PROVIDER)
    for index in range(MAX_CODES_PER_IP):
        SignatureCode.objects.create(
            signature=elsewhere,
            user=company,
            code_hash="x",
            phone=f"+336000000{index:02d}",
            ip_address="203.0.113.9",
            created_at=case.paid_at,
            expires_at=case.paid_at,
        )
    time_machine.move_to(case.paid_at)

    with pytest.raises(SignatureRefused, match="Trop de codes"):
        signature_request_code(signature=signature, user=company, ip_address="203.0.113.9")
    # Another address may still ask (the phone is under its cap).
    with django_capture_on_commit_callbacks(execute=True):
        code = signature_request_code(signature=signature, user=company, ip_address="198.51.100.1")
    assert code.ip_address == "198.51.100.1"
    assert sms.outbox[-1]["to"] == case.declared.rep_mobile
