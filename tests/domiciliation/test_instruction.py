"""The domiciliataire instructs a case: the S1 queue, the proof review with its recap
e-mail, the offer and the contract, acceptance or « classement sans suite »."""

import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from domiciliation.models import (
    CASE_TRANSITIONS,
    Case,
    CaseEvent,
    CaseStatus,
    ContractTemplate,
    ProofReview,
    ProofType,
)
from domiciliation.selectors import provider_key_figures
from domiciliation.services.cases import CaseRefused, case_lock, case_move
from domiciliation.services.instruction import (
    ReviewDecision,
    case_accept,
    case_dismiss,
    case_review_proofs,
    case_set_offer,
)
from domiciliation.services.previews import proof_preview_make
from domiciliation.services.requests import case_withdraw, proof_upload
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import assessed, pdf_upload, sent_file

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 0))


@pytest.fixture
def case(company, paris, lyon):
    client_file = sent_file(company, [paris, lyon])
    mail.outbox.clear()
    return client_file.cases.get(provider=paris)


def _url(name, case):
    return reverse(f"domiciliation_provider:{name}", args=[case.public_id])


def _proof_id(case, code):
    return str(case.reviews.get(proof_type__code=code).proof.public_id)


def _validate_required(case, actor):
    decisions = [
        ReviewDecision(_proof_id(case, code), ProofReview.State.VALIDATED)
        for code in ("identite", "domicile")
    ]
    case_review_proofs(case=case, decisions=decisions, actor=actor)


def _set_offer(case, actor, **fields):
    values = {
        "centre": case.provider.centres.first(),
        "monthly_price": Decimal("30.00"),
        "setup_fee": Decimal("50.00"),
        "billing_months": 3,
        "duration_months": 6,
        **fields,
    }
    case = case_set_offer(case=case, actor=actor, **values)
    if not case.assessments.exists():
        assessed(case, actor)  # acceptance also needs the risk assessment
    return case


# State machine


@pytest.mark.parametrize("from_status", CaseStatus.values)
@pytest.mark.parametrize("to_status", CaseStatus.values)
def test_a_case_moves_only_along_the_transitions(case, admin, from_status, to_status):
    Case.objects.filter(pk=case.pk).update(status=from_status)
    allowed = to_status in CASE_TRANSITIONS[CaseStatus(from_status)]
    if allowed:
        moved = case_move(case_lock(case), to_status, actor=admin, note="test")
        assert moved.status == to_status
        event = CaseEvent.objects.filter(case=case).latest("pk")
        assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, admin)
    else:
        with pytest.raises(CaseRefused, match="ne peut pas passer"):
            case_move(case_lock(case), to_status, actor=admin)
        case.refresh_from_db()
        assert case.status == from_status


def test_it_refuses_to_accept_a_dismissed_case(case, admin):
    _validate_required(case, admin)
    _set_offer(case, admin)
    case_dismiss(case=case, reason="Activité non admise", actor=admin)
    with pytest.raises(CaseRefused, match="Classé sans suite"):
        case_accept(case=case, actor=admin)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISMISSED
    assert case.payment_due_at is None


def test_it_refuses_to_review_the_proofs_of_a_withdrawn_case(case, company, admin):
    case_withdraw(case=case, actor=company)
    decisions = [ReviewDecision(_proof_id(case, "identite"), ProofReview.State.VALIDATED)]
    with pytest.raises(CaseRefused, match="ne peuvent plus être examinés"):
        case_review_proofs(case=case, decisions=decisions, actor=admin)
    assert case.reviews.get(proof_type__code="identite").state == ProofReview.State.TO_REVIEW


def test_the_offer_is_fixed_once_the_case_is_decided(case, admin):
    _validate_required(case, admin)
    _set_offer(case, admin)
    case_accept(case=case, actor=admin)
    with pytest.raises(CaseRefused, match="ne peut plus être modifiée"):
        _set_offer(case, admin, monthly_price=Decimal("1.00"))


# Proof review


