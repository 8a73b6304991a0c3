"""The domiciliataire's case list at size: its counts kept in the cache until a case
changes, its pages counted from them, and its reads filtered on the provider."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from domiciliation.models import CaseStatus
from domiciliation.selectors import provider_case_counts, provider_cases
from domiciliation.services.instruction import case_dismiss
from tests.accounts.factories import UserFactory
from tests.domiciliation.factories import sent_file

pytestmark = pytest.mark.django_db

LIST = reverse("domiciliation_provider:case_list")


def _counts(paris):
    return {status: n for status, _, n in provider_case_counts(paris.organization)}


def test_the_counts_are_read_from_the_cache_until_a_case_changes(paris, admin):
    cases = [sent_file(UserFactory(), [paris]).cases.get() for _ in range(3)]
    assert _counts(paris)[CaseStatus.S1] == 3
    with CaptureQueriesContext(connection) as cached:
        assert _counts(paris)[CaseStatus.S1] == 3
    assert len(cached) == 2  # the provider, the time of its latest case change

    case_dismiss(case=cases[0], reason="Hors zone", actor=admin)

    counts = _counts(paris)
    assert (counts[CaseStatus.S1], counts[CaseStatus.DISMISSED]) == (2, 1)
    sent_file(UserFactory(), [paris])
    assert _counts(paris)[CaseStatus.S1] == 3


def test_the_list_pages_from_the_counts_and_searches_with_its_own_count(client, paris, admin):
    for _ in range(55):
        sent_file(UserFactory(), [paris])
    client.force_login(admin)

    queue = client.get(LIST, {"statut": "S1", "page": "2"})
    search = client.get(LIST, {"q": "start"})

    assert "Page 2 sur 2" in queue.content.decode()
    assert len(queue.context["page"].object_list) == 5
    assert search.context["page"].paginator.count == 55


def test_the_cases_are_filtered_on_the_provider_itself(paris, lyon):
    sent_file(UserFactory(), [paris, lyon])
    sql = str(provider_cases(paris.organization).query)
    assert '"domiciliation_case"."provider_id" = ' in sql
    assert (
        "directory_provider" not in sql.split("FROM", 1)[1].split("ORDER BY")[0].split("WHERE")[0]
    )
    assert provider_cases(None).count() == 0
