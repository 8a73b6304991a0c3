"""The money rules of a CESU order, in one place.

The order table, the recap, the invoice PDF, the e-mail and the CSV all call these
functions so that they agree to the cent. Pure Python: no model, no database. Amounts are
`Decimal` with two places, percentages are `Decimal` from 0 to 100; a float is refused.
Errors a manager can fix are `ValueError`s with a French message the form shows as is.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from common.money import money

from .catalogue import EXEMPTION_CEILINGS

HUNDRED = Decimal(100)

# Seed values of the annual exemption ceiling per bénéficiaire (employer share, in €);
# staff edit them in the catalogue, so callers pass the edited dict to `ceiling_for`.
DEFAULT_CEILINGS = EXEMPTION_CEILINGS

Key = TypeVar("Key", bound=Hashable)


# Order lines


@dataclass(frozen=True, kw_only=True)
class LineInput:
    """One order line as the manager entered it. For an e-CESU line, booklets ×
    vouchers per booklet is the number of vouchers credited."""

    booklets: int
    vouchers_per_booklet: int
    face_value: Decimal
    employer_share_percent: Decimal
    electronic: bool


@dataclass(frozen=True, kw_only=True)
class LineAmounts:
    vouchers: int
    face_value: Decimal
    face_total: Decimal
    employer_share_per_voucher: Decimal
    employee_share_per_voucher: Decimal
    employer_share: Decimal
    employee_share: Decimal


def line_amounts(line: LineInput) -> LineAmounts:
    """The employer share is rounded once per voucher, money(face × percent / 100), and the
    line total is that amount × vouchers: what each voucher stands for and the totals of
    the recap, invoice and CSV then always add up. The employee share is the rest of the
    face value, so employer + employee = face value exactly, per voucher and per line."""
    _check_line(line)
    vouchers = line.booklets * line.vouchers_per_booklet
    face_value = money(line.face_value)
    employer_per_voucher = money(face_value * line.employer_share_percent / HUNDRED)
    employee_per_voucher = face_value - employer_per_voucher
    return LineAmounts(
        vouchers=vouchers,
        face_value=face_value,
        face_total=face_value * vouchers,
        employer_share_per_voucher=employer_per_voucher,
        employee_share_per_voucher=employee_per_voucher,
        employer_share=employer_per_voucher * vouchers,
        employee_share=employee_per_voucher * vouchers,
    )


def lines_amounts(lines: Iterable[LineInput]) -> list[LineAmounts]:
    """`line_amounts` of each line, in order, each distinct line computed once: the 2,000
    lines of a big order hold a handful of distinct ones."""
    known: dict[LineInput, LineAmounts] = {}
    amounts = []
    for line in lines:
        found = known.get(line)
        if found is None:
            found = known[line] = line_amounts(line)
        amounts.append(found)
    return amounts


def _check_line(line: LineInput) -> None:
    _check_count(line.booklets, "Le nombre de carnets")
    _check_count(line.vouchers_per_booklet, "Le nombre de titres par carnet")
    if not _is_cents(line.face_value) or line.face_value <= 0:
        raise ValueError("La valeur faciale doit être un montant positif en euros et centimes.")
    if not isinstance(line.employer_share_percent, Decimal) or not (
        0 <= line.employer_share_percent <= HUNDRED
    ):
        raise ValueError("La part patronale est un pourcentage entre 0 et 100.")


def _check_count(value: int, label: str) -> None:
    # bool is an int in Python; True carnets is a bug upstream, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{label} doit être un nombre entier supérieur ou égal à 1.")


def _is_cents(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value == money(value)


# Fees and order totals


@dataclass(frozen=True, kw_only=True)
class FeeSchedule:
    """Service fees excluding VAT, and the VAT rate (a percentage) that applies to them
    only. Staff edit it later; every amount is in euros and cents."""

    per_order: Decimal
    per_booklet: Decimal
    per_electronic_credit: Decimal
    per_transport_mode: dict[str, Decimal]
    vat_rate: Decimal = Decimal("20.00")

    def __post_init__(self):
        fees = [self.per_order, self.per_booklet, self.per_electronic_credit]
        if not all(
            _is_cents(fee) and fee >= 0 for fee in [*fees, *self.per_transport_mode.values()]
        ):
            raise ValueError("Les frais de service sont des montants positifs ou nuls en euros.")
        if not isinstance(self.vat_rate, Decimal) or not 0 <= self.vat_rate <= HUNDRED:
            raise ValueError("Le taux de TVA est un pourcentage entre 0 et 100.")


@dataclass(frozen=True, kw_only=True)
class OrderTotals:
    lines: tuple[LineAmounts, ...]
    face_total: Decimal
    employer_share_total: Decimal
    employee_share_total: Decimal
    order_fee: Decimal
    booklet_fee: Decimal
    electronic_credit_fee: Decimal
    transport_fee: Decimal
    fees_excl_vat: Decimal
    vat_rate: Decimal
    vat: Decimal
    fees_incl_vat: Decimal
    total_to_pay: Decimal


def order_totals(
    *,
    lines: list[LineInput],
    fees: FeeSchedule,
    transport_mode: str | None,
    amounts: list[LineAmounts] | None = None,
) -> OrderTotals:
    """Totals of an order. Fees excluding VAT: the per-order fee, the per-booklet fee for
    each paper booklet, one e-CESU credit fee per electronic line, and the transport fee
    of `transport_mode` when at least one line is paper (ignored otherwise). VAT applies
    to the fees only, rounded once on their total; face values carry no VAT. The financeur
    pays the whole face value (it recovers the employees' share itself, e.g. on payroll),
    so total to pay = face total + fees including VAT. `amounts`: the lines' amounts when
    the caller has them already (`lines_amounts`), so that no line is priced twice; the
    lines are then read for their `booklets` and `electronic` only."""
    if not lines:
        raise ValueError("La commande ne contient aucune ligne.")
    amounts = tuple(lines_amounts(lines) if amounts is None else amounts)
    paper = [line for line in lines if not line.electronic]
    order_fee = money(fees.per_order)
    booklet_fee = money(fees.per_booklet * sum(line.booklets for line in paper))
    electronic_credit_fee = money(fees.per_electronic_credit * (len(lines) - len(paper)))
    transport_fee = money(_transport_fee(fees, transport_mode) if paper else 0)
    fees_excl_vat = order_fee + booklet_fee + electronic_credit_fee + transport_fee
    vat = money(fees_excl_vat * fees.vat_rate / HUNDRED)
    face_total = sum((a.face_total for a in amounts), Decimal("0.00"))
    return OrderTotals(
        lines=amounts,
        face_total=face_total,
        employer_share_total=sum((a.employer_share for a in amounts), Decimal("0.00")),
        employee_share_total=sum((a.employee_share for a in amounts), Decimal("0.00")),
        order_fee=order_fee,
        booklet_fee=booklet_fee,
        electronic_credit_fee=electronic_credit_fee,
        transport_fee=transport_fee,
        fees_excl_vat=fees_excl_vat,
        vat_rate=fees.vat_rate,
        vat=vat,
        fees_incl_vat=fees_excl_vat + vat,
        total_to_pay=face_total + fees_excl_vat + vat,
    )


def _transport_fee(fees: FeeSchedule, transport_mode: str | None) -> Decimal:
    if transport_mode is None:
        raise ValueError("Choisissez un mode de transport pour les carnets papier.")
    if transport_mode not in fees.per_transport_mode:
        raise ValueError(f"Mode de transport inconnu : « {transport_mode} ».")
    return fees.per_transport_mode[transport_mode]


@dataclass(frozen=True, kw_only=True)
class BeneficiaryTotals:
    vouchers: int
    face_total: Decimal
    employer_share: Decimal
    employee_share: Decimal


def beneficiary_totals(
    *, keyed_lines: Iterable[tuple[Key, LineAmounts]]
) -> dict[Key, BeneficiaryTotals]:
    """Sums the lines of each bénéficiaire (key: e.g. its id), in the order first met.
    Feed it `zip(keys, totals.lines, strict=True)`; its employer shares are what `ceiling_warnings`
    needs for this order."""
    grouped: dict[Key, list[LineAmounts]] = {}
    for key, amounts in keyed_lines:
        grouped.setdefault(key, []).append(amounts)
    known: dict[int, BeneficiaryTotals] = {}
    totals = {}
    for key, amounts in grouped.items():
        if len(amounts) == 1:
            # Most bénéficiaires have one line, and lines priced alike share their amounts
            # (`lines_amounts`, `services.cart.draft_totals`): sum each such line once.
            found = known.get(id(amounts[0]))
            if found is None:
                found = known[id(amounts[0])] = _sum_lines(amounts)
            totals[key] = found
        else:
            totals[key] = _sum_lines(amounts)
    return totals


def _sum_lines(amounts: list[LineAmounts]) -> BeneficiaryTotals:
    return BeneficiaryTotals(
        vouchers=sum(a.vouchers for a in amounts),
        face_total=sum((a.face_total for a in amounts), Decimal("0.00")),
        employer_share=sum((a.employer_share for a in amounts), Decimal("0.00")),
        employee_share=sum((a.employee_share for a in amounts), Decimal("0.00")),
    )


# Annual exemption ceiling


@dataclass(frozen=True, kw_only=True)
class CeilingWarning:
    year_total: Decimal
    ceiling: Decimal
    excess: Decimal


def ceiling_for(year: int, ceilings: dict[int, Decimal]) -> Decimal | None:
    """The exemption ceiling of `year` from the catalogue (`DEFAULT_CEILINGS` seeds it),
    or None when staff have not entered it yet: there is then nothing to warn against,
    and no guess from another year."""
    return ceilings.get(year)


def ceiling_warnings(
    *,
    employer_share_this_year_by_beneficiary: dict[Key, Decimal],
    this_order_by_beneficiary: dict[Key, Decimal],
    ceiling: Decimal,
) -> dict[Key, CeilingWarning]:
    """The bénéficiaires of this order whose employer share this calendar year (past orders
    + this one) would be strictly above the exemption ceiling; reaching it exactly is
    fine. A warning, not a block: the order may still be placed."""
    warnings = {}
    for key, this_order in this_order_by_beneficiary.items():
        year_total = employer_share_this_year_by_beneficiary.get(key, Decimal("0.00")) + this_order
        if year_total > ceiling:
            warnings[key] = CeilingWarning(
                year_total=year_total, ceiling=ceiling, excess=year_total - ceiling
            )
    return warnings
