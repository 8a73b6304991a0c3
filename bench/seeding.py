"""The data `make bench` and `make load` need, on top of `seed_demo`, and the load test's
tenants, which go through the same services as the demo data, so that they are what users
would have made (the bench's large tenants are written in bulk: bench/tenants.py).
Imported once Django is set up."""

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

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organization, User
from cesu_orders.models import (
    DeliveryAddress,
    Funder,
    UsageCategory,
    VoucherFormat,
)
from cesu_orders.services.beneficiaries import beneficiary_create
from directory.models import Provider, ProviderCentre
from directory.services.profiles import (
    centre_save,
    provider_approve,
    provider_save,
    provider_submit,
)
from domiciliation.demo import blank_pdf
from domiciliation.models import ClientFile, ProofType
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


def account(username: str, email: str, organization: Organization, role: str, **names) -> User:
    user = User.objects.create(username=username, email=email, password=_password_hash(), **names)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


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
    account(login, f"gestion-{index:02d}@charge.example", organization, "primary",
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
    account(admin, admin, organization, "admin", first_name="Admin", last_name=f"{index:02d}")
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
