"""The company's request: questionnaire, proofs, sending to several domiciliataires,
the dashboard and withdrawal."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Membership
from domiciliation.models import Case, CaseStatus, ClientFile, Proof, ProofReview, ProofType
from domiciliation.services.requests import client_file_send, client_file_start, proof_upload
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import filled_file, pdf_bytes, pdf_upload, sent_file

pytestmark = pytest.mark.django_db


def _step(client_file, step):
    return reverse("domiciliation:step", args=[client_file.public_id, step])


def _start(client, **params) -> ClientFile:
    """« Demander une offre », then the first step's answers: the file exists from then on."""
    url = reverse("domiciliation:start") + (f"?{urlencode(params)}" if params else "")
    response = client.post(url, {"company_name": "Nouvelle Start"})
    assert response.status_code == 302
    return ClientFile.objects.latest("pk")


def test_a_visitor_starts_saves_each_step_and_resumes_after_signing_up(client, paris, company):
    response = client.get(reverse("domiciliation:start"), {"domiciliataire": paris.slug})
    assert response.status_code == 200
    assert "Étape 1 sur 6" in response.content.decode()
    assert str(paris) in response.content.decode()
    assert not ClientFile.objects.exists()  # a visit alone leaves no row behind
    response = client.post(
        reverse("domiciliation:start") + f"?domiciliataire={paris.slug}",
        {"company_status": "creation", "legal_form": "sas", "company_name": "Nouvelle Start"},
    )
    client_file = ClientFile.objects.get()
    assert client_file.owner is None
    assert client_file.origin_provider == paris
    assert response.url == _step(client_file, 2)
    page = client.get(_step(client_file, 1)).content.decode()
    assert 'value="Nouvelle Start"' in page
    assert "Étape 1 sur 6" in page
    response = client.get(_step(client_file, 5))
    assert response.url.startswith(reverse("account_signup"))
    client.force_login(company)
    assert client.get(_step(client_file, 5)).status_code == 200
    client_file.refresh_from_db()
    assert client_file.owner == company
    assert client_file.company_name == "Nouvelle Start"


