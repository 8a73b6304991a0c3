"""The data `make bench` and `make load` need, on top of `seed_demo`. Imported once
Django is set up.

The bench's large tenants are written in bulk (data, not journeys: 10,000 providers
through the services would take minutes). The load test's tenants go through the same
services as the demo data, so that they are what users would have made."""

import contextlib
import functools
import io
from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organization, User
from cesu_orders.models import (
    Beneficiary,
    DeliveryAddress,
    Funder,
    Order,
    OrderLine,
    TermsOfSale,
    UsageCategory,
    VoucherFormat,
)
from cesu_orders.services.beneficiaries import beneficiary_create, beneficiary_sort_name
from directory.models import Department, Provider, ProviderCentre
from directory.services.profiles import (
    centre_save,
    provider_approve,
    provider_save,
    provider_submit,
)
from domiciliation.demo import blank_pdf
from domiciliation.models import Case, CaseStatus, ClientFile, ProofType
from domiciliation.services.requests import client_file_send, client_file_start, proof_upload

PASSWORD = DEMO_PASSWORD
PROOF_CODES = ("identite", "domicile", "statuts")


def prepare_database() -> None:
    """Migrates and loads the demo data (its console e-mails silenced)."""
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("seed_demo", verbosity=0)


@functools.cache
def _password_hash() -> str:
    # Hashed once: the hasher is slow on purpose, and every seeded account shares it.
    return make_password(PASSWORD)


def _account(username: str, email: str, organization: Organization, role: str, **names) -> User:
    user = User.objects.create(username=username, email=email, password=_password_hash(), **names)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


# The bench's large tenants, in bulk


def large_funder(size: int, past_orders: int) -> str:
    """A financeur with `size` bénéficiaires and `past_orders` orders of 10 lines; returns
    its primary manager's login."""
    login = f"BENCH{size}"
    if User.objects.filter(username=login).exists():
        return login
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
    user = _account(login, f"{login.lower()}@bench.example", organization, "primary")
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
    return login


def large_directory(providers: int = 10_000, centres: int = 15_000) -> None:
    """`providers` listed providers with `centres` centres over every département, a fifth
    of them in Paris (the busy page)."""
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


def large_case_load(cases: int = 10_000) -> str:
    """`cases` client files sent to « Demo Domiciliation Paris »: 70 % in S1, the rest
    spread over the other statuses. Returns the public id of the demo company's case,
    whose three proofs are to review."""
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
    case = Case.objects.get(provider=provider, client_file__company_name="Rousseau Conseil")
    return str(case.public_id)


# The load test's tenants, through the services


@transaction.atomic
def load_funder(index: int, *, beneficiaries: int) -> str:
    """A financeur of `beneficiaries` paper bénéficiaires with one delivery address in
    Paris and its primary manager; returns the manager's login."""
    login = f"L{200000 + index}"
    organization = Organization.objects.create(
        name=f"Charge {index:02d}", kind=Organization.Kind.FUNDER
    )
    Funder.objects.create(
        organization=organization,
        client_reference=login,
        legal_name=f"Charge {index:02d} SAS",
        siret="73282932000074",
        billing_address="5 rue de la Charge",
        billing_postcode="75011",
        billing_city="Paris",
    )
    _account(login, f"gestion-{index:02d}@charge.example", organization, "primary",
             first_name="Gestionnaire", last_name=f"Charge {index:02d}")  # fmt: skip
    DeliveryAddress.objects.create(
        organization=organization,
        label="Siège",
        recipient="Ressources humaines",
        address="5 rue de la Charge",
        postcode="75011",
        city="Paris",
    )
    category = UsageCategory.objects.order_by("position").first()
    for number in range(beneficiaries):
        beneficiary_create(
            organization=organization,
            fields={
                "civility": "mme" if number % 2 else "m",
                "last_name": f"Salarié{number:03d}",
                "first_name": "Dominique",
                "email": f"salarie{number}.charge{index}@charge.example",
                "address": f"{number + 1} rue du Travail",
                "postcode": "75011",
                "city": "Paris",
                "usual_usage_category": category,
                "usual_format": VoucherFormat.PAPER,
                "usual_face_value": Decimal("15.00"),
                "usual_employer_share": Decimal("50.00"),
                "usual_vouchers_per_booklet": 10,
            },
        )
    return login


@transaction.atomic
def load_provider(index: int, *, cases: int) -> str:
    """A listed domiciliataire with one centre in Paris, its admin, and `cases` client
    files sent to it, each with its three proofs to review; returns the admin's login."""
    staff = User.objects.get(username="staff@demo.example")
    organization = Organization.objects.create(
        name=f"Charge Domiciliation {index:02d}", kind=Organization.Kind.PROVIDER
    )
    provider = provider_save(
        provider=Provider(
            organization=organization,
            legal_name=f"Charge Domiciliation {index:02d} SAS",
            siren="552100554",
            approval_number=f"DOM-75-2024-{index:03d}",
            approval_date=date(2024, 1, 15),
            price_from=Decimal("25.00"),
            mail_scan=True,
        ),
        changed=[],
    )
    centre = centre_save(
        centre=ProviderCentre(
            provider=provider,
            name="Bastille",
            address=f"{index + 1} rue de la Roquette",
            postcode="75011",
            city="Paris",
        )
    )
    provider_submit(provider=provider)
    provider = provider_approve(provider=provider, reviewer=staff)
    admin = f"domiciliataire-{index:02d}@charge.example"
    _account(admin, admin, organization, "admin", first_name="Admin", last_name=f"{index:02d}")
    proof_types = [ProofType.objects.get(code=code) for code in PROOF_CODES]
    for number in range(cases):
        company = f"Charge Société {index:02d}-{number:02d}"
        email = f"societe-{index:02d}-{number:02d}@charge.example"
        owner = User.objects.create_user(username=email, email=email)  # No login needed.
        client_file = client_file_start(owner=owner, provider=provider, centre=centre)
        for name, value in {
            "company_status": ClientFile.CompanyStatus.CREATION,
            "legal_form": ClientFile.LegalForm.SASU,
            "company_name": company,
            "activity": "Conseil",
            "start_date": date(2027, 1, 4),
            "rep_civility": ClientFile.Civility.MADAME,
            "rep_first_name": "Alix",
            "rep_last_name": f"Charge{index:02d}{number:02d}",
            "rep_birth_date": date(1985, 3, 1),
            "rep_birth_place": "Lyon",
            "rep_nationality": "française",
            "rep_address": "1 place Bellecour",
            "rep_postcode": "69002",
            "rep_city": "Lyon",
            "rep_email": email,
            "rep_mobile": "+33612345678",
            "services": ["mail_scan"],
            "mail_handling": ClientFile.MailHandling.SCAN,
            "completed_step": 6,
        }.items():
            setattr(client_file, name, value)
        client_file.save()
        client_file.beneficial_owners.create(first_name="Alix", last_name="Charge", share=100)
        for proof_type in proof_types:
            proof_upload(
                client_file=client_file,
                proof_type=proof_type,
                upload=ContentFile(blank_pdf(), name=f"{proof_type.code}.pdf"),
                kind="pdf",
                actor=owner,
            )
        client_file_send(client_file=client_file, providers=[provider], actor=owner)
    return admin
