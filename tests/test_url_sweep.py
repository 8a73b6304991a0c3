"""Walks every URL pattern of the portal: anonymous users are sent to the login page on
every private route, and a member of another tenant gets a 404 on every route that
carries an object id. A new route must be declared here, or this test fails."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Membership
from cesu_orders.models import (
    Beneficiary,
    Document,
    Funder,
    HelpRequest,
    NewsItem,
    Order,
    UsageCategory,
)
from cesu_orders.services.beneficiaries import beneficiary_create
from tests.accounts.factories import MembershipFactory, with_totp
from tests.cesu_orders import factories as ordering
from tests.cesu_orders.factories import (
    BeneficiaryFactory,
    DeliveryAddressFactory,
    FunderFactory,
)

# Routes any visitor may open.
PUBLIC = {
    "landing",
    "health",
    "metrics",  # no login: the operator's token or network (403 otherwise, tests/config)
    "accessibility",
    "legal_notice",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reauthenticate",
    "cesu_orders:registration",
    "cesu_orders:registration_done",
    "cesu_orders:registration_received",
    "directory:home",
    "directory:search",
    "directory:selection",
    "directory:selection_add",
    "directory:selection_remove",
    "directory:region",
    "directory:department",
    "directory:provider",
    "directory:provider_logo",
    "sitemap",
    "favicon",
    "domiciliation:start",
    # A visitor's draft: reachable without an account through its session only (another
    # visitor or user gets a 404: tests/domiciliation).
    "domiciliation:step",
    # Stripe's webhook: trusted for its signature only (tests/domiciliation/test_payments).
    "domiciliation:stripe_webhook",
    # The guides and a listed provider's clauses (tests/domiciliation/test_public_pages).
    "domiciliation:standard_contract",
    "domiciliation:standard_contract_pdf",
    "domiciliation:virtual_mailbox",
    "domiciliation:company_creation",
    "domiciliation:provider_clauses",
}


def _secondary_manager_of_a(ctx):
    FunderFactory(organization=ctx["org_a"])
    membership = MembershipFactory(organization=ctx["org_a"], role=Membership.Role.SECONDARY)
    return {"public_id": membership.user.public_id}


def _beneficiary_of_a(ctx):
    beneficiary = beneficiary_create(
        organization=ctx["org_a"],
        fields={
            "civility": "mme",
            "last_name": "Martin",
            "first_name": "Émilie",
            "usual_usage_category": UsageCategory.objects.first(),
            "usual_face_value": Decimal("15.00"),
            "usual_employer_share": Decimal("50.00"),
            "usual_vouchers_per_booklet": 10,
        },
    )
    return {"public_id": beneficiary.public_id}


def _help_request_of_a(ctx):
    help_request = HelpRequest.objects.create(
        organization=ctx["org_a"],
        user=ctx["alice"],
        subject=HelpRequest.Subject.OTHER,
        message="Bonjour",
        attachment=ContentFile(b"%PDF-1.4", name="piece.pdf"),
    )
    return {"public_id": help_request.public_id}


def _order_of_a(ctx):
    """An order of A placed through the services, with its invoice."""
    organization = ctx["org_a"]
    if not Funder.objects.filter(organization=organization).exists():
        FunderFactory(organization=organization)
    address = DeliveryAddressFactory(organization=organization)
    beneficiary = Beneficiary.objects.for_organization(organization).first() or (
        BeneficiaryFactory(organization=organization)
    )
    with time_machine.travel(ordering.TODAY, tick=False):
        order = ordering.place(
            organization, ctx["alice"], [ordering.line(beneficiary)], ordering.delivery_to(address)
        )
    return {"public_id": order.public_id}


def _import_of_a(ctx):
    """An import of A, checked and ready to confirm."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from cesu_orders.services.beneficiary_import import (
        beneficiary_import_start,
        beneficiary_import_template,
    )

    upload = SimpleUploadedFile("import.csv", beneficiary_import_template().encode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = beneficiary_import_start(
            organization=ctx["org_a"], user=ctx["alice"], upload=upload
        )
    return {"public_id": started.public_id}


def _payroll_import_of_a(ctx):
    """A payroll import of A, checked (its bénéficiaire unknown: A has none yet)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from cesu_orders.services.payroll_import import payroll_import_start, payroll_template_csv

    upload = SimpleUploadedFile("paie.csv", payroll_template_csv(ctx["org_a"]).encode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = payroll_import_start(organization=ctx["org_a"], user=ctx["alice"], upload=upload)
    return {"public_id": started.public_id}


def _invoice_of_a(ctx):
    order = Order.objects.get(public_id=_order_of_a(ctx)["public_id"])
    return {"public_id": order.invoices.get().public_id}


def _attestation_of_a(ctx):
    """A 2025 attestation of A, as the generation stores it."""
    from cesu_orders.models import Attestation

    beneficiary = Beneficiary.objects.get(public_id=_beneficiary_of_a(ctx)["public_id"])
    attestation = Attestation.objects.create(
        organization=ctx["org_a"],
        year=2025,
        beneficiary=beneficiary,
        beneficiary_name=str(beneficiary),
        vouchers=10,
        face_total=Decimal("150.00"),
        employer_share=Decimal("75.00"),
        pdf=ContentFile(b"%PDF-1.4", name="attestation.pdf"),
    )
    return {"public_id": attestation.public_id}


def _job_of_a(ctx):
    """A finished ZIP of A's attestations."""
    from cesu_orders.models import Job

    job = Job.objects.create(
        organization=ctx["org_a"],
        kind=Job.Kind.ATTESTATIONS,
        year=2025,
        created_by=ctx["alice"],
        file=ContentFile(b"PK\x05\x06" + bytes(18), name="attestations.zip"),
        finished_at=timezone.now(),
    )
    return {"public_id": job.public_id}


def _quote_of_a(ctx):
    """A quote of A's cart, made by the service."""
    from cesu_orders.services.quotes import quote_create

    organization = ctx["org_a"]
    if not Funder.objects.filter(organization=organization).exists():
        FunderFactory(organization=organization)
    address = DeliveryAddressFactory(organization=organization)
    beneficiary = Beneficiary.objects.for_organization(organization).first() or (
        BeneficiaryFactory(organization=organization)
    )
    with time_machine.travel(ordering.TODAY, tick=False):
        cart = ordering.save_cart(
            organization, ctx["alice"], [ordering.line(beneficiary)], ordering.delivery_to(address)
        )
        quote = quote_create(
            organization=organization, user=ctx["alice"], version=cart.version, vintage_year=None
        )
    return {"public_id": quote.public_id}


def _client_file_of_alice(ctx):
    from tests.domiciliation.factories import filled_file

    return filled_file(ctx["alice"])


def _sent_case_of_alice(ctx):
    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import sent_file

    return sent_file(ctx["alice"], [make_provider(name="Sweep Domiciliation")]).cases.get()


def _paid_case_of_alice(ctx):
    """A case of alice's file, accepted and paid through the services: it has its
    payment, invoice, signatures and contract."""
    from domiciliation.models import Payment
    from domiciliation.services.documents import contract_document
    from domiciliation.services.payments import payment_confirm, payment_start
    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import accepted_case

    provider = make_provider(name="Sweep Paiement")
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN)
    case = accepted_case(ctx["alice"], [provider], admin.user)
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=ctx["alice"])
    payment_confirm(payment=payment, amount=payment.amount)
    contract_document(case_id=case.pk)
    return case