def test_update_saves_every_state_and_sends_one_recap_email(
    client, case, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    identite, domicile = _proof_id(case, "identite"), _proof_id(case, "domicile")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("case_proofs", case),
            {
                f"etat-{identite}": "validated",
                f"etat-{domicile}": "invalidated",
                f"motif-{domicile}": "Document expiré ou datant de plus de 3 mois",
            },
        )
    assert response.status_code == 302
    states = dict(case.reviews.values_list("proof_type__code", "state"))
    assert states["identite"] == "validated"
    assert states["domicile"] == "invalidated"
    assert states["statuts"] == "missing"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["paul@start.example"]
    assert "Vos justificatifs ont été examinés par Paris Domiciliation" in message.subject
    assert "Pièce d’identité du représentant légal\u00a0: validée" in message.body
    assert "motif\u00a0: Document expiré ou datant de plus de 3 mois" in message.body
    assert "Statuts\u00a0: non fournis (facultatif avant signature)" in message.body
    assert "Remplacez les justificatifs invalidés" in message.body
    timeline = client.get(_url("case_detail", case)).content.decode()
    assert "Justificatifs examinés" in timeline
    assert "paul@start.example" in timeline


def test_each_update_sends_its_own_recap(case, admin, django_capture_on_commit_callbacks):
    decisions = [ReviewDecision(_proof_id(case, "identite"), ProofReview.State.VALIDATED)]
    with django_capture_on_commit_callbacks(execute=True):
        case_review_proofs(case=case, decisions=decisions, actor=admin)
        case_review_proofs(case=case, decisions=decisions, actor=admin)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("state", "reason", "message"),
    [
        ("approved", "", "Sélectionnez un choix valide"),
        ("invalidated", "", "Indiquez le motif de l’invalidation."),
    ],
)
def test_a_bad_state_or_a_missing_reason_saves_nothing(client, case, admin, state, reason, message):
    client.force_login(admin)
    identite, domicile = _proof_id(case, "identite"), _proof_id(case, "domicile")
    response = client.post(
        _url("case_proofs", case),
        {f"etat-{identite}": "validated", f"etat-{domicile}": state, f"motif-{domicile}": reason},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert set(case.reviews.values_list("state", flat=True)) == {"to_review", "missing"}
    assert mail.outbox == []


def test_a_typed_reason_is_kept_as_written(client, case, admin):
    client.force_login(admin)
    domicile = _proof_id(case, "domicile")
    client.post(
        _url("case_proofs", case),
        {
            f"etat-{domicile}": "invalidated",
            f"motif-{domicile}": "autre",
            f"autre-{domicile}": "Le nom ne correspond pas",
        },
    )
    assert case.reviews.get(proof_type__code="domicile").reason == "Le nom ne correspond pas"


def test_a_proof_of_another_file_is_refused(client, case, admin, company, lyon):
    other = sent_file(UserFactory(), [lyon]).cases.get()
    client.force_login(admin)
    foreign = _proof_id(other, "identite")
    response = client.post(_url("case_proofs", case), {f"etat-{foreign}": "validated"})
    assert response.status_code == 400
    assert "Ce justificatif ne fait pas partie de ce dossier." in response.content.decode()
    assert other.reviews.get(proof_type__code="identite").state == "to_review"


def test_a_stale_form_is_refused_and_the_page_shows_the_new_proof(client, case, admin, company):
    client.force_login(admin)
    old = _proof_id(case, "domicile")
    identite = _proof_id(case, "identite")
    proof_upload(
        client_file=case.client_file,
        proof_type=ProofType.objects.get(code="domicile"),
        upload=pdf_upload("nouveau-domicile.pdf"),
        kind="pdf",
        actor=company,
    )
    response = client.post(
        _url("case_proofs", case),
        {f"etat-{identite}": "validated", f"etat-{old}": "validated"},
        follow=True,
    )
    page = response.content.decode()
    assert "a remplacé" in page
    assert "nouveau-domicile.pdf" in page
    assert set(case.reviews.values_list("state", flat=True)) == {"to_review", "missing"}


def test_the_proofs_page_previews_each_proof_through_the_checked_view(client, case, admin):
    proof = case.reviews.get(proof_type__code="identite").proof
    proof_preview_make(proof_id=proof.pk)  # the task queued by the upload
    client.force_login(admin)
    page = client.get(_url("case_proofs", case)).content.decode()
    preview = reverse("domiciliation:proof_download", args=[proof.public_id]) + "?apercu=1"
    assert f'<img src="{preview}"' in page
    assert "<iframe" not in page
    assert "Facultatif avant signature" in page
    response = client.get(preview)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "DENY"


# Offer, contract, decisions


def test_accepting_needs_every_required_proof_validated(client, case, admin):
    client.force_login(admin)
    response = client.post(_url("case_accept", case), follow=True)
    page = response.content.decode()
    assert "Le dossier ne peut pas être accepté" in page
    assert "Pièce d’identité du représentant légal" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.S1


def test_accepting_gives_the_company_seven_days_and_tells_it_the_amount(
    client, case, admin, django_capture_on_commit_callbacks
):
    _validate_required(case, admin)
    assessed(case, admin)
    client.force_login(admin)
    response = client.post(
        _url("case_contract", case),
        {
            "centre": case.provider.centres.first().pk,
            "monthly_price": "30,00",
            "billing_months": "3",
            "setup_fee": "50",
            "duration_months": "6",
        },
    )
    assert response.status_code == 302
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(_url("case_accept", case))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    # The end of the seventh day, Paris time.
    assert case.payment_due_at == timezone.make_aware(timezone.datetime(2026, 11, 30, 23, 59))
    assert case.decided_by == admin
    (message,) = mail.outbox
    assert message.to == ["paul@start.example"]
    assert "accepté" in message.subject
    # (3 × 30 + 50) × 1.2 = 168 €
    assert "168,00\u00a0€ TTC" in message.body
    assert "avant le 30 novembre 2026 à 23\u00a0h\u00a059" in message.body
    assert "http://testserver/domiciliation/" in message.body


def test_the_offer_refuses_bad_values_next_to_the_field(client, case, admin):
    client.force_login(admin)
    response = client.post(
        _url("case_contract", case),
        {
            "centre": case.provider.centres.first().pk,
            "monthly_price": "-5",
            "billing_months": "7",
            "setup_fee": "abc",
            "duration_months": "2",
        },
    )
    assert response.status_code == 400
    errors = response.context["offer_form"].errors
    assert set(errors) == {"monthly_price", "billing_months", "setup_fee", "duration_months"}
    case.refresh_from_db()
    # The advertised offer the case started with is kept.
    assert case.monthly_price == case.provider.price_from


def test_another_providers_centre_is_refused(client, case, admin, lyon):
    client.force_login(admin)
    response = client.post(
        _url("case_contract", case),
        {
            "centre": lyon.centres.first().pk,
            "monthly_price": "30",
            "billing_months": "3",
            "setup_fee": "0",
            "duration_months": "3",
        },
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.centre_id != lyon.centres.first().pk


def test_dismissing_needs_a_reason_and_tells_the_company(
    client, case, admin, company, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    response = client.post(_url("case_dismiss", case), {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez le motif du classement sans suite." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("case_dismiss", case), {"reason": "Activité non domiciliable"})
    case.refresh_from_db()
    assert case.status == CaseStatus.DISMISSED
    (message,) = mail.outbox
    assert "classé sans suite" in message.subject
    assert "Motif\u00a0: Activité non domiciliable" in message.body
    client.force_login(company)
    assert (
        "Activité non domiciliable"
        in client.get(reverse("domiciliation:dashboard")).content.decode()
    )


def test_the_contract_pdf_carries_the_parties_address_price_and_duration(client, case, admin):
    _validate_required(case, admin)
    _set_offer(case, admin)
    client.force_login(admin)
    response = client.get(_url("case_contract_pdf", case))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Paris Domiciliation SAS" in text
    assert "DOM-75-2020-001" in text
    assert "Nouvelle Start" in text
    assert "Paul Martin" in text
    assert "1 rue X" in text
    assert "75002 Paris" in text
    assert "30,00" in text
    assert "168,00" in text
    assert "6 mois" in text.replace("\u00a0", " ")
    assert "tacite reconduction" in text


def test_a_provider_customises_its_clauses(client, case, admin, agent):
    client.force_login(admin)
    url = reverse("domiciliation_provider:contract_clauses")
    assert "Article 1 – Objet" in client.get(url).content.decode()
    client.post(url, {"clauses": "Article 1 – Notre objet\nNos conditions maison."})
    assert ContractTemplate.objects.get(provider=case.provider).clauses.startswith("Article 1")
    page = client.get(_url("case_contract", case)).content.decode()
    assert "Nos conditions maison." in page
    client.post(url, {"action": "reset"})
    page = client.get(_url("case_contract", case)).content.decode()
    assert "Nos conditions maison." not in page
    assert "Article 2 – Durée" in page


def test_the_case_page_never_shows_the_other_recipients(client, case, admin):
    client.force_login(admin)
    page = client.get(_url("case_detail", case)).content.decode()
    assert "Nouvelle Start" in page
    assert "Lyon Domiciliation" not in page
    assert "Dossier reçu" in page


# Concurrency


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_agents_deciding_at_once_cannot_both_win(migrated_data, case, admin, agent):
    _validate_required(case, admin)
    _set_offer(case, admin)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(action):
        barrier.wait()
        try:
            action()
            outcomes.append("done")
        except CaseRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(lambda: case_accept(case=case, actor=admin),)),
        threading.Thread(
            target=decide, args=(lambda: case_dismiss(case=case, reason="Non", actor=agent),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "refused"]
    case.refresh_from_db()
    decisions = CaseEvent.objects.filter(case=case, from_status=CaseStatus.S1)
    assert decisions.count() == 1
    assert decisions.get().to_status == case.status


# The list, the queue and the figures


def test_the_s1_queue_lists_the_oldest_first_with_counts(client, paris, admin, company):
    files = [sent_file(UserFactory(), [paris]) for _ in range(3)]
    cases = [f.cases.get() for f in files]
    for days, c in zip((2, 9, 5), cases, strict=True):
        Case.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=days))
    Case.objects.filter(pk=cases[2].pk).update(status=CaseStatus.DISMISSED)
    client.force_login(admin)
    page = client.get(reverse("domiciliation_provider:case_list") + "?statut=S1")
    content = page.content.decode()
    ids = [str(c.public_id) for c in cases]
    assert content.index(ids[1]) < content.index(ids[0])
    assert ids[2] not in content
    assert "1\u00a0semaine, 2\u00a0jours" in content
    counts = {value: count for value, _, count in page.context["status_counts"]}
    assert counts["S1"] == 2
    assert counts["dismissed"] == 1


def test_the_list_searches_by_company_or_representative(client, paris, admin):
    sent_file(UserFactory(), [paris])
    client.force_login(admin)
    url = reverse("domiciliation_provider:case_list")
    assert "Nouvelle Start" in client.get(url, {"q": "martin"}).content.decode()
    assert "Nouvelle Start" not in client.get(url, {"q": "dupont"}).content.decode()
    assert client.get(url, {"statut": "zzz", "page": "abc"}).status_code == 200


def test_the_list_and_the_case_pages_run_a_constant_number_of_queries(
    client, paris, admin, django_assert_max_num_queries
):
    for _ in range(30):
        sent_file(UserFactory(), [paris])
    case = Case.objects.filter(provider=paris).first()
    client.force_login(admin)
    for url in (
        reverse("domiciliation_provider:case_list"),
        reverse("domiciliation_provider:case_list") + "?statut=S1&q=start",
        reverse("domiciliation_provider:dashboard"),
        _url("case_detail", case),
        _url("case_proofs", case),
        _url("case_contract", case),
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_the_dashboard_figures(paris, admin, company):
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        old = sent_file(UserFactory(), [paris]).cases.get()
    with time_machine.travel(NOW - timedelta(days=8), tick=False):
        _validate_required(old, admin)
        _set_offer(old, admin)
        case_accept(case=old, actor=admin)
    with time_machine.travel(NOW, tick=False):
        new = sent_file(UserFactory(), [paris]).cases.get()
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        case_dismiss(case=new, reason="Non", actor=admin)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        figures = provider_key_figures(paris.organization)
    assert figures.new_this_week == 1  # the week starts on Monday 23 November 2026
    assert figures.waiting_for_company == 1
    assert figures.acceptance_rate == 50
    assert figures.average_decision_days == 1.5


# Permissions


def test_an_agent_instructs_but_cannot_administer(client, case, agent):
    client.force_login(agent)
    assert client.get(_url("case_proofs", case)).status_code == 200
    assert client.get(reverse("domiciliation_provider:case_list")).status_code == 200
    for name in ("team", "contract_clauses"):
        assert client.get(reverse(f"domiciliation_provider:{name}")).status_code == 403
    assert client.get(reverse("directory_provider:profile")).status_code == 403


def test_a_company_or_a_funder_cannot_open_the_provider_space(client, case, company):
    client.force_login(company)
    assert client.get(reverse("domiciliation_provider:case_list")).status_code == 403
    assert client.get(_url("case_detail", case)).status_code == 403
