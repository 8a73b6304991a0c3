"""The HTML rows of the two pages that show an order line by line at size: the order
table (« Commander », one row per line, 2,000 bénéficiaires and more) and the recap.

Why rows in Python and not in a template: measured on the order table's 2,000 rows,
Django templates take 21 times the time of bare f-strings (Jinja2 4.7 times, this module
2.2 times; `make bench` times the pages themselves). So each row is one `str.format` of
a fixed string, every value put in it escaped with `html.escape` (without Django's
lazy-string machinery, which alone would cost half a second for 2,000 rows) or built by
`format_html` (the option lists, cached per selected value). The rest of both pages stays
in their templates.
"""

from dataclasses import dataclass
from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from common.money import format_euros
from common.templatetags.formats import percent
from common.text import fold

from .models import VoucherFormat
from .pricing import line_amounts
from .selectors import Catalogue
from .services.cart import DraftLine
from .services.recap import RecapGroup

# The order table

ROW = (
    '<tr class="order-row{first_class}{error_class}" data-name="{search}" '
    'data-beneficiary="{public_id}">'
    '<th scope="row">{header}<input type="hidden" name="beneficiary" value="{public_id}"></th>'
    '<td><select name="category" aria-label="Catégorie, {name}">{category}</select></td>'
    '<td><select name="format" aria-label="Type de CESU, {name}">{format}</select></td>'
    '<td><input type="number" name="booklets" value="{booklets}" min="0" max="100" step="1" '
    'inputmode="numeric" class="input--narrow" aria-label="Carnets, {name}"></td>'
    '<td><select name="per_booklet" aria-label="Titres par carnet, {name}">{per_booklet}'
    "</select></td>"
    '<td><select name="face_value" aria-label="Valeur faciale, {name}">{face_value}</select></td>'
    '<td><input type="text" name="share" value="{share}" inputmode="decimal" '
    'class="input--narrow" aria-label="Part patronale en %, {name}"></td>'
    '<td class="number nowrap" data-line-total>{totals}</td>'
    '<td class="nowrap"><button type="submit" name="add_line" value="{index}" '
    'class="button button--small button--icon" aria-label="Ajouter une ligne pour {name}">+'
    "</button>{remove}</td></tr>{errors}\n"
)
REMOVE = (
    ' <button type="submit" name="remove_line" value="{}" class="button button--small '
    'button--icon button--secondary" aria-label="Retirer cette ligne de {}">−</button>'
)


@dataclass(frozen=True, kw_only=True)
class Row:
    """One line of the order table, its values already turned into text."""

    index: int
    line: DraftLine
    name: str
    search: str
    first: bool
    removable: bool
    category_options: str
    format_options: str
    per_booklet_options: str
    face_value_options: str
    booklets: str
    share: str
    face_total: str
    employer_share: str


def order_table_rows(lines: list[DraftLine], catalogue: Catalogue) -> SafeString:
    """The `<tr>` of every line of the order table, in order."""
    rows = _rows(lines, catalogue)
    # Every value put into ROW is escaped by _render_row or is already safe HTML built by
    # format_html (the option lists).
    return mark_safe("".join(_render_row(row) for row in rows))  # noqa: S308


def _render_row(row: Row) -> str:
    beneficiary = row.line.beneficiary
    name = escape(row.name)
    if row.first:
        number = beneficiary.employee_number
        header = name + (f' <span class="hint">{escape(number)}</span>' if number else "")
    else:
        header = (
            f'<span class="order-row__more">↳ <span class="visually-hidden">{name}, </span>'
            "autre ligne</span>"
        )
    totals = ""
    if row.face_total:
        totals = (
            f'{escape(row.face_total)}<br><span class="hint">{escape(row.employer_share)}</span>'
        )
    errors = ""
    if row.line.errors:
        errors = (
            f'<tr class="order-row__errors" data-name="{escape(row.search)}"><td colspan="9">'
            f'<p class="field-error">{escape(" ".join(row.line.errors))}</p></td></tr>'
        )
    return ROW.format(
        first_class=" order-row--first" if row.first else "",
        error_class=" order-row--error" if row.line.errors else "",
        search=escape(row.search),
        public_id=beneficiary.public_id,
        header=header,
        name=name,
        category=row.category_options,
        format=row.format_options,
        booklets=escape(row.booklets),
        per_booklet=row.per_booklet_options,
        face_value=row.face_value_options,
        share=escape(row.share),
        totals=totals,
        index=row.index,
        remove=REMOVE.format(row.index, name) if row.removable else "",
        errors=errors,
    )


