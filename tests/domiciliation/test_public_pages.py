"""The public guides: « Le contrat standard de domiciliation » (the same clauses as the
generated contracts, text compared), « Boîte postale virtuelle » (options preselected in
the questionnaire), « Créer son entreprise » (the questionnaire in creation mode); the
provider's clauses read from its profile; the sitemap."""

import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from domiciliation.models import ClientFile
from domiciliation.services.documents import contract_context, contract_pdf
from domiciliation.services.instruction import contract_clauses_save
from tests.directory.factories import make_provider
from tests.domiciliation.factories import at, paid_case

pytestmark = pytest.mark.django_db


class _ClausesText(HTMLParser):
    """The text of the `contract__clauses` block of a page."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag != "br"
        elif tag == "div" and ("class", "contract__clauses") in attrs:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag != "br":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def clauses_text(html: str) -> str:
    parser = _ClausesText()
    parser.feed(html)
    return normalized(" ".join(parser.parts))


def pdf_text(data: bytes) -> str:
    """The text of a PDF without its running header and footer lines."""
    lines = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for line in page.extract_text().splitlines():
            if line.startswith(("Contrat de domiciliation ·", "Page ", "Le contrat standard de")):
                continue
            # List markers, which pypdf reads after the page's text.
            if line.strip() == "•":
                continue
            lines.append(line)
    # WeasyPrint breaks lines after a hyphen (« ci-dessus ») without adding one.
    return normalized(re.sub(r"-\n", "-", "\n".join(lines)))


def test_the_standard_contract_page_renders_the_clauses_of_a_generated_contract(
    client, company, paris, admin
):
    case = paid_case(company, [paris], admin)
    page = client.get(reverse("domiciliation:standard_contract"))
    assert page.status_code == 200
    html = page.content.decode()
    public = clauses_text(html)
    # The HTML the contract's PDF is made from, and the PDF itself.
    generated = clauses_text(
        render_to_string("pdf/domiciliation_contract.html", contract_context(case))
    )
    assert public == generated
    assert public in pdf_text(contract_pdf(case))
    for required in [
        "trois mois",
        "tacite reconduction",
        "agrément préfectoral",
        "confidentialité",
        "R123-168",
        "Kbis",
        "périodicité de facturation (mensuelle, trimestrielle, semestrielle ou annuelle)",
        "Préavis et résiliation",
        "Convention de preuve",
        "code à usage unique reçu par SMS",
        "Données personnelles",
    ]:
        assert required in public, required
    assert "<title>Le contrat standard de domiciliation" in html
    assert '<meta name="description" content="Le contrat standard' in html
    assert reverse("domiciliation:standard_contract_pdf") in html


def test_the_standard_contract_pdf_has_the_same_clauses(client, company, paris, admin):
    case = paid_case(company, [paris], admin)
    response = client.get(reverse("domiciliation:standard_contract_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    public = clauses_text(client.get(reverse("domiciliation:standard_contract")).content.decode())
    assert public in pdf_text(response.content)
    assert public in pdf_text(contract_pdf(case))


def test_a_profile_says_standard_contract_or_own_clauses(client, company, paris, lyon, admin):
    profile = client.get(reverse("directory:provider", args=[paris.slug])).content.decode()
    assert 'utilise <a href="/domiciliation/contrat-standard/">le contrat standard' in profile
    clauses_url = reverse("domiciliation:provider_clauses", args=[paris.slug])
    assert clauses_url in profile
    standard = clauses_text(client.get(reverse("domiciliation:standard_contract")).content.decode())
    assert clauses_text(client.get(clauses_url).content.decode()) == standard

    contract_clauses_save(
        provider=paris,
        clauses="Article 1 – Objet\nNos clauses à nous.\n\nArticle 2 – Durée\nSix mois.",
    )
    profile = client.get(reverse("directory:provider", args=[paris.slug])).content.decode()
    assert "utilise ses propres clauses" in profile
    page = client.get(clauses_url).content.decode()
    own = clauses_text(page)
    assert own == "Article 1 – Objet Nos clauses à nous. Article 2 – Durée Six mois."
    assert f"/domiciliation/demande/?domiciliataire={paris.slug}" in page
    # The contract generated for this provider uses the same clauses.
    case = paid_case(company, [paris], admin)
    assert own in pdf_text(contract_pdf(case))
    # Lyon keeps the standard contract.
    lyon_page = client.get(reverse("domiciliation:provider_clauses", args=[lyon.slug]))
    assert clauses_text(lyon_page.content.decode()) == standard


def test_an_unlisted_provider_has_no_public_clauses(client):
    hidden = make_provider(name="Cachée", listed=False)
    response = client.get(reverse("domiciliation:provider_clauses", args=[hidden.slug]))
    assert response.status_code == 404


def test_the_virtual_mailbox_page_lists_the_providers_of_each_option(client):
    scan = make_provider(name="Scan Seul", mail_scan=True, forwarding=False)
    both = make_provider(name="Scan et Envoi", mail_scan=True, forwarding=True)
    neither = make_provider(name="Rien du Tout", mail_scan=False, forwarding=False)
    page = client.get(reverse("domiciliation:virtual_mailbox"))
    assert page.status_code == 200
    html = page.content.decode()
    for expected in [
        "<title>Boîte postale virtuelle",
        '<meta name="description"',
        "enveloppe est numérisée",
        "e-mail et par SMS",
        "récapitulatif quotidien",
        "chaque semaine ou chaque mois",
        "procuration postale",
        "douze mois",
        "trois mois est signalé au greffe",
        "2 domiciliataires référencés",
        "1 domiciliataire référencé",
        "/annuaire/?service=mail_scan",
        "/annuaire/?service=forwarding",
        "/domiciliation/demande/?option=mail_scan&amp;option=forwarding",
    ]:
        assert expected in html, expected
    mail_scan_card, forwarding_card = html.split('id="option-')[1:3]
    assert scan.display_name in mail_scan_card
    assert both.display_name in mail_scan_card
    assert both.display_name in forwarding_card
    assert scan.display_name not in forwarding_card
    assert neither.display_name not in html


def test_the_directory_filters_by_mailbox_option(client):
    make_provider(name="Scan Seul", mail_scan=True, forwarding=False)
    make_provider(name="Scan et Envoi", mail_scan=True, forwarding=True)
    make_provider(name="Rien du Tout", mail_scan=False, forwarding=False)
    region = reverse("directory:region", args=["ile-de-france"])
    scanned = client.get(region, {"service": "mail_scan"}).content.decode()
    assert "Scan Seul" in scanned
    assert "Scan et Envoi" in scanned
    assert "Rien du Tout" not in scanned
    forwarded = client.get(region, {"service": "forwarding"}).content.decode()
    assert "Scan et Envoi" in forwarded
    assert "Scan Seul" not in forwarded
    # A guide's filter is carried from the directory's home to every region.
    home = client.get(reverse("directory:home"), {"service": "forwarding"}).content.decode()
    assert f'href="{region}?service=forwarding"' in home
    assert "Filtre appliqué aux listes des régions et départements" in home


def test_asking_an_offer_from_the_mailbox_page_preselects_its_options(client):
    start = reverse("domiciliation:start") + "?option=mail_scan&option=forwarding&option=x"
    page = client.get(start).content.decode()
    assert "Services demandés\u00a0: Boîte postale virtuelle / scan du courrier, Réexpédition" in (
        page.replace("&nbsp;", "\u00a0")
    )
    response = client.post(
        start,
        {
            "company_status": "existing",
            "legal_form": "sas",
            "company_name": "Courrier SAS",
            "siren": "732829320",
            "activity": "Conseil",
        },
    )
    assert response.status_code == 302
    client_file = ClientFile.objects.get(company_name="Courrier SAS")
    assert client_file.services == ["mail_scan", "forwarding"]
    step_4 = client.get(reverse("domiciliation:step", args=[client_file.public_id, 4]))
    html = step_4.content.decode()
    assert re.search(r'value="mail_scan"[^>]*checked', html)
    assert re.search(r'value="forwarding"[^>]*checked', html)
    assert not re.search(r'value="phone"[^>]*checked', html)


def test_the_company_creation_guide_opens_the_questionnaire_in_creation_mode(client):
    guide = client.get(reverse("domiciliation:company_creation"))
    html = guide.content.decode()
    for expected in [
        "<title>Créer son entreprise",
        '<meta name="description"',
        "attestation de domiciliation",
        "guichet unique",
        "Kbis",
        "R123-168",
    ]:
        assert expected in html, expected
    entry = "/domiciliation/demande/?situation=creation"
    assert entry in html
    form = client.get(entry).content.decode()
    assert re.search(r'value="creation"[^>]*checked', form)
    assert not re.search(r'value="existing"[^>]*checked', form)
    # Without the guide, nothing is chosen.
    plain = client.get("/domiciliation/demande/").content.decode()
    assert not re.search(r'value="creation"[^>]*checked', plain)


def test_the_guides_are_linked_from_the_landing_page_and_the_directory_and_in_the_sitemap(
    client,
):
    urls = [
        reverse("domiciliation:company_creation"),
        reverse("domiciliation:virtual_mailbox"),
        reverse("domiciliation:standard_contract"),
    ]
    landing = client.get(reverse("landing")).content.decode()
    directory = client.get(reverse("directory:home")).content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    for url in urls:
        assert f'href="{url}"' in landing
        assert f'href="{url}"' in directory
        assert f"{url}</loc>" in sitemap


def test_the_standard_contract_pdf_is_rendered_once(client, django_assert_max_num_queries):
    first = client.get(reverse("domiciliation:standard_contract_pdf")).content
    with (
        time_machine.travel(at(date(2027, 1, 1)), tick=False),
        django_assert_max_num_queries(2),
    ):
        again = client.get(reverse("domiciliation:standard_contract_pdf")).content
    assert again == first
    assert not mail.outbox


def test_the_migration_brings_the_default_clauses_to_the_standard_contract():
    from importlib import import_module

    from django.apps import apps

    from domiciliation.catalogue import DEFAULT_CONTRACT_CLAUSES
    from domiciliation.models import ContractTemplate

    migration = import_module("domiciliation.migrations.0016_public_pages_registration")
    default = ContractTemplate.objects.get(provider__isnull=True)
    default.clauses = migration.PREVIOUS_DEFAULT
    default.save()
    migration.update_default_clauses(apps, None)
    default.refresh_from_db()
    assert default.clauses == DEFAULT_CONTRACT_CLAUSES
    # Clauses staff edited keep their text and gain the « convention de preuve ».
    default.clauses = "Article 1 – Objet\nNotre texte."
    default.save()
    migration.update_default_clauses(apps, None)
    default.refresh_from_db()
    assert default.clauses.startswith("Article 1 – Objet\nNotre texte.\n\nArticle 7 – Convention")
