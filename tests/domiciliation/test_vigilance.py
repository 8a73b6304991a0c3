"""Vigilance (LCB-FT): the risk level from the stated criteria, the measures and the
next review, acceptance blocked until an assessment is recorded, review reminders once;
the « déclaration de soupçon » note for admins only, every read logged, never shown to
the company nor in any e-mail."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from domiciliation.models import CaseStatus, SuspicionNote, SuspicionNoteRead
from domiciliation.services.instruction import CaseRefused, case_accept
from domiciliation.services.vigilance import vigilance_assess, vigilance_reviews_remind
from domiciliation.vigilance import HIGH, LOW, MEDIUM, risk_level
from notifications.models import Notification
from tests.domiciliation.factories import accept, at, sent_file

pytestmark = pytest.mark.django_db

SECRET = "Virements fractionnés depuis un pays tiers"


@pytest.fixture
def case(company, paris):
    return sent_file(company, [paris]).cases.get()


def test_the_level_follows_the_stated_criteria():
    assert risk_level({}) == LOW
    assert risk_level({"cash_intensive": True}) == MEDIUM
    assert risk_level({"cash_intensive": True, "risky_country": True}) == HIGH
    assert risk_level({"politically_exposed": True}) == HIGH
    assert risk_level({"documents_inconsistent": True}) == HIGH


def test_the_measures_and_the_next_review(case, admin):
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        low = vigilance_assess(case=case, actor=admin)
        high = vigilance_assess(case=case, actor=admin, politically_exposed=True)
    assert (low.level, low.next_review_on) == (LOW, date(2030, 2, 1))
    assert (high.level, high.next_review_on) == (HIGH, date(2028, 2, 1))
    assert "origine des fonds" in high.measures
    assert high.risk_factors == ["Personne politiquement exposée (dirigeant ou bénéficiaire)"]


def test_acceptance_waits_for_the_assessment(client, case, admin):
    with pytest.raises(CaseRefused, match="évaluation des risques"):
        case_accept(case=case, actor=admin)
    client.force_login(admin)
    url = reverse("domiciliation_provider:case_vigilance", args=[case.public_id])
    page = client.get(url).content.decode()
    assert "Aucune évaluation des risques enregistrée" in page
    response = client.post(url, {"cash_intensive": "on", "comment": "Restaurant"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Dernière évaluation&nbsp;: risque moyen" in page
    assert "Activité utilisant beaucoup d’espèces" in page
    assert case.assessments.get().comment == "Restaurant"
    accepted = accept(case, admin)  # the factory's assessment comes on top of this one
    assert accepted.status == CaseStatus.ACCEPTED


def test_reviews_are_reminded_once(company, paris, admin, django_capture_on_commit_callbacks):
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        case = accept(sent_file(company, [paris]).cases.get(), admin)
        vigilance_assess(case=case, actor=admin, politically_exposed=True)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(at(date(2028, 1, 1)), tick=False):
            assert vigilance_reviews_remind() == 0
        with time_machine.travel(at(date(2028, 1, 2)), tick=False):
            assert [vigilance_reviews_remind() for _ in range(3)] == [1, 0, 0]
    assert [(m.to, m.subject) for m in mail.outbox if "vigilance" in m.subject] == [
        (["admin@paris.example"], "Revue de vigilance à faire avant le 1er février 2028")
    ]
    assert case.status == CaseStatus.ACCEPTED


def test_the_suspicion_note_is_for_admins_only_and_every_read_is_logged(
    client, case, admin, agent, company, django_capture_on_commit_callbacks
):
    read = reverse("domiciliation_provider:case_suspicion", args=[case.public_id])
    add = reverse("domiciliation_provider:case_suspicion_add", args=[case.public_id])
    client.force_login(agent)
    assert client.get(read).status_code == 403
    assert client.post(add, {"text": SECRET}).status_code == 403
    vigilance_page = client.get(
        reverse("domiciliation_provider:case_vigilance", args=[case.public_id])
    ).content.decode()
    assert "Déclaration de soupçon" not in vigilance_page
    client.force_login(company)
    assert client.get(read).status_code in {403, 404}
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(add, {"text": SECRET}).status_code == 302
        page = client.get(read).content.decode()
        client.get(read)
    assert SECRET in page
    assert SuspicionNote.objects.get().created_by == admin
    assert list(SuspicionNoteRead.objects.values_list("reader", flat=True)) == [admin.pk] * 2
    # Never in front of the company, never in an e-mail.
    client.force_login(company)
    for url in (
        reverse("domiciliation:dashboard"),
        reverse("domiciliation:step", args=[case.client_file.public_id, 6]),
    ):
        assert SECRET not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        accept(case, admin)
    assert not any(SECRET in n.body_text + n.body_html + n.subject
                   for n in Notification.objects.all())  # fmt: skip
    assert all(SECRET not in m.body for m in mail.outbox)
