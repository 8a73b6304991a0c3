"""The models of the financeur space, one module per topic; every model is importable
from `cesu_orders.models` as before the split."""

from .attestations import Attestation
from .beneficiaries import Beneficiary, BeneficiaryImport, BeneficiaryQuerySet
from .catalogue import (
    BookletSize,
    ExemptionCeiling,
    FaceValue,
    ServiceFees,
    TermsOfSale,
    UsageCategory,
    Vintage,
    VoucherFormat,
)
from .content import Document, HelpRequest, NewsItem
from .funders import DeliveryAddress, Funder, RegistrationRequest
from .jobs import Job
from .orders import (
    ORDER_TRANSITIONS,
    Cart,
    CartLine,
    DeliveryTarget,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from .quotes import Quote

__all__ = [
    "ORDER_TRANSITIONS",
    "Attestation",
    "Beneficiary",
    "BeneficiaryImport",
    "BeneficiaryQuerySet",
    "BookletSize",
    "Cart",
    "CartLine",
    "DeliveryAddress",
    "DeliveryTarget",
    "Document",
    "ExemptionCeiling",
    "FaceValue",
    "Funder",
    "HelpRequest",
    "Invoice",
    "Job",
    "NewsItem",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "Quote",
    "RegistrationRequest",
    "ServiceFees",
    "TermsOfSale",
    "UsageCategory",
    "Vintage",
    "VoucherFormat",
]
