"""Who may reach which domiciliation object: one helper per object type. An outsider
gets a 404 (nothing leaks, not even that the object exists); a member whose role may not
act gets a 403. Views reach domiciliation objects only through these helpers."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Organization, User
from accounts.tenancy import get_for_organization_or_404, organization_required

from .models import (
    Case,
    CaseDocument,
    ClientFile,
    Contract,
    CreditNote,
    GreffeNotice,
    Invoice,
    Payment,
    Proof,
    ProofReview,
    Signature,
)
from .selectors import cases_with_details
from .services.requests import client_file_claim

PROVIDER_TEAM = [Membership.Role.ADMIN, Membership.Role.AGENT]

# The domiciliataire's pages: its admins and agents; its settings: its admins only.
member_required = organization_required(kind=Organization.Kind.PROVIDER, roles=PROVIDER_TEAM)
admin_required = organization_required(
    kind=Organization.Kind.PROVIDER, roles=[Membership.Role.ADMIN]
)

# Where the session keeps the drafts a visitor started before having an account.
DRAFTS_KEY = "domiciliation_drafts"


def remember_draft(request, client_file: ClientFile) -> None:
    drafts = request.session.get(DRAFTS_KEY, [])
    if str(client_file.draft_token) not in drafts:
        request.session[DRAFTS_KEY] = [*drafts, str(client_file.draft_token)][-5:]


def client_file_for(request, public_id) -> ClientFile:
    """The request's own file: its owner's, or a visitor's draft found by the session
    (claimed by the user once logged in). Anyone else's is a 404."""
    client_file = ClientFile.objects.filter(public_id=public_id).first()
    if client_file is None:
        raise Http404
    if request.user.is_authenticated and client_file.owner_id == request.user.pk:
        return client_file
    in_session = str(client_file.draft_token) in request.session.get(DRAFTS_KEY, [])
    if client_file.owner_id is None and in_session:
        if request.user.is_authenticated:
            return client_file_claim(client_file=client_file, user=request.user)
        return client_file
    raise Http404


def company_case_for(request, public_id) -> Case:
    """A case of the company's own file."""
    return get_object_or_404(
        Case.objects.select_related("client_file", "provider", "centre"),
        public_id=public_id,
        client_file__owner=request.user,
    )


def provider_case_for(request, public_id) -> Case:
    """A case addressed to the request's domiciliataire, with what its pages show."""
    return get_for_organization_or_404(
        cases_with_details(), request.organization, public_id=public_id
    )


def provider_payment_for(case: Case, public_id) -> Payment:
    return get_object_or_404(Payment, case=case, public_id=public_id)


def company_contract_for(request, public_id) -> Contract:
    """A contract of the company's own account."""
    return get_object_or_404(
        Contract.objects.of_company(request.user).select_related(
            "case__client_file", "case__centre", "provider"
        ),
        public_id=public_id,
    )


def provider_contract_for(request, public_id) -> Contract:
    """A contract of the request's domiciliataire."""
    return get_for_organization_or_404(
        Contract.objects.select_related("case__client_file", "case__centre", "provider", "owner"),
        request.organization,
        public_id=public_id,
    )


def contract_invoice_for(contract: Contract, public_id) -> Invoice:
    """An invoice of `contract`'s case (a contract's page acts on its own invoices only)."""
    return get_object_or_404(Invoice, case_id=contract.case_id, public_id=public_id)


def contract_credit_note_for(contract: Contract, public_id) -> CreditNote:
    return get_object_or_404(CreditNote, case_id=contract.case_id, public_id=public_id)


def greffe_notice_for(request, public_id) -> GreffeNotice:
    """A greffe notice of the request's domiciliataire."""
    return get_object_or_404(
        GreffeNotice.objects.select_related("contract"),
        provider__organization=request.organization,
        public_id=public_id,
    )


def simulated_payment_for(request, public_id) -> Payment:
    """A payment of the company's own case made with the simulated provider."""
    return get_object_or_404(
        Payment.objects.select_related("case__client_file", "case__provider", "invoice"),
        public_id=public_id,
        method=Payment.Method.SIMULATED,
        case__client_file__owner=request.user,
    )


def _is_provider_member(user: User, case: Case) -> bool:
    return Membership.objects.filter(
        user=user,
        organization_id=case.provider.organization_id,
        role__in=PROVIDER_TEAM,
        is_active=True,
    ).exists()


def may_see_case(user: User, case: Case) -> bool:
    """The company's owner, and the domiciliataire's active admins and agents."""
    return case.client_file.owner_id == user.pk or _is_provider_member(user, case)


def proof_for(request, public_id) -> Proof:
    """A proof, for its owner or for a member of a domiciliataire whose case includes the
    file; anyone else gets a 404."""
    proof = get_object_or_404(
        Proof.objects.select_related("client_file", "proof_type"), public_id=public_id
    )
    owner = proof.client_file.owner_id == request.user.pk
    # A domiciliataire sees the versions its own open cases were sent or decided on; a
    # case dismissed, withdrawn or expired (until reactivated) sees none.
    addressed = ProofReview.objects.filter(
        proof=proof,
        case__status__in=Case.SEES_PROOFS,
        case__provider__organization__memberships__user=request.user,
        case__provider__organization__memberships__is_active=True,
    ).exists()
    if not (owner or addressed):
        raise Http404
    return proof


def _of_visible_case(request, model, public_id):
    """An object of a case (document, invoice) that the user may see, else a 404."""
    item = get_object_or_404(
        model.objects.select_related("case__client_file", "case__provider"), public_id=public_id
    )
    if not may_see_case(request.user, item.case):
        raise Http404
    return item


def case_document_for(request, public_id) -> CaseDocument:
    return _of_visible_case(request, CaseDocument, public_id)


def invoice_for(request, public_id) -> Invoice:
    return _of_visible_case(request, Invoice, public_id)


def credit_note_for(request, public_id) -> CreditNote:
    return _of_visible_case(request, CreditNote, public_id)


def signature_for(public_id) -> Signature:
    """A signing link: the page itself tells its signer from anyone else (a 403 page)."""
    return get_object_or_404(
        Signature.objects.select_related(
            "case__client_file", "case__provider", "case__centre", "signer"
        ),
        public_id=public_id,
    )


def team_member_for(request, public_id) -> User:
    """A member of the request's domiciliataire."""
    return get_object_or_404(
        User, public_id=public_id, memberships__organization=request.organization
    )