def _pending_payment_of_alice(ctx):
    from domiciliation.models import Payment
    from domiciliation.services.payments import payment_start
    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import accepted_case

    provider = make_provider(name="Sweep Paiement")
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN)
    case = accepted_case(ctx["alice"], [provider], admin.user)
    return payment_start(case=case, method=Payment.Method.SIMULATED, actor=ctx["alice"])


def _contract_of(owner, organization=None):
    """A running contract of `owner`'s company at a domiciliataire (of `organization`,
    or a new one), signed through the services."""
    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import signed_contract

    provider = make_provider(organization=organization, name="Sweep Contrats")
    admin = MembershipFactory(organization=provider.organization, role=Membership.Role.ADMIN)
    return signed_contract(owner, [provider], admin.user)


def _credit_note_of(contract):
    """A credit note cancelling the contract's second invoice, billed a month later."""
    from domiciliation.services.billing import billing_run
    from domiciliation.services.credit_notes import invoice_cancel

    with time_machine.travel(timezone.now() + timedelta(days=100), tick=False):
        billing_run()
    invoice = contract.invoices.get(kind="period", period_index=1)
    return invoice_cancel(invoice=invoice, note="Sweep", actor=contract.case.decided_by)


def _contract_of_alice(ctx):
    return {"public_id": _contract_of(ctx["alice"]).public_id}


