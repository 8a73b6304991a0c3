"""Expected amounts are computed by hand in the comments, never with the module's formulas."""

from decimal import Decimal

import pytest

from cesu_orders.pricing import (
    DEFAULT_CEILINGS,
    CeilingWarning,
    FeeSchedule,
    LineInput,
    beneficiary_totals,
    ceiling_for,
    ceiling_warnings,
    line_amounts,
    order_totals,
)
from common.money import format_euros, money

D = Decimal
FEES = FeeSchedule(
    per_order=D("5.00"),
    per_booklet=D("0.50"),
    per_electronic_credit=D("1.20"),
    per_transport_mode={"courrier": D("4.90"), "chronopost": D("12.00")},
    vat_rate=D("20.00"),
)


def _line(*, booklets=1, per_booklet=10, face="15.00", percent="50", electronic=False):
    return LineInput(
        booklets=booklets,
        vouchers_per_booklet=per_booklet,
        face_value=D(face),
        employer_share_percent=D(percent),
        electronic=electronic,
    )


def test_it_rounds_money_half_up_to_the_cent():
    assert money(D("5.125")) == D("5.13")
    assert money(D("2.345")) == D("2.35")  # half-even would give 2.34
    assert money(D("4.9995")) == D("5.00")
    assert money(7) == D("7.00")
    assert str(money("3")) == "3.00"


def test_it_refuses_a_float():
    with pytest.raises(TypeError):
        money(0.1)


def test_it_rounds_the_employer_share_per_voucher_then_multiplies():
    # 15,00 × 33,33 % = 4,9995 → 5,00 per voucher; 2 × 10 = 20 vouchers → 100,00
    # (rounding the 300,00 total instead would give 99,99).
    amounts = line_amounts(_line(booklets=2, per_booklet=10, face="15.00", percent="33.33"))

    assert amounts.vouchers == 20
    assert amounts.face_total == D("300.00")
    assert amounts.employer_share_per_voucher == D("5.00")
    assert amounts.employee_share_per_voucher == D("10.00")
    assert amounts.employer_share == D("100.00")
    assert amounts.employee_share == D("200.00")


def test_it_gives_the_employee_the_exact_rest_of_the_face_value():
    # 20,00 × 33,33 % = 6,666 → 6,67; employee 13,33; 5 vouchers → 33,35 + 66,65 = 100,00
    amounts = line_amounts(_line(booklets=1, per_booklet=5, face="20.00", percent="33.33"))

    assert amounts.employer_share_per_voucher == D("6.67")
    assert amounts.employee_share_per_voucher == D("13.33")
    assert amounts.employer_share == D("33.35")
    assert amounts.employee_share == D("66.65")
    assert amounts.face_total == D("100.00")


def test_it_rounds_half_up_a_share_that_falls_on_half_a_cent():
    # 10,25 × 50 % = 5,125 → 5,13
    amounts = line_amounts(_line(booklets=1, per_booklet=1, face="10.25", percent="50"))

    assert amounts.employer_share_per_voucher == D("5.13")
    assert amounts.employee_share_per_voucher == D("5.12")


def test_it_handles_a_zero_and_a_full_employer_share():
    assert line_amounts(_line(percent="0")).employer_share == D("0.00")
    assert line_amounts(_line(percent="0")).employee_share == D("150.00")
    assert line_amounts(_line(percent="100")).employer_share == D("150.00")
    assert line_amounts(_line(percent="100")).employee_share == D("0.00")


def test_it_totals_an_order_with_paper_and_electronic_lines():
    # Paper: 3 booklets × 10 × 15,00 at 50 % → face 450,00, employer 225,00.
    # e-CESU: 1 × 20 × 10,00 at 60 % → face 200,00, employer 120,00.
    # Fees: order 5,00 + 3 booklets × 0,50 + 1 credit × 1,20 + courrier 4,90 = 12,60.
    # VAT 20 % of 12,60 = 2,52; total 650,00 + 12,60 + 2,52 = 665,12.
    totals = order_totals(
        lines=[
            _line(booklets=3, per_booklet=10, face="15.00", percent="50"),
            _line(booklets=1, per_booklet=20, face="10.00", percent="60", electronic=True),
        ],
        fees=FEES,
        transport_mode="courrier",
    )

    assert totals.face_total == D("650.00")
    assert totals.employer_share_total == D("345.00")
    assert totals.employee_share_total == D("305.00")
    assert totals.order_fee == D("5.00")
    assert totals.booklet_fee == D("1.50")
    assert totals.electronic_credit_fee == D("1.20")
    assert totals.transport_fee == D("4.90")
    assert totals.fees_excl_vat == D("12.60")
    assert totals.vat_rate == D("20.00")
    assert totals.vat == D("2.52")
    assert totals.fees_incl_vat == D("15.12")
    assert totals.total_to_pay == D("665.12")
    assert [line.face_total for line in totals.lines] == [D("450.00"), D("200.00")]


