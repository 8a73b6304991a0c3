"""French typography on everything people read (tests/support/typography.py): every page
of the sweep for every role, every e-mail the portal renders, every PDF's text."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from cesu_orders.models import Document, Order
from cesu_orders.services.invoices import invoice_pdf_bytes
from domiciliation.services.documents import attestation_pdf, contract_pdf
from domiciliation.services.documents import invoice_pdf as domiciliation_invoice_pdf
from tests.cesu_orders.factories import recap_pdf_bytes
from tests.support.pages import ROLES, pages_per_role, paid_demo_case
from tests.support.typography import html_text, html_typography_faults, typography_faults

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_every_pdf_of_the_demo_reads_with_french_typography(
    demo, client, django_capture_on_commit_callbacks
):
    """The PDFs as issued: the documents utiles, a CESU invoice and order recap, a
    domiciliation contract, invoice and attestation."""
    with django_capture_on_commit_callbacks(execute=True):
        case = paid_demo_case()
    order = Order.objects.filter(organization__name="Demo Industries").first()
    recap = recap_pdf_bytes(order)
    pdfs = {
        "récapitulatif de commande": recap,
        "facture CESU": invoice_pdf_bytes(order.invoices.first()),
        "contrat de domiciliation": contract_pdf(case),
        "facture de domiciliation": domiciliation_invoice_pdf(case.issued_invoice),
        "attestation de domiciliation": attestation_pdf(case),
        **{document.title: document.file.read() for document in Document.objects.all()},
    }
    assert len(pdfs) >= 9
    faults = [
        f"{name}: {fault}"
        for name, data in pdfs.items()
        for fault in typography_faults(_pdf_text(data))
    ]
    assert faults == [], "\n".join(faults)


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
            # One name for one thing: « Adresse e-mail », never « Courriel ».
            if "Courriel" in response.content.decode():
                faults.append(
                    f"{role} {path}: «\u00a0Courriel\u00a0» pour «\u00a0Adresse e-mail\u00a0»"
                )
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
