"""What the company reads about its proofs: the reason chosen with the precision typed
beside it, and states agreed with each proof's label (« Pièce d’identité : validée »,
« Statuts : validés »), in the recap e-mail and in « Mes dossiers »."""

import pytest
from django.core import mail
from django.urls import reverse

from domiciliation.models import ProofType
from domiciliation.services.requests import proof_upload
from tests.domiciliation.factories import pdf_upload, sent_file

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def case(company, paris):
    client_file = sent_file(company, [paris])
    proof_upload(
        client_file=client_file,
        proof_type=ProofType.objects.get(code="statuts"),
        upload=pdf_upload("statuts.pdf"),
        kind="pdf",
        actor=company,
    )
    mail.outbox.clear()
    return client_file.cases.get()


def _proof_id(case, code):
    return str(case.reviews.get(proof_type__code=code).proof.public_id)


def _review(client, case, data, django_capture_on_commit_callbacks):
    url = reverse("domiciliation_provider:case_proofs", args=[case.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, data)


def test_a_listed_reason_keeps_the_precision_typed_beside_it(
    client, case, admin, company, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    domicile = _proof_id(case, "domicile")
    response = _review(
        client,
        case,
        {
            f"etat-{domicile}": "invalidated",
            f"motif-{domicile}": "Document illisible",
            f"autre-{domicile}": "le bas de la facture est coupé",
        },
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    reason = f"Document illisible{NBSP}: le bas de la facture est coupé"
    assert case.reviews.get(proof_type__code="domicile").reason == reason
    (message,) = mail.outbox
    assert reason in message.body
    client.force_login(company)
    assert reason in client.get(reverse("domiciliation:dashboard")).content.decode()

    # Shown again to the provider: the listed reason chosen, the precision in its field.
    client.force_login(admin)
    page = client.get(reverse("domiciliation_provider:case_proofs", args=[case.public_id]))
    html = page.content.decode()
    assert '<option value="Document illisible" selected>' in html
    assert 'value="le bas de la facture est coupé"' in html


def test_states_agree_with_each_proofs_label(
    client, case, admin, company, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    data = {f"etat-{_proof_id(case, code)}": "validated" for code in ("identite", "statuts")}
    data[f"etat-{_proof_id(case, 'domicile')}"] = "validated"
    _review(client, case, data, django_capture_on_commit_callbacks)
    expected = [
        f"Pièce d’identité du représentant légal{NBSP}: validée",
        f"Justificatif de domicile du représentant de moins de 3 mois{NBSP}: validé",
        f"Statuts{NBSP}: validés",
        f"Procuration postale{NBSP}: non fournie",
    ]
    (message,) = mail.outbox
    html = message.alternatives[0][0].replace("&nbsp;", NBSP)
    client.force_login(company)
    dashboard = client.get(reverse("domiciliation:dashboard")).content.decode()
    dashboard = dashboard.replace("&nbsp;", NBSP)
    for text in expected:
        assert text in message.body
        assert text.replace(f"{NBSP}: ", f"{NBSP}: <strong>") in html
        assert text in dashboard