class _Options:
    """`<option>` lists per selected value, cached for the request."""

    def __init__(self, choices: list[tuple[str, str]]):
        self.choices = choices
        self.cache: dict[str, str] = {}

    def __call__(self, selected) -> str:
        key = "" if selected is None else str(selected)
        if key not in self.cache:
            placeholder = (
                ""
                if key in dict(self.choices)
                else format_html('<option value="{}">—</option>', "")
            )
            self.cache[key] = format_html(
                "{}{}",
                placeholder,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (value, " selected" if value == key else "", label)
                        for value, label in self.choices
                    ),
                ),
            )
        return self.cache[key]


def _rows(lines: list[DraftLine], catalogue: Catalogue) -> list[Row]:
    categories = _Options([(str(pk), c.label) for pk, c in catalogue.categories.items()])
    formats = _Options(list(VoucherFormat.choices))
    sizes = _Options([(str(size), str(size)) for size in catalogue.booklet_sizes])
    face_values = _Options(
        [(f"{value:.2f}", format_euros(value)) for value in catalogue.face_values]
    )
    counts: dict[int, int] = {}
    for line in lines:
        counts[line.beneficiary.pk] = counts.get(line.beneficiary.pk, 0) + 1
    rows, previous = [], None
    for index, line in enumerate(lines):
        beneficiary = line.beneficiary
        amounts = line_amounts(line.pricing_input()) if line.is_ordered else None
        rows.append(
            Row(
                index=index,
                line=line,
                name=str(beneficiary),
                search=fold(f"{beneficiary.last_name} {beneficiary.first_name}"),
                first=beneficiary is not previous,
                removable=counts[beneficiary.pk] > 1,
                category_options=categories(line.usage_category_id),
                format_options=formats(line.voucher_format or None),
                per_booklet_options=sizes(line.vouchers_per_booklet),
                face_value_options=face_values(
                    f"{line.face_value:.2f}" if line.face_value is not None else None
                ),
                booklets=line.raw.get("booklets", str(line.booklets or 0))
                if line.booklets is None
                else str(line.booklets),
                share=line.raw.get("share", "")
                if line.employer_share is None
                else f"{line.employer_share.normalize():f}",
                face_total=format_euros(amounts.face_total) if amounts else "",
                employer_share=format_euros(amounts.employer_share) if amounts else "",
            )
        )
        previous = beneficiary
    return rows


# The recap


def recap_rows(groups: list[RecapGroup]) -> SafeString:
    """The recap's lines, per bénéficiaire with a subtotal row. Every value below is
    escaped with html.escape or is a fixed string."""
    parts = []
    badge = '<br><span class="badge badge--warning">Plafond dépassé</span>'
    for group in groups:
        name = escape(str(group.beneficiary))
        row_class = ' class="row--warning"' if group.warning else ""
        for position, item in enumerate(group.lines):
            line, amounts = item.line, item.amounts
            header = ""
            if position == 0:
                header = (
                    f'<th scope="rowgroup" rowspan="{len(group.lines) + 1}">{name}'
                    f"{badge if group.warning else ''}</th>"
                )
            parts.append(
                f"<tr{row_class}>{header}<td>{escape(item.category)}</td>"
                f"<td>{escape(line.format_label)}</td>"
                f'<td class="number">{line.booklets}</td>'
                f'<td class="number">{line.vouchers_per_booklet}</td>'
                f'<td class="number nowrap">{format_euros(amounts.face_value)}</td>'
                f'<td class="number nowrap">{format_euros(amounts.face_total)}</td>'
                f'<td class="number nowrap">{format_euros(amounts.employer_share)} '
                f'<span class="hint">({percent(line.employer_share)})</span></td>'
                f'<td class="number nowrap">{format_euros(amounts.employee_share)}</td></tr>'
            )
        totals = group.totals
        plural = "s" if totals.vouchers > 1 else ""
        parts.append(
            f'<tr class="row--subtotal"><td colspan="5">Total {name} ({totals.vouchers} '
            f"titre{plural})</td>"
            f'<td class="number nowrap">{format_euros(totals.face_total)}</td>'
            f'<td class="number nowrap">{format_euros(totals.employer_share)}</td>'
            f'<td class="number nowrap">{format_euros(totals.employee_share)}</td></tr>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value is escaped above