def test_it_charges_no_booklet_nor_transport_fee_without_paper_lines():
    # Two e-CESU lines: 10 × 20,00 + 10 × 15,00 = 350,00 face.
    # Fees: 5,00 + 2 credits × 1,20 = 7,40; VAT 1,48; total 350,00 + 8,88 = 358,88.
    totals = order_totals(
        lines=[
            _line(booklets=1, per_booklet=10, face="20.00", electronic=True),
            _line(booklets=2, per_booklet=5, face="15.00", percent="40", electronic=True),
        ],
        fees=FEES,
        transport_mode="chronopost",
    )

    assert totals.booklet_fee == D("0.00")
    assert totals.transport_fee == D("0.00")
    assert totals.electronic_credit_fee == D("2.40")
    assert totals.fees_excl_vat == D("7.40")
    assert totals.vat == D("1.48")
    assert totals.total_to_pay == D("358.88")


def test_it_puts_vat_on_fees_only_never_on_face_values():
    # 1 000 € of face value, fees 5,00 + 2 × 0,50 + 12,00 = 18,00; VAT 3,60 whatever the face.
    totals = order_totals(
        lines=[_line(booklets=2, per_booklet=20, face="25.00")],
        fees=FEES,
        transport_mode="chronopost",
    )

    assert totals.face_total == D("1000.00")
    assert totals.fees_excl_vat == D("18.00")
    assert totals.vat == D("3.60")
    assert totals.total_to_pay == D("1021.60")


def test_it_takes_the_vat_rate_from_the_fee_schedule_and_rounds_it_once():
    # Fees 0,90 + 1 credit × 0,00 = 0,90; 5,5 % of 0,90 = 0,0495 → 0,05.
    fees = FeeSchedule(
        per_order=D("0.90"),
        per_booklet=D("0.00"),
        per_electronic_credit=D("0.00"),
        per_transport_mode={},
        vat_rate=D("5.50"),
    )

    totals = order_totals(lines=[_line(electronic=True)], fees=fees, transport_mode=None)

    assert totals.vat == D("0.05")
    assert totals.fees_incl_vat == D("0.95")


def test_it_defaults_the_vat_rate_to_twenty_percent():
    fees = FeeSchedule(
        per_order=D("1.00"),
        per_booklet=D("0.00"),
        per_electronic_credit=D("0.00"),
        per_transport_mode={},
    )

    assert fees.vat_rate == D("20.00")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_line(booklets=-1), "Le nombre de carnets doit être un nombre entier supérieur ou égal"),
        (_line(booklets=0), "Le nombre de carnets doit être un nombre entier supérieur ou égal"),
        (_line(booklets=D("1.5")), "Le nombre de carnets doit être un nombre entier"),
        (_line(booklets=True), "Le nombre de carnets doit être un nombre entier"),
        (_line(per_booklet=2.0), "Le nombre de titres par carnet doit être un nombre entier"),
        (_line(percent="100.01"), "La part patronale est un pourcentage entre 0 et 100."),
        (_line(percent="-1"), "La part patronale est un pourcentage entre 0 et 100."),
        (_line(face="-15.00"), "La valeur faciale doit être un montant positif"),
        (_line(face="15.005"), "La valeur faciale doit être un montant positif"),
    ],
)
def test_it_refuses_a_wrong_line_with_a_french_message(line, message):
    with pytest.raises(ValueError, match=message):
        order_totals(lines=[line], fees=FEES, transport_mode="courrier")


def test_it_refuses_a_float_percentage():
    line = LineInput(
        booklets=1,
        vouchers_per_booklet=10,
        face_value=D("15.00"),
        employer_share_percent=50.0,
        electronic=False,
    )

    with pytest.raises(ValueError, match="La part patronale est un pourcentage"):
        line_amounts(line)


