"""Demo data of the CESU space (`seed_demo`): the « Demo Industries » financeur profile,
its latest invoices (registration checks against them) and a few news items."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.demo import FUNDER_NAME
from accounts.models import Organization
from common.text import fold

from .catalogue import ensure_default_catalogue
from .models import (
    Beneficiary,
    BookletSize,
    FaceValue,
    Funder,
    Invoice,
    NewsItem,
    UsageCategory,
    VoucherFormat,
)
from .services.beneficiaries import beneficiary_create

PARIS = ZoneInfo("Europe/Paris")

INVOICES = [
    ("FC-2026-000412", date(2026, 10, 5), Decimal("3120.00")),
    ("FC-2026-000317", date(2026, 7, 3), Decimal("2980.00")),
    ("FC-2026-000198", date(2026, 4, 2), Decimal("3050.00")),
    ("FC-2026-000077", date(2026, 1, 8), Decimal("2890.00")),
]

NEWS = [
    (
        "Le millésime 2027 arrive",
        "Les CESU du millésime 2027 seront livrés à partir de décembre. Les titres du "
        "millésime 2026 restent utilisables jusqu’au 31 janvier 2027.",
        datetime(2026, 11, 16, 9, 0, tzinfo=PARIS),
    ),
    (
        "Plafond d’exonération 2026",
        "L’aide versée par l’employeur est exonérée de charges sociales et d’impôt dans la "
        "limite de 2\u00a0591\u00a0€ par bénéficiaire et par an en 2026.",
        datetime(2026, 2, 2, 9, 0, tzinfo=PARIS),
    ),
]


# 30 bénéficiaires: (civility, last name, first name).
BENEFICIARIES = [
    ("mme", "Martin", "Émilie"), ("m", "Bernard", "Lucas"), ("mme", "Thomas", "Chloé"),
    ("m", "Petit", "Hugo"), ("mme", "Robert", "Léa"), ("m", "Richard", "Gabriel"),
    ("mme", "Durand", "Manon"), ("m", "Dubois", "Louis"), ("mme", "Moreau", "Camille"),
    ("m", "Laurent", "Arthur"), ("mme", "Simon", "Inès"), ("m", "Michel", "Jules"),
    ("mme", "Lefèvre", "Sarah"), ("m", "Leroy", "Nathan"), ("mme", "Roux", "Jade"),
    ("m", "David", "Raphaël"), ("mme", "Bertrand", "Louise"), ("m", "Morel", "Adam"),
    ("mme", "Fournier", "Alice"), ("m", "Girard", "Théo"), ("mme", "Bonnet", "Lina"),
    ("m", "Dupont", "Maël"), ("mme", "Lambert", "Rose"), ("m", "Fontaine", "Noé"),
    ("mme", "Rousseau", "Ambre"), ("m", "Vincent", "Paul"), ("mme", "Muller", "Anna"),
    ("m", "Lefebvre", "Sacha"), ("mme", "Faure", "Zoé"), ("m", "Étienne", "Tom"),
]  # fmt: skip


def seed(log) -> None:
    organization = Organization.objects.get(name=FUNDER_NAME)
    ensure_default_catalogue(UsageCategory, FaceValue, BookletSize)
    funder, _ = Funder.objects.get_or_create(
        organization=organization,
        defaults={
            "client_reference": "C100001",
            "legal_name": "Demo Industries SAS",
            "siret": "73282932000074",
            "billing_address": "12 rue des Ateliers",
            "billing_postcode": "69007",
            "billing_city": "Lyon",
            "customer_service_email": "service-clients@cesu.example",
            "customer_service_phone": "0820202001",
        },
    )
    for number, issue_date, amount in INVOICES:
        vat = (amount * Decimal("0.02")).quantize(Decimal("0.01"))
        Invoice.objects.get_or_create(
            number=number,
            defaults={
                "organization": organization,
                "issue_date": issue_date,
                "amount_excl_tax": amount,
                "vat_amount": vat,
                "amount_incl_tax": amount + vat,
            },
        )
    for title, body, published_at in NEWS:
        NewsItem.objects.get_or_create(
            title=title, defaults={"body": body, "published_at": published_at}
        )
    _seed_beneficiaries(organization)
    log(f"Financeur {funder} prêt, avec ses factures et les actualités.")


def _seed_beneficiaries(organization) -> None:
    if Beneficiary.objects.for_organization(organization).exists():
        return
    categories = list(UsageCategory.objects.order_by("position"))
    for index, (civility, last_name, first_name) in enumerate(BENEFICIARIES, start=1):
        electronic = index % 4 == 0
        beneficiary_create(
            organization=organization,
            fields={
                "civility": civility,
                "last_name": last_name,
                "first_name": first_name,
                "email": f"{_ascii(first_name)}.{_ascii(last_name)}@demo-industries.example",
                "address": f"{index} rue de la République",
                "postcode": "69002",
                "city": "Lyon",
                "employee_number": f"M{index:04}",
                "usual_usage_category": categories[index % 3 == 0],
                "usual_format": VoucherFormat.ELECTRONIC if electronic else VoucherFormat.PAPER,
                "usual_face_value": Decimal("15.00") if index % 2 else Decimal("20.00"),
                "usual_employer_share": Decimal("50.00"),
                "usual_booklets": 1,
                "usual_vouchers_per_booklet": 10,
            },
        )


def _ascii(name: str) -> str:
    return fold(name).replace(" ", "-")