def test_another_visitor_cannot_open_a_draft(client, paris):
    client_file = _start(client, domiciliataire=paris.slug)
    other = type(client)()
    assert other.get(_step(client_file, 1)).status_code == 404
    other.force_login(UserFactory())
    assert other.get(_step(client_file, 1)).status_code == 404


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (1, {"siren": "123456789"}, "Saisissez un numéro SIREN valide"),
        (2, {"rep_mobile": "12"}, "numéro de téléphone"),
        (2, {"rep_email": "pas-une-adresse"}, "adresse de courriel valide"),
        (2, {"rep_birth_date": "31/02/1990"}, "date valide"),
    ],
)
def test_bad_answers_are_shown_next_to_the_field_and_not_saved(
    client, company, step, data, message
):
    client.force_login(company)
    client_file = client_file_start(owner=company)
    response = client.post(_step(client_file, step), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    client_file.refresh_from_db()
    assert client_file.completed_step == 0


def test_beneficial_owners_shares_are_checked(client, company):
    client.force_login(company)
    client_file = _start(client)
    data = {
        "owners-TOTAL_FORMS": "2",
        "owners-INITIAL_FORMS": "0",
        "owners-0-first_name": "A",
        "owners-0-last_name": "B",
        "owners-0-share": "60",
        "owners-1-first_name": "C",
        "owners-1-last_name": "D",
        "owners-1-share": "50",
    }
    response = client.post(_step(client_file, 3), data)
    assert "Le total des parts dépasse 100" in response.content.decode()
    data["owners-1-share"] = "40"
    assert client.post(_step(client_file, 3), data).status_code == 302
    assert client_file.beneficial_owners.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "n’est pas accepté"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "n’est pas accepté"),
        ("casse.pdf", b"%PDF-1.4\n garbage", "illisible ou endommagé"),
        ("vide.pdf", b"", "vide"),
        ("enorme.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "taille maximale"),
    ],
)
def test_bad_proof_files_are_refused_and_nothing_is_stored(client, company, name, content, message):
    client.force_login(company)
    client_file = _start(client)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(_step(client_file, 5), {"proof_type": "identite", "file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Proof.objects.exists()


def test_a_replaced_proof_keeps_its_previous_version(client, company):
    client.force_login(company)
    client_file = _start(client)
    for _ in range(2):
        client.post(_step(client_file, 5), {"proof_type": "identite", "file": pdf_upload()})
    versions = list(Proof.objects.order_by("pk"))
    assert len(versions) == 2
    assert versions[0].superseded_at is not None
    assert versions[1].superseded_at is None


def test_sending_creates_one_case_per_provider_once_and_emails_everyone(
    company, paris, lyon, django_capture_on_commit_callbacks
):
    client_file = filled_file(company, paris)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cases = client_file_send(client_file=client_file, providers=[paris, lyon], actor=company)
    assert [case.status for case in cases] == [CaseStatus.S1, CaseStatus.S1]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [
        "admin@lyon.example",
        "admin@paris.example",
        "agent@paris.example",
        "paul@start.example",
    ]
    new_case = next(m for m in mail.outbox if m.to == ["admin@paris.example"])
    assert new_case.subject == "Nouvelle demande de contrat domicilié\u00a0: Nouvelle Start"
    assert f"/domiciliataire/dossiers/{cases[0].public_id}/" in new_case.body
    confirmation = next(m for m in mail.outbox if m.to == ["paul@start.example"])
    assert "Paris Domiciliation" in confirmation.body
    assert "Lyon Domiciliation" in confirmation.body
    # Sent again (double click), then to one more: no duplicate.
    assert client_file_send(client_file=client_file, providers=[paris, lyon], actor=company) == []
    assert Case.objects.count() == 2
    reviews = ProofReview.objects.filter(case=cases[0])
    states = dict(reviews.values_list("proof_type__code", "state"))
    assert states["identite"] == "to_review"
    assert states["kbis"] == "missing"


def test_sending_needs_the_required_answers_and_a_verified_email(client, paris):
    user = UserFactory()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    client_file = client_file_start(owner=user, provider=paris)
    page = client.get(_step(client_file, 6)).content.decode()
    assert "Indiquez la dénomination." in page
    assert "Ajoutez le justificatif «\u00a0Pièce d’identité du représentant légal\u00a0»." in page
    assert "Confirmez votre adresse e-mail" in page
    response = client.post(
        reverse("domiciliation:send", args=[client_file.public_id]), {"provider": [paris.pk]}
    )
    assert response.status_code == 302
    assert not Case.objects.exists()


def test_the_company_sends_from_the_summary(client, company, paris, lyon):
    client_file = filled_file(company, paris)
    client.force_login(company)
    page = client.get(_step(client_file, 6), {"q": "lyon"}).content.decode()
    assert "Paris Domiciliation" in page
    assert "Lyon Domiciliation" in page
    response = client.post(
        reverse("domiciliation:send", args=[client_file.public_id]),
        {"provider": [paris.pk, lyon.pk, "abc", "²"]},
        follow=True,
    )
    assert "Votre dossier a été envoyé à" in response.content.decode()
    assert Case.objects.count() == 2
    dashboard = client.get(reverse("domiciliation:dashboard")).content.decode()
    assert "Dossier en attente d’acceptation ou de classement (S1)" in dashboard
    assert "Pièce d’identité du représentant légal&nbsp;: à examiner" in dashboard


def test_a_new_proof_after_an_invalidation_goes_back_to_review_everywhere(
    company, paris, lyon, django_capture_on_commit_callbacks
):
    client_file = sent_file(company, [paris, lyon])
    identity = ProofType.objects.get(code="identite")
    ProofReview.objects.filter(proof_type=identity).update(state="invalidated", reason="Illisible")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proof = proof_upload(
            client_file=client_file,
            proof_type=identity,
            upload=pdf_upload(),
            kind="pdf",
            actor=company,
        )
    reviews = ProofReview.objects.filter(proof_type=identity)
    assert {(r.state, r.proof_id, r.reason) for r in reviews} == {("to_review", proof.pk, "")}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@lyon.example",
        "admin@paris.example",
        "agent@paris.example",
    ]


def test_withdrawing_a_case_notifies_the_provider(
    client, company, paris, django_capture_on_commit_callbacks
):
    client_file = sent_file(company, [paris])
    case = client_file.cases.get()
    client.force_login(company)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("domiciliation:withdraw", args=[case.public_id]))
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert {m.to[0] for m in mail.outbox} == {"admin@paris.example", "agent@paris.example"}
    response = client.post(reverse("domiciliation:withdraw", args=[case.public_id]), follow=True)
    assert "il ne peut pas passer à «\u00a0Retiré\u00a0»" in response.content.decode()
    client.force_login(UserFactory())
    assert client.post(reverse("domiciliation:withdraw", args=[case.public_id])).status_code == 404


def test_proof_downloads_are_for_the_owner_and_the_addressed_providers(
    client, company, paris, lyon
):
    client_file = sent_file(company, [paris])
    proof = client_file.proofs.first()
    url = reverse("domiciliation:proof_download", args=[proof.public_id])
    assert client.get(url).status_code == 302  # anonymous: login first
    client.force_login(company)
    response = client.get(url)
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert 'filename="' in response["Content-Disposition"]
    client.force_login(paris.organization.memberships.get(role=Membership.Role.AGENT).user)
    assert client.get(url).status_code == 200
    client.force_login(lyon.organization.memberships.get().user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
