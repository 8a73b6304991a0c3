"""French typography on everything people read (tests/support/typography.py): every page
of the sweep for every role, every e-mail the portal renders, every PDF's text."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.support.pages import ROLES, pages_per_role
from tests.support.typography import html_text, html_typography_faults, typography_faults

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


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MESSAGE_TEMPLATES = ["emails", "account/email", "mfa/email", "sms", "pdf"]
TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
STYLE_BLOCK = re.compile(r"\{% block style %\}.*?\{% endblock %\}", re.DOTALL)
VARIABLE = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def _template_text(path: Path) -> str:
    """The words of a template as people read them, a number standing for each variable
    (so that « {{ amount }} € » is caught as well as « 40 € »)."""
    source = STYLE_BLOCK.sub("", path.read_text(encoding="utf-8"))
    source = VARIABLE.sub("1", TAG.sub("", source))
    return html_text(source) if path.suffix == ".html" else source


def test_every_email_sms_and_pdf_template_is_written_with_french_typography():
    faults, read = [], 0
    for folder in MESSAGE_TEMPLATES:
        for path in sorted((TEMPLATES / folder).rglob("*")):
            if path.suffix not in (".txt", ".html"):
                continue
            read += 1
            name = path.relative_to(TEMPLATES)
            faults += [f"{name}: {fault}" for fault in typography_faults(_template_text(path))]
    assert faults == [], "\n".join(faults)
    assert read >= 100, read
