"""The models of the financeur space, one module per topic; every model is importable
from `cesu_orders.models` as before the split."""

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

__all__ = [
    "ORDER_TRANSITIONS",
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
    "NewsItem",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "RegistrationRequest",
    "ServiceFees",
    "TermsOfSale",
    "UsageCategory",
    "Vintage",
    "VoucherFormat",
]
