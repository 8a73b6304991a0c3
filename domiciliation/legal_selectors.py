"""Reads of the domiciliataire's legal obligations: the declarations to the tax office
and URSSAF (their periods, each list's rows built from the contracts, the overdue ones
for the dashboard). Each read is a fixed number of queries, whatever the number of
contracts or periods."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, Q

from accounts.models import Organization

from .declarations import Period, periods_between
from .models import Contract, Declaration


@dataclass(frozen=True)
class DeclarationRow:
    number: str
    company_name: str
    siren: str
    address: str
    starts_on: date | None
    ends_on: date | None

    @property
    def event(self) -> str:
        if self.starts_on and self.ends_on:
            return "Début et fin"
        return "Début" if self.starts_on else ("Fin" if self.ends_on else "Domiciliée")

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "company_name": self.company_name,
            "siren": self.siren,
            "address": self.address,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> "DeclarationRow":
        return cls(
            number=data["number"],
            company_name=data["company_name"],
            siren=data["siren"],
            address=data["address"],
            starts_on=date.fromisoformat(data["starts_on"]) if data["starts_on"] else None,
            ends_on=date.fromisoformat(data["ends_on"]) if data["ends_on"] else None,
        )


def _began(period: Period) -> Q:
    return Q(starts_on__gte=period.start, starts_on__lte=period.end)


def _ended(period: Period) -> Q:
    return Q(ends_on__gte=period.start, ends_on__lte=period.end)


def _domiciled_on(day: date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def period_filter(period: Period) -> Q:
    """The contracts a period's list names: for a quarter, those whose domiciliation
    began or ended in it; for 1 January, those domiciled on that day."""
    if period.is_annual:
        return _domiciled_on(period.start)
    return _began(period) | _ended(period)


def declaration_rows(organization: Organization, period: Period) -> list[DeclarationRow]:
    """The rows of `period`'s list, by company name: one query. For a quarter, the
    start or end date falling in it (both when both do)."""
    contracts = (
        Contract.objects.for_organization(organization)
        .filter(period_filter(period))
        .order_by("company_name", "pk")
        .values_list(
            "number",
            "company_name",
            "siren",
            "starts_on",
            "ends_on",
            "case__centre__address",
            "case__centre__postcode",
            "case__centre__city",
        )
    )
    rows = []
    for number, name, siren, starts_on, ends_on, street, postcode, city in contracts:
        address = f"{street}, {postcode} {city}" if street else ""
        if period.is_annual:
            rows.append(DeclarationRow(number, name, siren, address, starts_on, None))
            continue
        began = period.start <= starts_on <= period.end
        ended = ends_on is not None and period.start <= ends_on <= period.end
        rows.append(
            DeclarationRow(
                number, name, siren, address, starts_on if began else None,
                ends_on if ended else None,
            )
        )  # fmt: skip
    return rows


def declaration_of(organization: Organization, period: Period) -> Declaration | None:
    return (
        Declaration.objects.for_organization(organization)
        .filter(year=period.year, quarter=period.quarter)
        .select_related("sent_by")
        .first()
    )


def sent_rows(declaration: Declaration) -> list[DeclarationRow]:
    """The rows a sent list carried, as frozen when it was marked sent."""
    return [DeclarationRow.from_json(row) for row in declaration.rows]


@dataclass(frozen=True)
class PeriodSummary:
    period: Period
    count: int
    declaration: Declaration | None
    today: date

    @property
    def is_sent(self) -> bool:
        return self.declaration is not None and self.declaration.is_sent

    @property
    def is_overdue(self) -> bool:
        """Not sent after its deadline, with companies to declare."""
        return not self.is_sent and self.count > 0 and self.period.is_overdue(self.today)

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def declaration_periods(organization: Organization, *, today: date) -> list[PeriodSummary]:
    """Every period available since the domiciliataire's first contract (at most six
    years), newest first, with the number of companies each names and its sending:
    three queries."""
    contracts = Contract.objects.for_organization(organization)
    first = contracts.aggregate(first=Min("starts_on"))["first"]
    if first is None:
        return []
    periods = periods_between(first, today)
    counts = contracts.aggregate(
        **{f"p{index}": Count("pk", filter=period_filter(p)) for index, p in enumerate(periods)}
    )
    declarations = {
        (d.year, d.quarter): d
        for d in Declaration.objects.for_organization(organization).select_related("sent_by")
    }
    return [
        PeriodSummary(p, counts[f"p{index}"], declarations.get((p.year, p.quarter)), today)
        for index, p in enumerate(periods)
    ]


def declarations_overdue(organization: Organization, *, today: date) -> list[PeriodSummary]:
    """The lists not sent after their deadline, for the dashboard."""
    return [s for s in declaration_periods(organization, today=today) if s.is_overdue]
