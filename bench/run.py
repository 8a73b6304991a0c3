"""Page benchmarks (`make bench`, never part of the test suite).

Measures, for each page, the median and 95th percentile of server time over repeated
requests through the whole middleware stack, the SQL queries per request and the
response size, and reports each page as a ratio to a floor: the cheapest logged-in page.
Writes bench/results/latest.md. Uses DATABASE_URL when set, else a throw-away SQLite
database.
"""

import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Organization, User  # noqa: E402
from cesu_orders.models import (  # noqa: E402
    Beneficiary,
    Cart,
    DeliveryAddress,
    Funder,
    Order,
    OrderLine,
    TermsOfSale,
    UsageCategory,
)
from cesu_orders.services.beneficiaries import beneficiary_sort_name  # noqa: E402
from directory.models import Department, Provider, ProviderCentre  # noqa: E402
from domiciliation.models import Case, CaseStatus, ClientFile  # noqa: E402

FORM = "application/x-www-form-urlencoded"
REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
# (label, path, login or None). The floor is the first logged-in entry.
PAGES = [
    ("floor: organisations", "/compte/organisations/", "C100001"),
    ("landing", "/", None),
    ("login", "/compte/connexion/", None),
    ("health", "/sante/", None),
    ("CESU home", "/cesu/", "C100001"),
    ("bénéficiaires", "/cesu/beneficiaires/", "C100001"),
    ("bénéficiaires search", "/cesu/beneficiaires/?q=mar", "C100001"),
    ("gestionnaires", "/cesu/gestionnaires/", "C100001"),
    ("documents utiles", "/cesu/documents/", "C100001"),
    ("besoin d'aide", "/cesu/aide/", "C100001"),
    ("commandes (history)", "/cesu/commandes/", "C100001"),
]


def measure(client: Client, path: str) -> dict:
    timings, queries, size = [], 0, 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        queries, size = len(captured), len(response.content)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "queries": queries,
        "size": size,
    }


def large_funder(size: int, past_orders: int) -> User:
    """A financeur with `size` bénéficiaires and `past_orders` orders of 10 lines, written
    in bulk (bench data, not a journey); returns its primary manager."""
    login = f"BENCH{size}"
    user = User.objects.filter(username=login).first()
    if user:
        return user
    organization = Organization.objects.create(name=f"Bench {size}", kind="financeur")
    Funder.objects.create(
        organization=organization,
        client_reference=login,
        legal_name=f"Bench {size} SAS",
        siret="73282932000074",
        billing_address="1 rue du Test",
        billing_postcode="75001",
        billing_city="Paris",
    )
    user = User.objects.create_user(username=login, email=f"{login.lower()}@bench.example")
    Membership.objects.create(user=user, organization=organization, role="primary")
    DeliveryAddress.objects.create(
        organization=organization,
        label="Siège",
        recipient="RH",
        address="1 rue du Test",
        postcode="75001",
        city="Paris",
    )
    category = UsageCategory.objects.first()
    beneficiaries = Beneficiary.objects.bulk_create(
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
            usual_usage_category=category,
            usual_face_value=Decimal("15.00"),
            usual_employer_share=Decimal("50.00"),
            usual_vouchers_per_booklet=10,
        )
        for index in range(size)
    )
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
        for position, beneficiary in enumerate(beneficiaries[:10])
    )
    return user


def table_post(client: Client, *, action: str) -> dict:
    """The order table as the browser posts it: every line at one booklet."""
    page = client.get("/cesu/commandes/nouvelle/").content.decode()
    ids = re.findall(r'name="beneficiary" value="([0-9a-f-]+)"', page)
    version = re.search(r'name="cart_version" value="(\d+)"', page).group(1)
    address = re.search(r'<option value="(address-\d+)"', page).group(1)
    day = re.search(r'name="delivery_date" id="[^"]+" value="([0-9-]+)"', page).group(1)
    category = str(UsageCategory.objects.first().pk)
    return {
        "cart_version": version,
        "action": action,
        "delivery": address,
        "transport_mode": "standard",
        "delivery_date": day,
        "beneficiary": ids,
        "category": [category] * len(ids),
        "format": ["paper"] * len(ids),
        "booklets": ["1"] * len(ids),
        "per_booklet": ["10"] * len(ids),
        "face_value": ["15.00"] * len(ids),
        "share": ["50"] * len(ids),
    }


def timed(call, runs: int) -> dict:
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            timings.append(time.perf_counter() - start)
        assert response.status_code in {200, 302}, response.status_code
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "queries": len(captured),
        "size": len(b"".join(response.streaming_content))
        if response.streaming
        else len(response.content),
    }


def order_rows(runs: int) -> list:
    """The order table at 20, 200 and 2,000 bénéficiaires; then, at 2,000, the cart save,
    the recap, the validation, the history and an invoice PDF."""
    rows = []
    for size in (20, 200, 2000):
        client = Client()
        client.force_login(large_funder(size, 200 if size == 2000 else 10))
        rows.append(
            (f"order table, {size} bénéficiaires", "/cesu/commandes/nouvelle/",
             timed(lambda c=client: c.get("/cesu/commandes/nouvelle/"), runs))
        )  # fmt: skip
    data = table_post(client, action="save")

    def save():
        cart = Cart.objects.filter(organization__name="Bench 2000").first()
        data["cart_version"] = str(cart.version if cart else 0)
        # As a browser posts a form without files: urlencoded, not multipart.
        body = urlencode(data, doseq=True)
        return client.post("/cesu/commandes/nouvelle/", body, content_type=FORM)

    rows.append(("cart save, 2,000 lines", "POST /cesu/commandes/nouvelle/", timed(save, 5)))
    rows.append(("recap, 2,000 lines", "/cesu/commandes/recapitulatif/",
                 timed(lambda: client.get("/cesu/commandes/recapitulatif/"), runs)))  # fmt: skip

    def validate():
        save()
        version = Cart.objects.get(organization__name="Bench 2000").version
        return client.post(
            "/cesu/commandes/recapitulatif/",
            {"cart_version": version, "terms_version": "2026-01", "accept_terms": "on"},
        )

    rows.append(
        ("validation, 2,000 lines", "POST /cesu/commandes/recapitulatif/", timed(validate, 3))
    )
    rows.append(("order history, 200+ orders", "/cesu/commandes/",
                 timed(lambda: client.get("/cesu/commandes/"), runs)))  # fmt: skip
    order = Order.objects.filter(organization__name="Bench 2000", invoices__isnull=False).first()
    invoice = order.invoices.first()
    rows.append(("invoice PDF", f"/cesu/factures/{invoice.public_id}/",
                 timed(lambda: client.get(f"/cesu/factures/{invoice.public_id}/"), 5)))  # fmt: skip
    return rows


