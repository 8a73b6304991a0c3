"""The money of a domiciliation contract, in one place: the first payment, and what a
period of the running contract costs under its terms (pro rata of days when it is cut
short)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from common.formats import french_date
from common.money import format_euros, money

from .periods import days, prorata

if TYPE_CHECKING:
    from .models import Contract

NBSP = "\u00a0"

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


@dataclass(frozen=True, kw_only=True)
class Charge:
    """What one invoice of a running contract bills: its lines (label, amount excl. tax),
    their total, the VAT and the total VAT included."""

    lines: tuple[tuple[str, Decimal], ...]
    excl_tax: Decimal
    vat: Decimal
    incl_tax: Decimal

    @property
    def lines_data(self) -> list[dict]:
        """The lines as an invoice keeps them (JSON)."""
        return [{"label": label, "excl_tax": str(amount)} for label, amount in self.lines]


def vat_of(excl_tax: Decimal) -> Decimal:
    return money(excl_tax * VAT_RATE)


def charge(lines: list[tuple[str, Decimal]]) -> Charge:
    """The totals of `lines` (amounts excl. tax, already rounded to the cent)."""
    excl_tax = sum((money(amount) for _, amount in lines), Decimal("0.00"))
    vat = vat_of(excl_tax)
    return Charge(lines=tuple(lines), excl_tax=excl_tax, vat=vat, incl_tax=excl_tax + vat)


def period_charge(contract: "Contract", first: date, last: date, billed_last: date) -> Charge:
    """What the period from `first` to `last` costs under the contract's terms, or its
    share up to `billed_last` (an end in the middle of the period), pro rata of days."""
    months = contract.billing_months
    full, used = days(first, last), days(first, billed_last)
    span = f"du {french_date(first)} au {french_date(billed_last)}"
    lines = [
        (
            f"Domiciliation, {months}{NBSP}mois à {format_euros(contract.monthly_price)} HT "
            f"({span}{', prorata' if used < full else ''})",
            prorata(contract.monthly_price * months, used, full),
        )
    ]
    if contract.mail_scan and contract.mail_scan_price:
        lines.append(
            ("Numérisation du courrier", prorata(contract.mail_scan_price * months, used, full))
        )
    if contract.forwarding != "none" and contract.forwarding_price:
        lines.append(
            (
                contract.get_forwarding_display(),
                prorata(contract.forwarding_price * months, used, full),
            )
        )
    return charge(lines)
