"""The domiciliataire's CSV files, in French spreadsheet conventions (semicolons,
DD/MM/YYYY, a BOM), every text cell safe from formula injection: the lists sent to the
tax office and URSSAF."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse


def cell(text: str) -> str:
    """A text cell a spreadsheet will not run: a leading = + - @ (or tab, CR) is
    neutralised with an apostrophe (CSV formula injection)."""
    text = text or ""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(rows: Iterable[list], *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows(rows)
    return response


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def declaration_csv_rows(period, rows) -> list[list[str]]:
    header = ["Contrat", "Dénomination", "SIREN", "Adresse de domiciliation", "Début"]
    if not period.is_annual:
        header.append("Fin")
    lines = [header]
    for row in rows:
        line = [cell(row.number), cell(row.company_name), cell(row.siren), cell(row.address),
                _date(row.starts_on)]  # fmt: skip
        if not period.is_annual:
            line.append(_date(row.ends_on))
        lines.append(line)
    return lines
