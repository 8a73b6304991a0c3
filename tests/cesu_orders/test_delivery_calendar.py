"""The business-day rules of CESU delivery. Every date is fixed: `today` is an argument,
so nothing here depends on the day the tests run."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.template import engines

from cesu_orders.delivery_calendar import (
    ELECTRONIC_LEAD_DAYS,
    TRANSPORT_DAYS,
    TransportMode,
    add_business_days,
    calendar_months,
    check_delivery_date,
    earliest_delivery_date,
    holidays_for,
    horizon_date,
    is_business_day,
    latest_delivery_date,
)

NBSP = "\u00a0"
MONDAY_23_NOVEMBER_2026 = date(2026, 11, 23)
# From 1 December the next millésime opens: the calendar reaches three months ahead.
TUESDAY_1_DECEMBER_2026 = date(2026, 12, 1)
ALSACE_MOSELLE = ["57000", "67000", "68100"]


def _cells(months):
    return {cell.date: cell for month in months for week in month.weeks for cell in week}


def _refusal(day, *, today=MONDAY_23_NOVEMBER_2026, **kwargs):
    kwargs.setdefault("mode", TransportMode.STANDARD)
    with pytest.raises(ValidationError) as excinfo:
        check_delivery_date(day, today=today, **kwargs)
    return excinfo.value


# Business days


def test_it_knows_the_transport_modes_and_their_lead_times():
    assert TransportMode.STANDARD.label == "Standard (5 jours ouvrés)"
    assert TransportMode.EXPRESS.label == "Express (4 jours ouvrés)"
    assert TRANSPORT_DAYS == {"standard": 5, "express": 4}
    assert ELECTRONIC_LEAD_DAYS == 2


def test_it_treats_weekends_as_non_business_days():
    assert not is_business_day(date(2026, 11, 21))  # Saturday
    assert not is_business_day(date(2026, 11, 22))  # Sunday
    assert is_business_day(date(2026, 11, 23))  # Monday


@pytest.mark.parametrize(
    "holiday",
    [date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25)],
    ids=["1er mai", "Ascension", "Lundi de Pentecôte", "Noël"],
)
@pytest.mark.parametrize("postcode", [None, "", "75001", "57000"])
def test_it_treats_national_holidays_as_non_business_days_everywhere(holiday, postcode):
    assert holiday.weekday() < 5
    assert not is_business_day(holiday, postcode=postcode)


@pytest.mark.parametrize(
    "holiday",
    [date(2025, 12, 26), date(2026, 4, 3)],
    ids=["Saint-Étienne", "Vendredi saint"],
)
@pytest.mark.parametrize("postcode", ALSACE_MOSELLE)
def test_it_adds_the_alsace_moselle_holidays_in_57_67_and_68(holiday, postcode):
    assert not is_business_day(holiday, postcode=postcode)


@pytest.mark.parametrize("holiday", [date(2025, 12, 26), date(2026, 4, 3)])
@pytest.mark.parametrize("postcode", [None, "", "75001", "13570", "06700"])
def test_it_keeps_the_alsace_moselle_holidays_out_of_other_departements(holiday, postcode):
    assert is_business_day(holiday, postcode=postcode)


def test_it_names_holidays_in_french():
    assert holidays_for(postcode="75001", years=2026).get(date(2026, 5, 25)) == (
        "Lundi de Pentecôte"
    )
    assert holidays_for(postcode=" 67000", years=2025).get(date(2025, 12, 26)) == ("Saint-Étienne")
    assert date(2025, 12, 26) not in holidays_for(postcode=None, years=2025)


def test_it_adds_business_days_from_the_day_after_start():
    assert add_business_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    # Monday the 23rd itself does not count; the weekend is skipped.
    assert add_business_days(date(2026, 11, 23), 5) == date(2026, 11, 30)
    assert add_business_days(date(2026, 11, 21), 1) == date(2026, 11, 23)
    assert add_business_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_it_skips_holidays_when_adding_business_days():
    # Thursday 13 May 2026: Ascension on the 14th, then a weekend.
    assert add_business_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    # Friday 22 May 2026: a weekend, then Lundi de Pentecôte.
    assert add_business_days(date(2026, 5, 22), 1) == date(2026, 5, 26)
    assert add_business_days(date(2026, 4, 2), 1, postcode="57000") == date(2026, 4, 7)
    assert add_business_days(date(2026, 4, 2), 1, postcode="75001") == date(2026, 4, 3)


# Earliest and latest dates


def test_it_gives_the_earliest_date_per_mode_across_christmas_and_new_year():
    # Thursday 24 December 2026: Noël, a weekend, then 1 January.
    today = date(2026, 12, 24)
    assert earliest_delivery_date(today=today, mode="standard") == date(2027, 1, 4)
    assert earliest_delivery_date(today=today, mode="express") == date(2026, 12, 31)
    assert earliest_delivery_date(today=today, mode=None, electronic=True) == date(2026, 12, 29)


def test_it_gives_a_later_earliest_date_in_alsace_moselle_around_saint_etienne():
    # Wednesday 24 December 2025: Friday the 26th is a holiday in Alsace-Moselle only.
    today = date(2025, 12, 24)
    assert earliest_delivery_date(today=today, mode="standard", postcode="75001") == (
        date(2026, 1, 2)
    )
    assert earliest_delivery_date(today=today, mode="standard", postcode="67000") == (
        date(2026, 1, 5)
    )
    assert earliest_delivery_date(
        today=today, mode="express", electronic=True, postcode="57000"
    ) == date(2025, 12, 30)


def test_it_refuses_an_unknown_transport_mode_for_paper():
    with pytest.raises(ValueError, match="TransportMode"):
        earliest_delivery_date(today=MONDAY_23_NOVEMBER_2026, mode=None)


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (date(2026, 11, 22), date(2027, 2, 22)),
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2026, 10, 31), date(2027, 1, 31)),
        (date(2026, 12, 31), date(2027, 3, 31)),
        (date(2026, 5, 31), date(2026, 8, 31)),
        (date(2026, 3, 31), date(2026, 6, 30)),
    ],
)
def test_the_horizon_is_three_months_ahead_clamping_the_day(today, latest):
    assert horizon_date(today=today) == latest


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        # Before 1 December, next year's millésime cannot be ordered: 31 December at most.
        (date(2026, 10, 31), date(2026, 12, 31)),
        (date(2026, 11, 30), date(2026, 12, 31)),
        (date(2026, 5, 31), date(2026, 8, 31)),
        (date(2026, 9, 30), date(2026, 12, 30)),
        # From 1 December, the full three months.
        (date(2026, 12, 1), date(2027, 3, 1)),
        (date(2026, 12, 31), date(2027, 3, 31)),
        (date(2027, 11, 30), date(2027, 12, 31)),
        (date(2027, 12, 1), date(2028, 3, 1)),
    ],
)
def test_the_latest_date_stays_in_the_year_until_the_next_millesime_opens(today, latest):
    assert latest_delivery_date(today=today) == latest


# Server-side check


def test_it_accepts_the_earliest_and_the_latest_business_days():
    check_delivery_date(date(2026, 11, 30), today=MONDAY_23_NOVEMBER_2026, mode="standard")
    check_delivery_date(date(2026, 11, 27), today=MONDAY_23_NOVEMBER_2026, mode="express")
    check_delivery_date(
        date(2026, 11, 25), today=MONDAY_23_NOVEMBER_2026, mode=None, electronic=True
    )
    # Thursday 31 December 2026: the last day before the 2027 millésime opens.
    check_delivery_date(date(2026, 12, 31), today=MONDAY_23_NOVEMBER_2026, mode="standard")
    # Monday 1 March 2027, exactly three months after 1 December 2026.
    check_delivery_date(date(2027, 3, 1), today=TUESDAY_1_DECEMBER_2026, mode="standard")


def test_it_refuses_a_delivery_date_on_a_weekend():
    error = _refusal(date(2026, 11, 28))
    assert error.code == "weekend"
    assert error.message == f"Le 28 novembre 2026 est un samedi{NBSP}: choisissez un jour ouvré."
    assert _refusal(date(2026, 11, 21)).message == (
        f"Le 21 novembre 2026 est un samedi{NBSP}: choisissez un jour ouvré."
    )


def test_it_refuses_a_delivery_date_on_a_public_holiday():
    error = _refusal(date(2026, 12, 25))
    assert error.code == "holiday"
    assert error.message == f"Le 25 décembre 2026 est férié (Noël){NBSP}: choisissez un jour ouvré."


def test_it_writes_the_first_of_the_month_as_an_ordinal():
    error = _refusal(date(2026, 5, 1), today=date(2026, 4, 1))
    assert error.message == (
        f"Le 1er mai 2026 est férié (Fête du Travail){NBSP}: choisissez un jour ouvré."
    )


def test_it_refuses_saint_etienne_only_in_alsace_moselle():
    today = date(2025, 11, 24)
    error = _refusal(date(2025, 12, 26), today=today, postcode="68100")
    assert error.message == (
        f"Le 26 décembre 2025 est férié (Saint-Étienne){NBSP}: choisissez un jour ouvré."
    )
    check_delivery_date(date(2025, 12, 26), today=today, mode="standard", postcode="75001")


def test_it_refuses_a_delivery_date_before_the_earliest_one():
    error = _refusal(date(2026, 11, 27))
    assert error.code == "too_early"
    assert error.message == "La livraison la plus proche possible est le 30 novembre 2026."
    assert _refusal(date(2026, 11, 20)).code == "too_early"


def test_it_refuses_a_delivery_date_more_than_three_months_ahead():
    error = _refusal(date(2027, 3, 2), today=TUESDAY_1_DECEMBER_2026)
    assert error.code == "too_late"
    assert error.message == "Choisissez une date au plus tard le 1er mars 2027."


def test_it_refuses_next_year_before_its_millesime_opens_on_1_december():
    error = _refusal(date(2027, 1, 5))
    assert error.code == "too_late"
    assert error.message == (
        f"Le millésime 2027 se commande à partir du 1er décembre 2026{NBSP}: choisissez une "
        "date de livraison au plus tard le 31 décembre 2026."
    )
    # From 1 December, the same day is open.
    check_delivery_date(date(2027, 1, 5), today=TUESDAY_1_DECEMBER_2026, mode="standard")


# Calendar


def test_it_builds_the_months_from_today_to_the_latest_date():
    months = calendar_months(today=MONDAY_23_NOVEMBER_2026, mode="standard")

    assert [month.title for month in months] == ["novembre 2026", "décembre 2026"]
    later = calendar_months(today=TUESDAY_1_DECEMBER_2026, mode="standard")
    assert [month.title for month in later] == [
        "décembre 2026",
        "janvier 2027",
        "février 2027",
        "mars 2027",
    ]
    assert all(len(week) == 7 for month in months for week in month.weeks)
    # 1 November 2026 is a Sunday: six padding cells open the month.
    first_week = months[0].weeks[0]
    assert [cell.date for cell in first_week] == [None] * 6 + [date(2026, 11, 1)]
    assert not any(cell.selectable for cell in first_week)
    # 30 November is a Monday: the last week ends with six padding cells.
    assert [cell.date for cell in months[0].weeks[-1]] == [date(2026, 11, 30)] + [None] * 6


def test_it_marks_why_a_day_cannot_be_chosen():
    cells = _cells(calendar_months(today=MONDAY_23_NOVEMBER_2026, mode="standard"))

    assert cells[date(2026, 11, 28)].reason == "week-end"
    assert cells[date(2026, 11, 1)].reason == "week-end"  # Toussaint, on a Sunday
    assert cells[date(2026, 12, 25)].reason == "férié"
    assert cells[date(2026, 11, 27)].reason == "trop tôt"
    assert cells[date(2026, 11, 2)].reason == "trop tôt"
    assert cells[date(2026, 11, 30)].selectable
    assert cells[date(2026, 11, 30)].reason == ""
    assert cells[date(2026, 12, 31)].selectable
    assert cells[date(2026, 11, 30)].label == "lundi 30 novembre 2026"
    later = _cells(calendar_months(today=TUESDAY_1_DECEMBER_2026, mode="standard"))
    assert later[date(2027, 1, 1)].reason == "férié"
    assert later[date(2027, 3, 2)].reason == "trop tard"
    assert later[date(2027, 3, 1)].selectable


def test_it_offers_the_same_days_as_the_check_accepts():
    today, postcode = date(2025, 12, 10), "57000"
    cells = _cells(calendar_months(today=today, mode="express", postcode=postcode))

    for day, cell in cells.items():
        if day is None:
            continue
        try:
            check_delivery_date(day, today=today, mode="express", postcode=postcode)
        except ValidationError:
            assert not cell.selectable, day
        else:
            assert cell.selectable, day


def test_it_marks_the_selected_day_only_when_it_can_be_chosen():
    selected = _cells(
        calendar_months(today=MONDAY_23_NOVEMBER_2026, mode="standard", selected=date(2026, 12, 2))
    )
    assert [day for day, cell in selected.items() if cell.selected] == [date(2026, 12, 2)]

    on_a_holiday = _cells(
        calendar_months(today=MONDAY_23_NOVEMBER_2026, mode="standard", selected=date(2026, 12, 25))
    )
    assert not any(cell.selected for cell in on_a_holiday.values())


def test_it_renders_the_calendar_as_accessible_radios():
    months = calendar_months(
        today=MONDAY_23_NOVEMBER_2026,
        mode="standard",
        postcode="67000",
        selected=date(2026, 12, 2),
    )
    page = engines["django"].from_string(
        '<form>{% include "cesu_orders/includes/delivery_calendar.html" %}</form>'
    )

    html = page.render({"months": months, "field_name": "delivery_date"})

    assert "INVALID" not in html
    assert "<legend>Date de livraison</legend>" in html
    assert "<caption>novembre 2026</caption>" in html
    assert '<th scope="col"><abbr title="lundi">Lun.</abbr></th>' in html
    assert (
        '<input type="radio" name="delivery_date" id="delivery_date-2026-11-30" value="2026-11-30">'
    ) in html
    assert (
        '<label for="delivery_date-2026-11-30"><span aria-hidden="true">30</span>'
        '<span class="delivery-calendar__hidden">lundi 30 novembre 2026</span></label>'
    ) in html
    assert 'value="2026-12-02" checked>' in html
    assert html.count(" checked") == 1
    # No radio for a weekend, a holiday, a day too early or too late.
    for day in ["2026-11-28", "2026-12-25", "2026-11-27", "2027-02-24"]:
        assert f'value="{day}"' not in html
    assert "vendredi 25 décembre 2026, férié</span>" in html
    assert "samedi 28 novembre 2026, week-end</span>" in html
    assert "aria-describedby" not in html


def test_it_shows_errors_inside_the_calendar_fieldset():
    page = engines["django"].from_string(
        '{% include "cesu_orders/includes/delivery_calendar.html" %}'
    )

    html = page.render(
        {
            "months": calendar_months(today=MONDAY_23_NOVEMBER_2026, mode="express"),
            "field_name": "delivery_date",
            "errors": ["La livraison la plus proche possible est le 27 novembre 2026."],
        }
    )

    assert 'aria-describedby="delivery_date-error"' in html
    assert (
        '<p class="field-error" id="delivery_date-error">'
        "La livraison la plus proche possible est le 27 novembre 2026.</p>"
    ) in html
