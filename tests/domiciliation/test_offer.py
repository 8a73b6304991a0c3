"""The offer of a new case starts from what the company chose and what the domiciliataire
advertises: the provider confirms it, or adjusts it, on the « Contrat » page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from domiciliation.models import CaseStatus, ProofReview
from domiciliation.services.instruction import ReviewDecision, case_review_proofs
from domiciliation.services.requests import client_file_send
from tests.accounts.factories import MembershipFactory
from tests.directory.factories import make_provider
from tests.domiciliation.factories import assessed, filled_file, sent_file

pytestmark = pytest.mark.django_db


def _validate_every_proof(case, actor):
    decisions = [
        ReviewDecision(str(review.proof.public_id), ProofReview.State.VALIDATED)
        for review in case.reviews.filter(proof__isnull=False)
    ]
    case_review_proofs(case=case, decisions=decisions, actor=actor)


def test_a_new_case_starts_with_the_advertised_price_and_the_only_centre(company, paris):
    paris.price_from = Decimal("29.00")
    paris.min_contract_months = 6
    paris.save()
    case = sent_file(company, [paris]).cases.get()
    assert case.monthly_price == Decimal("29.00")
    assert case.centre == paris.centres.get()
    assert case.duration_months == 6
    assert case.setup_fee == Decimal("0.00")
    assert case.has_offer


def test_the_centre_the_company_chose_is_the_offers(company, admin):
    provider = make_provider(
        name="Deux Centres", centres=[("75002", "Paris"), ("92100", "Boulogne")]
    )
    boulogne = provider.centres.get(postcode="92100")
    client_file = filled_file(company)
    client_file.origin_provider, client_file.origin_centre = provider, boulogne
    client_file.save()
    client_file_send(client_file=client_file, providers=[provider], actor=company)
    assert client_file.cases.get().centre == boulogne


def test_with_several_centres_and_none_chosen_the_provider_chooses(client, company):
    provider = make_provider(
        name="Deux Centres", centres=[("75002", "Paris"), ("92100", "Boulogne")]
    )
    admin = MembershipFactory(
        organization=provider.organization, role="admin", user__email="a@deux.example"
    ).user
    case = sent_file(company, [provider]).cases.get()
    assert case.centre is None
    assert case.monthly_price == provider.price_from
    _validate_every_proof(case, admin)
    client.force_login(admin)
    page = client.get(reverse("domiciliation_provider:case_contract", args=[case.public_id]))
    html = page.content.decode()
    assert "Choisissez le centre de domiciliation" in html
    assert "L’offre (centre et prix) n’est pas renseignée." in html


def test_the_contract_page_shows_the_offer_filled_in_and_accepting_needs_no_typing(
    client, company, paris, admin
):
    paris.price_from = Decimal("29.00")
    paris.save()
    case = sent_file(company, [paris]).cases.get()
    _validate_every_proof(case, admin)
    assessed(case, admin)
    client.force_login(admin)
    url = reverse("domiciliation_provider:case_contract", args=[case.public_id])
    html = client.get(url).content.decode()
    assert 'name="monthly_price" value="29,00"' in html
    assert "à partir de 29,00\u00a0€&nbsp;HT par mois" in html
    assert "Accepté maintenant, le client aura jusqu’au " in html
    assert "à 23\u00a0h\u00a059 pour effectuer le premier paiement" in html
    response = client.post(
        reverse("domiciliation_provider:case_accept", args=[case.public_id]), follow=True
    )
    assert "Le dossier est accepté. Le client a jusqu’au " in response.content.decode()
    assert "23\u00a0h\u00a059 pour effectuer le premier paiement." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.monthly_price == Decimal("29.00")


def test_the_provider_adjusts_the_prefilled_offer(client, company, paris, admin):
    case = sent_file(company, [paris]).cases.get()
    client.force_login(admin)
    response = client.post(
        reverse("domiciliation_provider:case_contract", args=[case.public_id]),
        {
            "centre": case.centre.pk,
            "monthly_price": "35,50",
            "billing_months": "1",
            "setup_fee": "20",
            "duration_months": "12",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.monthly_price, case.billing_months, case.duration_months) == (
        Decimal("35.50"),
        1,
        12,
    )
