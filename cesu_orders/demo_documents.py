"""« Documents utiles » of the demo: four PDFs the portal renders from its own data with
the PDF helper (the ordering guide, the terms of sale, the bénéficiaire import file, a
guide for bénéficiaires). Made once by `seed_demo`; running it again changes nothing."""

import re
from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from notifications.pdf import render_pdf

from .models import Document, ExemptionCeiling, TermsOfSale, UsageCategory
from .services.beneficiary_file import COLUMNS, MAX_ROWS

# « Crédit d’impôt famille »: 25 % of the aid paid (CGI art. 244 quater F).
TAX_CREDIT_RATE = 25
ARTICLE = re.compile(r"^Article \d+")


def _terms_articles(body: str) -> list[dict]:
    """The terms of sale cut into articles: a title line, then its paragraphs."""
    articles = []
    for block in body.strip().split("\n\n"):
        lines = block.strip().splitlines()
        if lines and ARTICLE.match(lines[0]):
            articles.append({"title": lines[0], "paragraphs": [" ".join(lines[1:])]})
        elif articles:
            articles[-1]["paragraphs"].append(" ".join(lines))
    return articles


def _context() -> dict:
    today = timezone.localdate()
    year = today.year
    terms = TermsOfSale.objects.exclude(published_at=None).order_by("-published_at").first()
    return {
        "edited_on": today,
        "year": year,
        "next_year": year + 1,
        # Millésime N: usable until 31 January N+1, orderable from 1 December N-1.
        "valid_until": date(year + 1, 1, 31),
        "next_orderable": date(year, 12, 1),
        "ceilings": list(ExemptionCeiling.objects.order_by("year")),
        "tax_credit_rate": TAX_CREDIT_RATE,
        "terms": terms,
        "articles": _terms_articles(terms.body) if terms else [],
        "columns": COLUMNS,
        "max_rows": f"{MAX_ROWS:,}".replace(",", "\u202f"),
        "categories": list(UsageCategory.objects.filter(is_active=True).order_by("position")),
    }


DOCUMENTS = [
    (
        "Guide de la commande en ligne",
        Document.Category.GUIDES,
        "Pas à pas, de la première connexion à la livraison, avec les règles du CESU "
        "préfinancé (millésime, plafond d’exonération, crédit d’impôt famille).",
        "pdf/cesu_guide_commande.html",
    ),
    (
        "Guide du bénéficiaire",
        Document.Category.GUIDES,
        "À remettre à vos bénéficiaires avec leurs titres\u00a0: usages, validité, impôts.",
        "pdf/cesu_guide_beneficiaire.html",
    ),
    (
        "Fichier d’import des bénéficiaires",
        Document.Category.FORMS,
        "Les colonnes du fichier Excel ou CSV qui crée ou met à jour vos bénéficiaires.",
        "pdf/cesu_import_beneficiaires.html",
    ),
    (
        "Conditions Générales de Vente",
        Document.Category.PRICING,
        "Les conditions acceptées à chaque commande, dans leur version en vigueur.",
        "pdf/cesu_cgv.html",
    ),
]


def seed_documents(log) -> None:
    context = None
    for title, category, description, template in DOCUMENTS:
        if Document.objects.filter(title=title).exists():
            continue
        context = context or _context()
        document = Document(
            title=title,
            category=category,
            description=description,
            published_at=timezone.now(),
        )
        document.file.save(f"{title}.pdf", ContentFile(render_pdf(template, context)), save=False)
        document.save()
        log(f"Document utile «\u00a0{title}\u00a0» publié.")
