"""The directory at the size of the national one: the search twenty results a page in a
constant number of queries, and the per-département counts kept in the cache until a
service changes them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.selectors import department_counts, directory_search
from directory.services.profiles import centre_delete
from tests.directory.factories import make_provider

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


def test_the_search_pages_its_results_in_a_constant_number_of_queries(client):
    for index in range(25):
        make_provider(name=f"Lyon {index:02d}", centres=[("69003", "Lyon")])
    make_provider(name="Paris Seul", centres=[("75002", "Paris")])

    with CaptureQueriesContext(connection) as queries:
        first = client.get(SEARCH, {"q": "lyon"}).content.decode()
    second = client.get(SEARCH, {"q": "lyon", "page": "2"}).content.decode()

    assert len(queries) <= 2
    assert first.count('class="provider-card"') == 20
    assert second.count('class="provider-card"') == 5
    assert "Résultats suivants" in first
    assert "Résultats précédents" in second
    assert "Résultats suivants" not in second
    assert "Paris Seul" not in first
    assert client.get(SEARCH, {"q": "lyon", "page": "999999999999"}).status_code == 200
    results = directory_search("lyon 2")
    assert [c.provider.display_name for cs in results.groups.values() for c in cs] == [
        f"Lyon {index:02d}" for index in range(20, 25)
    ]


def test_the_counts_are_kept_until_a_service_changes_them(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        provider = make_provider(name="Compté", centres=[("69003", "Lyon")])
    lyon = provider.centres.get().department_id
    assert department_counts()[lyon] == 1

    with CaptureQueriesContext(connection) as cached:
        assert department_counts()[lyon] == 1
    assert len(cached) == 0

    with django_capture_on_commit_callbacks(execute=True):
        centre_delete(centre=provider.centres.get())
    assert department_counts().get(lyon, 0) == 0