def _mail_item_of(contract):
    from mail.services.items import mail_scan_attach
    from tests.mail.factories import png_upload, record

    (item,) = record(contract, contract.case.decided_by)
    scan = mail_scan_attach(
        item=item, side="envelope", upload=png_upload(), actor=contract.case.decided_by
    )
    return item, scan


def _mail_item_of_alice(ctx):
    item, _ = _mail_item_of(_contract_of(ctx["alice"]))
    return {"public_id": item.public_id}


def _mail_scan_of_alice(ctx):
    _, scan = _mail_item_of(_contract_of(ctx["alice"]))
    return {"public_id": scan.public_id}


def _mail_item_id_of(organization):
    from tests.accounts.factories import UserFactory

    item, _ = _mail_item_of(_contract_of(UserFactory(), organization))
    return {"public_id": item.public_id}


def _mail_scan_id_of(organization):
    from tests.accounts.factories import UserFactory

    _, scan = _mail_item_of(_contract_of(UserFactory(), organization))
    return {"public_id": scan.public_id}


def _invoice_of_alices_contract(ctx):
    contract = _contract_of(ctx["alice"])
    return {"public_id": contract.public_id, "invoice_id": contract.invoices.get().public_id}


# Private routes with an object id: url name → (HTTP method, kwargs of an object that
# belongs to organization A). Charlie, from organization B, must get a 404.
TENANT_ROUTES = {
    "organization_switch": ("post", lambda ctx: {"public_id": ctx["org_a"].public_id}),
    "cesu_orders:manager_deactivate": ("post", _secondary_manager_of_a),
    "cesu_orders:manager_reactivate": ("post", _secondary_manager_of_a),
    "cesu_orders:help_attachment": ("get", _help_request_of_a),
    "cesu_orders:beneficiary_update": ("get", _beneficiary_of_a),
    "cesu_orders:beneficiary_archive": ("post", _beneficiary_of_a),
    "cesu_orders:beneficiary_restore": ("post", _beneficiary_of_a),
    "cesu_orders:order_detail": ("get", _order_of_a),
    "cesu_orders:order_recap_pdf": ("get", _order_of_a),
    "cesu_orders:order_lines_csv": ("get", _order_of_a),
    "cesu_orders:order_lines_xlsx": ("get", _order_of_a),
    "cesu_orders:beneficiary_import_status": ("get", _import_of_a),
    "cesu_orders:beneficiary_import_confirm": ("post", _import_of_a),
    "cesu_orders:payroll_import_status": ("get", _payroll_import_of_a),
    "cesu_orders:payroll_import_confirm": ("post", _payroll_import_of_a),
    "cesu_orders:invoice_download": ("get", _invoice_of_a),
    "cesu_orders:attestation_download": ("get", _attestation_of_a),
    "cesu_orders:job_status": ("get", _job_of_a),
    "cesu_orders:job_download": ("get", _job_of_a),
    "cesu_orders:quote_detail": ("get", _quote_of_a),
    "cesu_orders:quote_download": ("get", _quote_of_a),
    "domiciliation:send": ("post", lambda ctx: {"public_id": _client_file_of_alice(ctx).public_id}),
    "domiciliation:withdraw": (
        "post",
        lambda ctx: {"public_id": _sent_case_of_alice(ctx).public_id},
    ),
    "domiciliation:proof_download": (
        "get",
        lambda ctx: {"public_id": _client_file_of_alice(ctx).proofs.first().public_id},
    ),
    "domiciliation:payment": (
        "get",
        lambda ctx: {"public_id": _paid_case_of_alice(ctx).public_id},
    ),
    "domiciliation:payment_simulation": (
        "get",
        lambda ctx: {"public_id": _pending_payment_of_alice(ctx).public_id},
    ),
    "domiciliation:invoice": (
        "get",
        lambda ctx: {"public_id": _paid_case_of_alice(ctx).issued_invoice.public_id},
    ),
    "domiciliation:document": (
        "get",
        lambda ctx: {"public_id": _paid_case_of_alice(ctx).documents.get().public_id},
    ),
    "domiciliation:contract": ("get", _contract_of_alice),
    "domiciliation:contract_notice": ("post", _contract_of_alice),
    "domiciliation:registration_send": ("post", _contract_of_alice),
    "domiciliation:payment_method_setup": ("post", _contract_of_alice),
    "domiciliation:payment_method_simulation": ("get", _contract_of_alice),
    "domiciliation:invoice_pay": ("post", _invoice_of_alices_contract),
    "domiciliation:credit_note": (
        "get",
        lambda ctx: {"public_id": _credit_note_of(_contract_of(ctx["alice"])).public_id},
    ),
    "mail:item": ("get", _mail_item_of_alice),
    "mail:item_forward": ("post", _mail_item_of_alice),
    "mail:item_request": (
        "post",
        lambda ctx: {**_mail_item_of_alice(ctx), "action": "detruire"},
    ),
    "mail:preferences": ("get", _contract_of_alice),
    "mail:proxy": ("get", _contract_of_alice),
    "mail:proxy_code": ("post", _contract_of_alice),
    "mail:scan": ("get", _mail_scan_of_alice),
}

