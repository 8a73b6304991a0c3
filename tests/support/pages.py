"""Every page of the portal, as each kind of user, over the demo data (`seed_demo`): the
routes a role may open with GET, plus the pages of the demo's own objects. The browser
sweeps (accessibility, phone width) and the typography test walk the same list. Staff
pages (the back office) are left out."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cesu_orders.models import Beneficiary, BeneficiaryImport, Order
from cesu_orders.services.payroll_import import payroll_import_check, payroll_template_csv
from cesu_orders.services.statements import aid_statement_start
from directory.models import Provider
from domiciliation.declarations import periods_between
from domiciliation.models import Case, Contract, Declaration, Payment, Signature
from domiciliation.services.payments import payment_confirm, payment_start
from mail.models import MailItem
from tests.domiciliation.factories import accept
from tests.test_url_sweep import _has_arguments, _routes

# Not pages: files, feeds, JSON, fragments, and actions that only answer a POST.
NOT_PAGES = {
    "sitemap",
    "health",
    "metrics",
    "favicon",
    "mfa_download_recovery_codes",
    "account_logout",
    "cesu_orders:beneficiary_import_template",
    "cesu_orders:payroll_import_template",
    "cesu_orders:payroll_import_template_xlsx",
    "cesu_orders:order_calendar",
    "cesu_orders:aid_statement_csv",
    "cesu_orders:accounting_export_csv",
    "domiciliation:stripe_webhook",
    "domiciliation:start",
    "domiciliation:standard_contract_pdf",
}
ROLES = {
    "visiteur": None,
    "gestionnaire principal": "C100001",
    "gestionnaire secondaire": "C100001-02",
    "administrateur domiciliataire": "domiciliataire@demo.example",
    "agent domiciliataire": "agent@demo.example",
    "entreprise": "client@demo.example",
}


def paid_demo_case() -> Case:
    """The demo company's case, accepted and paid, so that its payment and signing
    pages have something to show."""
    admin = User.objects.get(username="domiciliataire@demo.example")
    case = accept(Case.objects.get(client_file__company_name="Rousseau Conseil"), admin)
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=admin)
    payment_confirm(payment=payment, amount=payment.amount)
    return case


def demo_payroll_preview(organization, user) -> str:
    """The preview of the demo financeur's sample payroll file (its template), checked."""
    from django.core.files.base import ContentFile

    payroll_import = BeneficiaryImport(
        organization=organization, created_by=user, kind=BeneficiaryImport.Kind.PAYROLL
    )
    content = ContentFile(payroll_template_csv(organization).encode())
    payroll_import.file.save("import.bin", content, save=False)
    payroll_import.save()
    payroll_import_check(import_id=payroll_import.pk)
    return reverse("cesu_orders:payroll_import_status", args=[payroll_import.public_id])


def object_pages(case: Case) -> dict[str, list[str]]:
    """The pages of the demo's own objects, per role."""
    order = Order.objects.filter(organization__name="Demo Industries").first()
    beneficiary = Beneficiary.objects.filter(organization__name="Demo Industries").first()
    provider = Provider.objects.get(slug="demo-domiciliation-paris")
    centre = provider.centres.first()
    client_file = case.client_file
    company_signature = case.signatures.get(party=Signature.Party.COMPANY)
    provider_signature = case.signatures.get(party=Signature.Party.PROVIDER)
    payment = Payment.objects.create(
        case=case, method="simulated", amount=case.first_payment.incl_tax
    )
    case_pages = [
        reverse(f"domiciliation_provider:{name}", args=[case.public_id])
        for name in (
            "case_detail",
            "case_proofs",
            "case_vigilance",
            "case_contract",
            "case_payment",
        )
    ]
    # The demo company's running contract (domiciliation/demo.py).
    contract = Contract.objects.get(company_name="Atelier Rousseau")
    case_pages.append(reverse("domiciliation_provider:contract_detail", args=[contract.public_id]))
    contract_pages = [
        reverse(f"domiciliation:{name}", args=[contract.public_id])
        for name in ("contract", "payment_method_simulation")
    ]
    # Its mail (mail/demo.py): the registered letter, with its envelope scanned.
    letter = MailItem.objects.filter(contract=contract, kind="registered").first()
    case_pages.append(reverse("mail_provider:item", args=[letter.public_id]))
    case_pages.append(reverse("mail_provider:queue", args=["a-reexpedier"]))
    contract_pages += [
        reverse("mail:item", args=[letter.public_id]),
        reverse("mail:preferences", args=[contract.public_id]),
        reverse("mail:proxy", args=[contract.public_id]),
    ]
    directory = [
        reverse("directory:region", args=["ile-de-france"]),
        reverse("directory:department", args=["75"]),
        reverse("directory:provider", args=[provider.slug]),
        reverse("domiciliation:provider_clauses", args=[provider.slug]),
    ]
    statement = aid_statement_start(
        organization=order.organization,
        user=User.objects.get(username="C100001"),
        year=timezone.localdate().year - 1,
    )
    funder = [
        reverse("cesu_orders:order_detail", args=[order.public_id]),
        reverse("cesu_orders:beneficiary_update", args=[beneficiary.public_id]),
        reverse("cesu_orders:job_status", args=[statement.public_id]),
        demo_payroll_preview(order.organization, User.objects.get(username="C100001")),
    ]
    # « Déclarations »: the list the demo marked sent, and the latest one, to send.
    today = timezone.localdate()
    declarations = [
        reverse("domiciliation_provider:declaration_detail", args=[code])
        for code in (
            Declaration.objects.get(provider=provider).period.code,
            periods_between(today.replace(year=today.year - 1), today)[0].code,
        )
    ]
    return {
        "visiteur": directory,
        "gestionnaire principal": funder,
        "gestionnaire secondaire": funder,
        "administrateur domiciliataire": [
            *case_pages,
            *declarations,
            reverse("domiciliation_provider:case_suspicion", args=[case.public_id]),
            reverse("directory_provider:centre_update", args=[centre.public_id]),
            reverse("domiciliation:signature", args=[provider_signature.public_id]),
        ],
        "agent domiciliataire": case_pages,
        "entreprise": [
            *(reverse("domiciliation:step", args=[client_file.public_id, n]) for n in range(1, 7)),
            reverse("domiciliation:payment", args=[case.public_id]),
            reverse("domiciliation:payment_simulation", args=[payment.public_id]),
            reverse("domiciliation:signature", args=[company_signature.public_id]),
            *contract_pages,
            *directory,
        ],
    }


def plain_pages() -> list[str]:
    """Every route without an argument that may be a page."""
    return [
        reverse(name)
        for name, pattern in _routes().items()
        if name not in NOT_PAGES and not _has_arguments(pattern)
    ]


def pages_per_role() -> dict[str, list[str]]:
    """Every page to visit, per role, over the demo data (seed it first)."""
    own = object_pages(paid_demo_case())
    return {role: [*plain_pages(), *own[role]] for role in ROLES}