def large_directory(providers: int = 10_000, centres: int = 15_000) -> None:
    """`providers` listed providers with `centres` centres over every département, a fifth
    of them in Paris (the busy page), written in bulk."""
    if Provider.objects.count() >= providers:
        return
    departments = list(Department.objects.order_by("sort_key"))
    paris = next(d for d in departments if d.code == "75")
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Bench domiciliataire {i:05d}", kind="domiciliataire")
        for i in range(providers)
    )
    rows = Provider.objects.bulk_create(
        Provider(
            organization=organization,
            slug=f"bench-{i:05d}",
            legal_name=f"Bench Domiciliation {i:05d} SAS",
            siren="552100554",
            approval_number=f"DOM-{i:05d}",
            approval_date=timezone.localdate(),
            price_from=Decimal(15 + i % 40),
            mail_scan=i % 2 == 0,
            phone=i % 3 == 0,
            status="approved",
            is_listed=True,
            published_legal_name=f"Bench Domiciliation {i:05d} SAS",
            search_name=f"bench domiciliation {i:05d} sas",
        )
        for i, organization in enumerate(organizations)
    )
    ProviderCentre.objects.bulk_create(
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
    )


def directory_rows(runs: int) -> list:
    large_directory()
    client = Client()
    pages = [
        ("directory home, 10,000 providers", "/annuaire/"),
        ("busy département (75)", "/annuaire/departement/75/"),
        ("busy département, page 50", "/annuaire/departement/75/?page=50"),
        ("directory search", "/annuaire/recherche/?q=ville+42"),
        ("region (Île-de-France)", "/annuaire/ile-de-france/"),
    ]
    return [(label, path, timed(lambda p=path: client.get(p), runs)) for label, path in pages]


def large_case_load(cases: int = 10_000) -> Case:
    """`cases` client files sent to « Demo Domiciliation Paris », written in bulk: 70 % in
    S1, the rest spread over the other statuses. Returns the demo company's case."""
    provider = Provider.objects.get(slug="demo-domiciliation-paris")
    if Case.objects.filter(provider=provider).count() < cases:
        statuses = [s for s in CaseStatus.values if s != CaseStatus.S1]
        files = ClientFile.objects.bulk_create(
            ClientFile(
                company_name=f"Bench Société {i:05d}",
                rep_first_name="Jeanne",
                rep_last_name=f"Bench{i:05d}",
                legal_form="sas",
                completed_step=6,
            )
            for i in range(cases)
        )
        Case.objects.bulk_create(
            Case(
                client_file=client_file,
                provider=provider,
                status=CaseStatus.S1 if i % 10 < 7 else statuses[i % len(statuses)],
            )
            for i, client_file in enumerate(files)
        )
    return Case.objects.get(provider=provider, client_file__company_name="Rousseau Conseil")


def case_rows(runs: int) -> list:
    case = large_case_load()
    client = Client()
    client.force_login(User.objects.get(username="domiciliataire@demo.example"))
    base = f"/domiciliataire/dossiers/{case.public_id}/"
    pages = [
        ("provider dashboard, 10,000 cases", "/domiciliataire/"),
        ("case list, 10,000 cases", "/domiciliataire/dossiers/"),
        ("S1 queue, 7,000 cases", "/domiciliataire/dossiers/?statut=S1"),
        ("S1 queue, page 100", "/domiciliataire/dossiers/?statut=S1&page=100"),
        ("case search", "/domiciliataire/dossiers/?q=bench04242"),
        ("case page", base),
        ("case proofs (Justificatifs)", f"{base}justificatifs/"),
        ("case contract (Contrat)", f"{base}contrat/"),
    ]
    return [(label, path, measure(client, path)) for label, path in pages]


def main() -> None:
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):  # The console backend's e-mails.
        call_command("seed_demo", verbosity=0)
    rows = []
    for label, path, login in PAGES:
        client = Client()
        if login:
            client.force_login(User.objects.get(username=login))
        rows.append((label, path, measure(client, path)))
    rows += order_rows(max(5, REPEAT // 5))
    rows += directory_rows(REPEAT)
    rows += case_rows(REPEAT)
    floor = rows[0][2]["median"]
    lines = [
        "# Benchmarks",
        "",
        f"{REPEAT} requests per page, database `{connection.vendor}`.",
        "",
        "| page | path | median (ms) | p95 (ms) | × floor | queries | size (bytes) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path, result in rows:
        lines.append(
            f"| {label} | `{path}` | {result['median'] * 1000:.1f} | {result['p95'] * 1000:.1f}"
            f" | {result['median'] / floor:.2f} | {result['queries']} | {result['size']} |"
        )
    output = ROOT / "bench" / "results" / "latest.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
