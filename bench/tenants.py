"""The bench's large tenants, written in bulk (data, not journeys: 50,000 providers
through the services would take an hour): financeurs of 200 to 10,000 bénéficiaires,
empty financeurs that import a file, 50,000 listed providers with 75,000 centres, and
100,000 cases at one domiciliataire. The big tables go through COPY (bench/bulk.py).
Imported once Django is set up."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization
from bench.bulk import copy_instances
from bench.seeding import account
from cesu_orders.models import (
    Beneficiary,
    DeliveryAddress,
    Funder,
    Order,
    OrderLine,
    TermsOfSale,
    UsageCategory,
)
from cesu_orders.services.beneficiaries import beneficiary_sort_name
from directory.models import Department, Provider, ProviderCentre
from domiciliation.models import DECLARED_FIELDS, Case, CaseStatus, ClientFile

# Past orders of 10 lines: the history's size.
PAST_ORDER_LINES = 10


def _funder(login: str, name: str) -> Organization:
    organization = Organization.objects.create(name=name, kind="financeur")
    Funder.objects.create(
        organization=organization,
        client_reference=login,
        legal_name=f"{name} SAS",
        siret="73282932000074",
        billing_address="1 rue du Test",
        billing_postcode="75001",
        billing_city="Paris",
    )
    DeliveryAddress.objects.create(
        organization=organization,
        label="Siège",
        recipient="RH",
        address="1 rue du Test",
        postcode="75001",
        city="Paris",
    )
    return organization


def _beneficiaries(organization: Organization, size: int) -> list[Beneficiary]:
    """`size` paper bénéficiaires, M00000 onwards, one booklet of 10 × 15 € usually."""
    category = UsageCategory.objects.first()
    return Beneficiary.objects.bulk_create(
        (
            Beneficiary(
                organization=organization,
                civility="mme",
                last_name=f"Nom{index:05d}",
                first_name="Camille",
                sort_name=beneficiary_sort_name(last_name=f"Nom{index:05d}", first_name="Camille"),
                email=f"b{index}@bench.example",
                address="2 rue du Test",
                postcode="75002",
                city="Paris",
                employee_number=f"M{index:05d}",
                usual_usage_category=category,
                usual_face_value=Decimal("15.00"),
                usual_employer_share=Decimal("50.00"),
                usual_booklets=1,
                usual_vouchers_per_booklet=10,
            )
            for index in range(size)
        ),
        batch_size=2000,
    )


def payroll_funder(label: str, size: int) -> str:
    """A financeur with `size` bénéficiaires and an empty cart, for one payroll import
    run; returns its login."""
    login = f"PAYROLL{label}"
    organization = _funder(login, f"Paie {label}")
    account(login, f"{login.lower()}@bench.example", organization, "primary")
    _beneficiaries(organization, size)
    return login


def payroll_file(rows: int) -> bytes:
    """The order a payroll software would export for `rows` employees, by matricule: in
    booklets for half of them, as an amount for the others, in two categories."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(["matricule", "nom", "categorie", "type_cesu", "carnets", "montant"])
    for index in range(rows):
        booklets = ("2", "") if index % 2 else ("", "300,00")
        writer.writerow(
            [f"M{index:05d}", f"Nom{index:05d}", "services-domicile" if index % 3 else "",
             "papier" if index % 5 else "e-CESU", *booklets]
        )  # fmt: skip
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def large_funder(size: int, past_orders: int) -> str:
    """A financeur with `size` bénéficiaires (one booklet each, usually) and
    `past_orders` orders of 10 lines; returns its primary manager's login."""
    login = f"BENCH{size}"
    organization = _funder(login, f"Bench {size}")
    user = account(login, f"{login.lower()}@bench.example", organization, "primary")
    category = UsageCategory.objects.first()
    beneficiaries = _beneficiaries(organization, size)
    terms = TermsOfSale.objects.first()
    today = timezone.localdate()
    orders = Order.objects.bulk_create(
        Order(
            organization=organization,
            number=f"B{size}-{index:06d}",
            status="delivered",
            created_by=user,
            client_reference=login,
            vintage_year=today.year,
            vintage_valid_until=today,
            delivery_date=today,
            terms=terms,
            terms_accepted_at=timezone.now(),
            face_total=Decimal("1500.00"),
            employer_share_total=Decimal("750.00"),
            employee_share_total=Decimal("750.00"),
            order_fee=Decimal("4.90"),
            booklet_fee=Decimal("4.50"),
            electronic_credit_fee=Decimal("0"),
            transport_fee=Decimal("8.50"),
            fees_excl_vat=Decimal("17.90"),
            vat_rate=Decimal("20"),
            vat=Decimal("3.58"),
            total_to_pay=Decimal("1521.48"),
        )
        for index in range(past_orders)
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            beneficiary=beneficiary,
            beneficiary_name=str(beneficiary),
            usage_category=category,
            usage_category_label=category.label,
            voucher_format="paper",
            booklets=1,
            vouchers_per_booklet=10,
            vouchers=10,
            face_value=Decimal("15.00"),
            employer_share_percent=Decimal("50.00"),
            face_total=Decimal("150.00"),
            employer_share=Decimal("75.00"),
            employee_share=Decimal("75.00"),
        )
        for order in orders
        for position, beneficiary in enumerate(beneficiaries[:PAST_ORDER_LINES])
    )
    return login