# Signing links: anyone but the signer gets a 403 that says whose link it is, and the
# attempt is written on the case's timeline (tests/domiciliation/test_signatures).
SIGNING_ROUTES = {
    "domiciliation:signature": (
        "get",
        lambda ctx: {
            "public_id": _paid_case_of_alice(ctx).signatures.get(party="company").public_id
        },
    ),
}


def _centre_of(organization):
    from tests.directory.factories import make_provider

    provider = make_provider(organization=organization, name="Centre Sweep")
    return {"public_id": provider.centres.get().public_id}


def _case_of(organization):
    from tests.accounts.factories import UserFactory
    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import sent_file

    provider = make_provider(organization=organization, name="Dossiers Sweep")
    case = sent_file(UserFactory(), [provider]).cases.get()
    return {"public_id": case.public_id}


def _accepted_case_of(organization):
    from tests.accounts.factories import UserFactory
    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import accepted_case

    provider = make_provider(organization=organization, name="Paiements Sweep")
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN)
    return accepted_case(UserFactory(), [provider], admin.user)


def _late_payment_of(organization):
    from domiciliation.models import Case, CaseStatus, Payment

    case = _accepted_case_of(organization)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.EXPIRED)
    payment = Payment.objects.create(
        case=case, method=Payment.Method.TRANSFER, amount=Decimal("168.00"), status="received_late"
    )
    return {"public_id": case.public_id, "payment_id": payment.public_id}


def _contract_id_of(organization):
    from tests.accounts.factories import UserFactory

    return {"public_id": _contract_of(UserFactory(), organization).public_id}


def _registered_contract_of(organization):
    """A contract whose company (created through the portal) has sent its Kbis."""
    from domiciliation.services.registration import contract_registration_send
    from tests.accounts.factories import UserFactory
    from tests.domiciliation.factories import pdf_upload

    owner = UserFactory()
    contract = _contract_of(owner, organization)
    contract_registration_send(
        contract=contract, siren="732829320", upload=pdf_upload(), kind="pdf", actor=owner
    )
    return {"public_id": contract.public_id}


def _greffe_notice_of(organization):
    from domiciliation.models import GreffeNotice
    from tests.accounts.factories import UserFactory

    contract = _contract_of(UserFactory(), organization)
    notice = GreffeNotice.objects.create(
        provider=contract.provider,
        contract=contract,
        kind=GreffeNotice.Kind.CONTRACT_END,
        event_date=timezone.localdate(),
    )
    return {"public_id": notice.public_id}


def _contract_credit_note_of(organization):
    from tests.accounts.factories import UserFactory

    contract = _contract_of(UserFactory(), organization)
    credit_note = _credit_note_of(contract)
    return {"public_id": contract.public_id, "credit_note_id": credit_note.public_id}


def _agent_of(organization):
    membership = MembershipFactory(organization=organization, role=Membership.Role.AGENT)
    return {"public_id": membership.user.public_id}


