"""Every model of the domiciliation part, by topic: the company's request, the case at
each domiciliataire, the payments, invoices and credit notes, the documents and
signatures, the running contract and the greffe notices."""

from .cases import (
    CASE_TRANSITIONS,
    DECLARED_FIELDS,
    INVALIDATION_REASONS,
    MIN_CONTRACT_MONTHS,
    BillingPeriod,
    Case,
    CaseEvent,
    CaseQuerySet,
    CaseStatus,
    ContractTemplate,
    ProofReview,
)
from .contracts import (
    ACTIVE_STATUSES,
    CONTRACT_TRANSITIONS,
    Contract,
    ContractEvent,
    ContractQuerySet,
    ContractStatus,
    Forwarding,
    GreffeNotice,
    GreffeNoticeEvent,
    Termination,
)
from .declarations import Declaration, DeclarationEvent
from .payments import CreditNote, Invoice, InvoiceEvent, Payment, SavedPaymentMethod
from .requests import BeneficialOwner, ClientFile, Proof, ProofType
from .signatures import CaseDocument, Signature, SignatureCode
from .vigilance import SuspicionNote, SuspicionNoteRead, VigilanceAssessment

__all__ = [
    "ACTIVE_STATUSES",
    "CASE_TRANSITIONS",
    "CONTRACT_TRANSITIONS",
    "DECLARED_FIELDS",
    "INVALIDATION_REASONS",
    "MIN_CONTRACT_MONTHS",
    "BeneficialOwner",
    "BillingPeriod",
    "Case",
    "CaseDocument",
    "CaseEvent",
    "CaseQuerySet",
    "CaseStatus",
    "ClientFile",
    "Contract",
    "ContractEvent",
    "ContractQuerySet",
    "ContractStatus",
    "ContractTemplate",
    "CreditNote",
    "Declaration",
    "DeclarationEvent",
    "Forwarding",
    "GreffeNotice",
    "GreffeNoticeEvent",
    "Invoice",
    "InvoiceEvent",
    "Payment",
    "Proof",
    "ProofReview",
    "ProofType",
    "SavedPaymentMethod",
    "Signature",
    "SignatureCode",
    "SuspicionNote",
    "SuspicionNoteRead",
    "Termination",
    "VigilanceAssessment",
]
