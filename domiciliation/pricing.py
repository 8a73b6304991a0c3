"""The money of a domiciliation contract: one place for the first payment's amount."""

from dataclasses import dataclass
from decimal import Decimal

from common.money import money

VAT_RATE = Decimal("0.20")  # Domiciliation services carry the standard French VAT rate.


@dataclass(frozen=True, kw_only=True)
class FirstPayment:
    """What the company pays before signing: the first billing period in advance plus
    the set-up fee, VAT included."""

    months: int
    rent_excl_tax: Decimal
    setup_fee_excl_tax: Decimal
    excl_tax: Decimal
    vat: Decimal
    incl_tax: Decimal


def first_payment(*, monthly_price: Decimal, billing_months: int, setup_fee: Decimal):
    rent = money(monthly_price * billing_months)
    excl_tax = rent + money(setup_fee)
    vat = money(excl_tax * VAT_RATE)
    return FirstPayment(
        months=billing_months,
        rent_excl_tax=rent,
        setup_fee_excl_tax=money(setup_fee),
        excl_tax=excl_tax,
        vat=vat,
        incl_tax=excl_tax + vat,
    )
