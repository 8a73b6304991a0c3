"""The employer's yearly obligations around the CESU aid, in one place: which orders
count as aid granted and for which year, the exemption ceiling per bénéficiaire, and
the crédit d'impôt famille it opens.

- Aid granted (attestations, aid statement): the orders that are « fabriquée »,
  « expédiée » or « livrée ». From « fabriquée » on, the titles are issued in the
  bénéficiaires' names, the delivery (or e-CESU crediting) date is confirmed and the
  order can no longer be cancelled (`Order.TRANSITIONS`). A « validée » or « prise en
  charge » order may still be cancelled, and a cancelled one was cancelled by a credit
  note: neither counts.
- The year of an aid is the year of that confirmed delivery date: the year the
  bénéficiaire received the CESU (Code du travail D7233-8 speaks of the CESU received).
  A December delivery of next year's millésime is aid of the year it is delivered in.
- The exemption ceiling (Code du travail L7233-4 and -5) applies to the employer share
  per bénéficiaire and calendar year: 2 421 € in 2024, 2 540 € in 2025, 2 591 € in 2026
  (the catalogue's `ExemptionCeiling`). Orders placed and not cancelled count towards
  it as soon as they are placed, so that the recap warns before it is passed.
- The crédit d'impôt famille (CGI 244 quater F) is 25 % of the aid, capped at
  500 000 € a year per company (all its eligible family spending together; the 50 %
  rate is for crèche spending, never for CESU).

Pure Python apart from the order statuses.
"""

from dataclasses import dataclass
from decimal import Decimal

from common.money import money

from .models import OrderStatus

GRANTED_STATUSES = (OrderStatus.MANUFACTURED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)

FAMILY_TAX_CREDIT_RATE = Decimal("25")
FAMILY_TAX_CREDIT_CAP = Decimal("500000.00")

# The ceiling list shows the bénéficiaires at this share of the ceiling or above.
NEAR_CEILING = Decimal("0.90")


@dataclass(frozen=True, kw_only=True)
class TaxCredit:
    aid: Decimal
    credit: Decimal
    cap: Decimal

    @property
    def capped(self) -> Decimal:
        """The credit the CESU aid alone opens, within the yearly cap."""
        return min(self.credit, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.credit > self.cap


def family_tax_credit(aid: Decimal) -> TaxCredit:
    """25 % of `aid`, rounded to the cent, and the 500 000 € cap it is held to."""
    return TaxCredit(
        aid=aid,
        credit=money(aid * FAMILY_TAX_CREDIT_RATE / 100),
        cap=FAMILY_TAX_CREDIT_CAP,
    )


def ceiling_ratio(share: Decimal, ceiling: Decimal | None) -> Decimal | None:
    """The employer share as a fraction of the ceiling (1 = reached), None without one."""
    if not ceiling:
        return None
    return share / ceiling


def is_near_ceiling(share: Decimal, ceiling: Decimal | None) -> bool:
    ratio = ceiling_ratio(share, ceiling)
    return ratio is not None and ratio >= NEAR_CEILING


def is_over_ceiling(share: Decimal, ceiling: Decimal | None) -> bool:
    """Strictly above: reaching the ceiling exactly is still exempt."""
    return ceiling is not None and share > ceiling
