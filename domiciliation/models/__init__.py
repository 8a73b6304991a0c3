"""Every model of the domiciliation part, by topic: the company's request, the case at
each domiciliataire, the payments and invoices, the documents and signatures."""

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
from .payments import Invoice, Payment
from .requests import BeneficialOwner, ClientFile, Proof, ProofType
from .signatures import CaseDocument, Signature, SignatureCode

__all__ = [
    "CASE_TRANSITIONS",
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
    "ContractTemplate",
    "Invoice",
    "Payment",
    "Proof",
    "ProofReview",
    "ProofType",
    "Signature",
    "SignatureCode",
]