def import_funder(label: str) -> str:
    """A financeur without bénéficiaires, for one import run; returns its login."""
    login = f"IMPORT{label}"
    organization = _funder(login, f"Import {label}")
    account(login, f"{login.lower()}@bench.example", organization, "primary")
    return login


def import_file(rows: int) -> bytes:
    """The CSV a financeur's payroll would export: `rows` bénéficiaires, every column of
    the template filled (the import's worst case)."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["civilite", "nom", "prenom", "date_naissance", "email", "telephone_mobile", "adresse",
         "code_postal", "ville", "matricule", "categorie", "type_cesu", "valeur_faciale",
         "part_patronale", "carnets", "titres_par_carnet"]
    )  # fmt: skip
    for index in range(rows):
        writer.writerow(
            ["Madame" if index % 2 else "Monsieur", f"Importé{index:05d}", "Dominique",
             f"{1 + index % 28:02d}/{1 + index % 12:02d}/{1960 + index % 40}",
             f"import{index}@bench.example", "06 12 34 56 78", f"{index + 1} rue de l’Import",
             "69003", "Lyon", f"I{index:05d}", "services-domicile",
             "papier" if index % 5 else "e-CESU", "15,00", "50", "1", "10"]
        )  # fmt: skip
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def large_directory(providers: int, centres: int) -> None:
    """`providers` listed providers with `centres` centres over every département, a fifth
    of them in Paris (the busy page)."""
    departments = list(Department.objects.order_by("sort_key"))
    paris = next(d for d in departments if d.code == "75")
    organizations = copy_instances(
        Organization,
        (
            Organization(name=f"Bench domiciliataire {i:05d}", kind="domiciliataire")
            for i in range(providers)
        ),
    )
    today = timezone.localdate()
    rows = copy_instances(
        Provider,
        (
            Provider(
                organization=organization,
                slug=f"bench-{i:05d}",
                legal_name=f"Bench Domiciliation {i:05d} SAS",
                siren="552100554",
                approval_number=f"DOM-{i:05d}",
                approval_date=today,
                price_from=Decimal(15 + i % 40),
                mail_scan=i % 2 == 0,
                phone=i % 3 == 0,
                status="approved",
                is_listed=True,
                published_legal_name=f"Bench Domiciliation {i:05d} SAS",
                search_name=f"bench domiciliation {i:05d} sas",
            )
            for i, organization in enumerate(organizations)
        ),
    )
    copy_instances(
        ProviderCentre,
        (
            ProviderCentre(
                provider=rows[i % providers],
                name=f"Centre {i}",
                address=f"{i} rue du Bench",
                postcode="75002",
                city=f"Ville {i % 500}",
                search_city=f"ville {i % 500}",
                department=paris if i % 5 == 0 else departments[i % len(departments)],
            )
            for i in range(centres)
        ),
    )


def large_case_load(cases: int) -> str:
    """`cases` client files sent to « Demo Domiciliation Paris », one every few minutes
    back from now: 70 % in S1, the rest spread over the other statuses. Returns the
    public id of the demo company's case, whose three proofs are to review."""
    provider = Provider.objects.get(slug="demo-domiciliation-paris")
    statuses = [s for s in CaseStatus.values if s != CaseStatus.S1]
    now = timezone.now()
    files = copy_instances(
        ClientFile,
        (
            ClientFile(
                company_name=f"Bench Société {i:06d}",
                rep_first_name="Jeanne",
                rep_last_name=f"Bench{i:06d}",
                legal_form="sas",
                completed_step=6,
                created_at=now - timedelta(minutes=5 * i),
            )
            for i in range(cases)
        ),
    )
    copy_instances(
        Case,
        (
            Case(
                client_file=client_file,
                provider=provider,
                status=CaseStatus.S1 if i % 10 < 7 else statuses[i % len(statuses)],
                declared_data={
                    "fields": {name: getattr(client_file, name) for name in DECLARED_FIELDS},
                    "owners": [],
                },
                company_name=client_file.company_name,
                representative=f"{client_file.rep_first_name} {client_file.rep_last_name}",
                created_at=client_file.created_at,
            )
            for i, client_file in enumerate(files)
        ),
    )
    case = Case.objects.get(provider=provider, client_file__company_name="Rousseau Conseil")
    return str(case.public_id)