def test_it_refuses_paper_lines_without_a_known_transport_mode():
    with pytest.raises(
        ValueError, match="Choisissez un mode de transport pour les carnets papier."
    ):
        order_totals(lines=[_line()], fees=FEES, transport_mode=None)
    with pytest.raises(ValueError, match="Mode de transport inconnu : « pigeon »."):
        order_totals(lines=[_line()], fees=FEES, transport_mode="pigeon")


def test_it_refuses_an_empty_order():
    with pytest.raises(ValueError, match="La commande ne contient aucune ligne."):
        order_totals(lines=[], fees=FEES, transport_mode=None)


def test_it_refuses_a_wrong_fee_schedule():
    with pytest.raises(ValueError, match="Les frais de service sont des montants positifs ou nuls"):
        FeeSchedule(
            per_order=D("-1.00"),
            per_booklet=D("0.50"),
            per_electronic_credit=D("1.20"),
            per_transport_mode={},
        )
    with pytest.raises(ValueError, match="Le taux de TVA est un pourcentage entre 0 et 100."):
        FeeSchedule(
            per_order=D("1.00"),
            per_booklet=D("0.50"),
            per_electronic_credit=D("1.20"),
            per_transport_mode={},
            vat_rate=D("120"),
        )


def test_it_sums_the_lines_of_each_beneficiary():
    # Alice: 10 × 15,00 at 50 % (75,00) + 10 × 20,00 at 50 % (100,00); Bob: 10 × 15,00.
    totals = order_totals(
        lines=[_line(), _line(face="20.00", electronic=True), _line()],
        fees=FEES,
        transport_mode="courrier",
    )

    by_beneficiary = beneficiary_totals(
        keyed_lines=zip(["alice", "alice", "bob"], totals.lines, strict=True)
    )

    assert list(by_beneficiary) == ["alice", "bob"]
    assert by_beneficiary["alice"].vouchers == 20
    assert by_beneficiary["alice"].face_total == D("350.00")
    assert by_beneficiary["alice"].employer_share == D("175.00")
    assert by_beneficiary["alice"].employee_share == D("175.00")
    assert by_beneficiary["bob"].face_total == D("150.00")


def test_it_warns_only_above_the_ceiling_with_the_excess():
    warnings = ceiling_warnings(
        employer_share_this_year_by_beneficiary={
            "under": D("1000.00"),
            "equal": D("2000.00"),
            "over": D("2000.00"),
            "past_only": D("3000.00"),
        },
        this_order_by_beneficiary={
            "under": D("100.00"),
            "equal": D("540.00"),
            "over": D("540.01"),
            "new": D("2600.00"),
        },
        ceiling=D("2540.00"),
    )

    assert warnings == {
        "over": CeilingWarning(year_total=D("2540.01"), ceiling=D("2540.00"), excess=D("0.01")),
        "new": CeilingWarning(year_total=D("2600.00"), ceiling=D("2540.00"), excess=D("60.00")),
    }


def test_it_reads_the_ceiling_of_each_year():
    assert ceiling_for(2025, DEFAULT_CEILINGS) == D("2540.00")
    assert ceiling_for(2026, DEFAULT_CEILINGS) == D("2591.00")
    assert ceiling_for(2027, DEFAULT_CEILINGS) is None
    assert ceiling_for(2027, {2027: D("2650.00")}) == D("2650.00")


def test_it_warns_in_2025_but_not_in_2026_for_the_same_total():
    # 2 000,00 + 560,00 = 2 560,00: 20,00 above 2 540 € (2025), 31,00 under 2 591 € (2026).
    shares = {
        "employer_share_this_year_by_beneficiary": {1: D("2000.00")},
        "this_order_by_beneficiary": {1: D("560.00")},
    }

    in_2025 = ceiling_warnings(**shares, ceiling=ceiling_for(2025, DEFAULT_CEILINGS))
    in_2026 = ceiling_warnings(**shares, ceiling=ceiling_for(2026, DEFAULT_CEILINGS))

    assert in_2025[1].excess == D("20.00")
    assert in_2026 == {}


def test_it_formats_euros_the_french_way():
    assert format_euros(D("1234.56")) == "1\u202f234,56\u00a0€"
    assert format_euros(D("1234567.8")) == "1\u202f234\u202f567,80\u00a0€"
    assert format_euros(D("999.99")) == "999,99\u00a0€"
    assert format_euros(15) == "15,00\u00a0€"
    assert format_euros(D("0.125")) == "0,13\u00a0€"
    assert format_euros(D("-12")) == "-12,00\u00a0€"
