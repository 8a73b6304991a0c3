"""French typography on everything people read (tests/support/typography.py): every page
of the sweep for every role, every e-mail the portal renders, every PDF's text."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.support.pages import ROLES, pages_per_role
from tests.support.typography import html_typography_faults

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")


def test_every_page_is_written_with_french_typography(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pages = pages_per_role()
    faults, read = [], 0
    for role, login in ROLES.items():
        client = Client()
        if login:
            client.force_login(User.objects.get(username=login))
        for path in pages[role]:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            read += 1
            faults += [
                f"{role} {path}: {fault}"
                for fault in html_typography_faults(response.content.decode())
            ]
    assert sorted(set(faults)) == [], "\n".join(sorted(set(faults)))
    assert read >= 90, read