# The domiciliataire's routes with an object id: url name → (HTTP method, kwargs of an
# object of the provider). Its admin may; another provider's admin gets a 404.
PROVIDER_TENANT_ROUTES = {
    "directory_provider:centre_update": ("get", _centre_of),
    "directory_provider:centre_delete": ("post", _centre_of),
    "domiciliation_provider:case_detail": ("get", _case_of),
    "domiciliation_provider:case_proofs": ("get", _case_of),
    "domiciliation_provider:case_contract": ("get", _case_of),
    "domiciliation_provider:case_contract_pdf": ("get", _case_of),
    "domiciliation_provider:case_accept": ("post", _case_of),
    "domiciliation_provider:case_vigilance": ("get", _case_of),
    "domiciliation_provider:case_suspicion": ("get", _case_of),
    "domiciliation_provider:case_suspicion_add": ("post", _case_of),
    "domiciliation_provider:case_dismiss": ("post", _case_of),
    "domiciliation_provider:case_payment": ("get", _case_of),
    "domiciliation_provider:case_transfer": (
        "post",
        lambda organization: {"public_id": _accepted_case_of(organization).public_id},
    ),
    "domiciliation_provider:case_reactivate": ("post", _case_of),
    "domiciliation_provider:payment_refund": ("post", _late_payment_of),
    "domiciliation_provider:contract_detail": ("get", _contract_id_of),
    "domiciliation_provider:contract_transfer": ("post", _contract_id_of),
    "domiciliation_provider:contract_invoice_cancel": ("post", _contract_id_of),
    "domiciliation_provider:contract_terms": ("post", _contract_id_of),
    "domiciliation_provider:contract_terminate": ("post", _contract_id_of),
    "domiciliation_provider:credit_note_refunded": ("post", _contract_credit_note_of),
    "domiciliation_provider:greffe_notice_sent": ("post", _greffe_notice_of),
    "domiciliation_provider:greffe_notice_pdf": ("get", _greffe_notice_of),
    "domiciliation_provider:contract_kbis": ("get", _registered_contract_of),
    "domiciliation_provider:agent_deactivate": ("post", _agent_of),
    "mail_provider:item": ("get", _mail_item_id_of),
    "mail_provider:item_scan": ("post", _mail_item_id_of),
    "mail_provider:item_forwarded": ("post", _mail_item_id_of),
    "mail_provider:item_collected": ("post", _mail_item_id_of),
    "mail_provider:item_destroyed": ("post", _mail_item_id_of),
    "mail_provider:scan": ("get", _mail_scan_id_of),
    "domiciliation_provider:agent_reactivate": ("post", _agent_of),
}

# The domiciliataire's routes that carry a period (a declaration's quarter or year), not
# an object id: each provider reaches its own list of that period only.
PROVIDER_PERIOD_ROUTES = {
    "domiciliation_provider:declaration_detail": "get",
    "domiciliation_provider:declaration_pdf": "get",
    "domiciliation_provider:declaration_csv": "get",
    "domiciliation_provider:declaration_sent": "post",
}

# Private routes with an object id that every member of the right kind shares (not
# tenant-owned): anonymous users must still log in first.
SHARED_ROUTES = {
    "cesu_orders:document_download": ("get", lambda ctx: {"public_id": uuid.uuid4()}),
    # A queue's name, not an object: every member of a domiciliataire has the four.
    "mail_provider:queue": ("get", lambda ctx: {"slug": "a-numeriser"}),
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin has its own staff-only access checks.
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _routes():
    return dict(_walk(get_resolver().url_patterns))


def _has_arguments(pattern: URLPattern) -> bool:
    return bool(re.search(r"<\w+(:\w+)?>|\(\?P<", str(pattern.pattern)))


def test_every_route_is_declared():
    undeclared = [
        name
        for name, pattern in _routes().items()
        if name not in PUBLIC
        and _has_arguments(pattern)
        and name not in TENANT_ROUTES
        and name not in SHARED_ROUTES
        and name not in PROVIDER_TENANT_ROUTES
        and name not in SIGNING_ROUTES
        and name not in PROVIDER_PERIOD_ROUTES
    ]
    assert undeclared == [], "Declare these routes in PUBLIC, TENANT_ROUTES or SHARED_ROUTES"


@pytest.mark.parametrize(
    "name", sorted(n for n, p in _routes().items() if n not in PUBLIC and not _has_arguments(p))
)
def test_anonymous_users_are_sent_to_the_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(SHARED_ROUTES))
def test_anonymous_users_are_sent_to_the_login_on_shared_objects(client, db, name):
    method, sample = SHARED_ROUTES[name]
    response = getattr(client, method)(reverse(name, kwargs=sample({})))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(TENANT_ROUTES))
def test_another_tenant_gets_a_404(client, org_a, alice, charlie, name):
    method, sample = TENANT_ROUTES[name]
    url = reverse(name, kwargs=sample({"org_a": org_a, "alice": alice}))

    assert getattr(client, method)(url).status_code == 302  # anonymous: login first

    client.force_login(charlie)
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()

    client.force_login(alice)
    # 400: an empty form posted by its rightful user is answered with its errors.
    assert getattr(client, method)(url).status_code in {200, 302, 400}


@pytest.mark.parametrize("name", sorted(SIGNING_ROUTES))
def test_a_signing_link_is_refused_to_anyone_but_its_signer(client, org_a, alice, charlie, name):
    method, sample = SIGNING_ROUTES[name]
    url = reverse(name, kwargs=sample({"org_a": org_a, "alice": alice}))
    assert getattr(client, method)(url).status_code == 302  # anonymous: login first
    client.force_login(charlie)
    response = getattr(client, method)(url)
    assert response.status_code == 403
    assert "Lien de signature réservé" in response.content.decode()
    client.force_login(alice)
    assert getattr(client, method)(url).status_code == 200


@pytest.mark.parametrize("name", sorted(PROVIDER_TENANT_ROUTES))
def test_another_provider_gets_a_404(client, db, name):
    from tests.directory.factories import ProviderOrganizationFactory

    own, other = ProviderOrganizationFactory(), ProviderOrganizationFactory()
    method, sample = PROVIDER_TENANT_ROUTES[name]
    url = reverse(name, kwargs=sample(own))
    assert getattr(client, method)(url).status_code == 302  # anonymous: login first
    client.force_login(MembershipFactory(organization=other, role=Membership.Role.ADMIN).user)
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    client.force_login(MembershipFactory(organization=own, role=Membership.Role.ADMIN).user)
    # 400: an empty form posted by its rightful user is answered with its errors.
    assert getattr(client, method)(url).status_code in {200, 302, 400}


@pytest.mark.parametrize("name", sorted(PROVIDER_PERIOD_ROUTES))
def test_another_provider_sees_its_own_list_of_a_period(client, db, name):
    from datetime import date

    from tests.directory.factories import make_provider
    from tests.domiciliation.factories import bare_contract

    own, other = make_provider(name="Sweep Propre"), make_provider(name="Sweep Autre")
    bare_contract(own, name="Entreprise Secrète", starts_on=date(2025, 2, 1))
    url = reverse(name, args=["trimestre-2025-1"])
    method = PROVIDER_PERIOD_ROUTES[name]
    assert getattr(client, method)(url).status_code == 302  # anonymous: login first
    client.force_login(MembershipFactory(organization=other.organization, role="admin").user)
    response = getattr(client, method)(url)
    assert response.status_code in {200, 400}
    assert "Secrète" not in response.content.decode("utf-8", "replace")
    client.force_login(MembershipFactory(organization=own.organization, role="admin").user)
    if name.endswith("_csv"):
        assert "Secrète" in getattr(client, method)(url).content.decode("utf-8-sig")


PROVIDER_PAGES = ("directory_provider:", "domiciliation_provider:", "mail_provider:")


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, p in _routes().items()
        if n not in PUBLIC and not _has_arguments(p) and not n.startswith(PROVIDER_PAGES)
    ),
)
def test_private_pages_render_for_a_member_without_unknown_variables(client, alice, name):
    # One object of each kind, so that list pages render their rows too.
    ctx = {"org_a": alice.memberships.get().organization, "alice": alice}
    _secondary_manager_of_a(ctx)
    _beneficiary_of_a(ctx)
    _help_request_of_a(ctx)
    _order_of_a(ctx)
    Document.objects.create(
        title="Guide",
        category=Document.Category.GUIDES,
        file=ContentFile(b"%PDF-1.4", name="guide.pdf"),
        published_at=timezone.now(),
    )
    NewsItem.objects.create(title="Nouveauté", body="Texte", published_at=timezone.now())
    with_totp(alice)  # so that the pages of two-factor login have something to show
    client.force_login(alice)
    response = client.get(reverse(name))
    assert response.status_code in {200, 302, 405}
    assert "«INVALID".encode() not in response.content


@pytest.mark.parametrize(
    "name",
    sorted(
        n for n in _routes() if (n in PUBLIC and n != "metrics") or n.startswith(PROVIDER_PAGES)
    ),
)
def test_directory_and_provider_pages_render_without_unknown_variables(client, db, name):
    from tests.accounts.factories import UserFactory
    from tests.directory.factories import ProviderOrganizationFactory, make_provider
    from tests.domiciliation.factories import sent_file

    organization = ProviderOrganizationFactory()
    provider = make_provider(organization=organization, name="Rendu")
    sent_file(UserFactory(), [provider])  # so that the case list renders a row
    MembershipFactory(organization=organization, role=Membership.Role.AGENT)
    client.force_login(
        MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    )
    pattern = _routes()[name]
    if _has_arguments(pattern):
        return  # Public pages with arguments are covered by tests/directory.
    response = client.get(reverse(name))
    assert response.status_code in {200, 302, 405}
    assert "«INVALID".encode() not in response.content
    assert provider.pk
