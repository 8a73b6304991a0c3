"""The HTML rows of the two pages that show an order line by line at size: the order
table (« Commander », one row per line, 2,000 bénéficiaires and more) and the recap.

Why rows in Python and not in a template: measured on the order table's 2,000 rows,
Django templates take 21 times the time of bare f-strings (Jinja2 4.7 times); `make bench`
holds these pages against that floor (« × limit »). So each row is one f-string, every
value put in it escaped with `html.escape` (without Django's lazy-string machinery) or
built here from escaped parts; what repeats from row to row (option lists, amounts) is
built once per distinct value. The rest of both pages stays in their templates.

Each select's options are sent once per page: in the compact table (the default), a
row's select holds its chosen option only; the lists are `<template>` elements, one per
select name (`options-<name>`), that static/js/order-table.js copies into a select before
the manager opens it. Without JavaScript the page asks for
the full table (`?complet=1`, see views/order_table.py), where every select carries its
options, as a table without script needs.
"""

from collections.abc import Callable
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from common.money import format_euros
from common.templatetags.formats import percent

from .models import VoucherFormat
from .pricing import LineAmounts
from .selectors import Catalogue
from .services.cart import DraftLine
from .services.recap import RecapGroup

# The order table

# The columns with a select: their name in the form, and the options' source.
SELECTS = ("category", "format", "per_booklet", "face_value")
PLACEHOLDER = '<option value="" selected>—</option>'


def _choices(catalogue: Catalogue) -> dict[str, list[tuple[str, str]]]:
    """(value, label) of each select's options, escaped."""
    return {
        "category": [(str(pk), escape(c.label)) for pk, c in catalogue.categories.items()],
        "format": [(value, escape(label)) for value, label in VoucherFormat.choices],
        "per_booklet": [(str(size), str(size)) for size in catalogue.booklet_sizes],
        "face_value": [(f"{v:.2f}", escape(format_euros(v))) for v in catalogue.face_values],
    }


def _options(choices: list[tuple[str, str]], *, compact: bool) -> Callable[[str], str]:
    """The `<option>`s of one select for a chosen value, built once per value: the chosen
    one only (compact), or all of them. A value not offered shows « — »."""
    labels = dict(choices)
    cache: dict[str, str] = {}

    def build(key: str) -> str:
        if compact:
            if key not in labels:
                return PLACEHOLDER
            return f'<option value="{key}" selected>{labels[key]}</option>'
        options = "".join(
            f'<option value="{value}"{" selected" if value == key else ""}>{label}</option>'
            for value, label in choices
        )
        return options if key in labels else PLACEHOLDER + options

    def options(key: str) -> str:
        found = cache.get(key)
        if found is None:
            found = cache[key] = build(key)
        return found

    return options


def order_table_option_lists(catalogue: Catalogue) -> SafeString:
    """The shared option lists of the compact table, one `<template>` per select."""
    parts = [
        f'<template id="options-{name}">'
        + "".join(f'<option value="{value}">{label}</option>' for value, label in choices)
        + "</template>"
        for name, choices in _choices(catalogue).items()
    ]
    return mark_safe("".join(parts))  # noqa: S308 - values and labels escaped in _choices


def order_table_rows(
    lines: list[DraftLine],
    amounts: list[LineAmounts | None],
    catalogue: Catalogue,
    *,
    compact: bool = True,
) -> SafeString:
    """The `<tr>` of every line of the order table, in order; `amounts` are the lines'
    (None for a line not ordered), from `services.cart.table_prices`."""
    options = {name: _options(c, compact=compact) for name, c in _choices(catalogue).items()}
    category, voucher_format = options["category"], options["format"]
    per_booklet, face_value = options["per_booklet"], options["face_value"]
    euros = _euros()
    counts: dict[int, int] = {}
    for line in lines:
        counts[line.beneficiary.pk] = counts.get(line.beneficiary.pk, 0) + 1
    parts = []
    previous = None
    for index, (line, priced) in enumerate(zip(lines, amounts, strict=True)):
        beneficiary = line.beneficiary
        first = beneficiary.pk != previous
        previous = beneficiary.pk
        name = escape(f"{beneficiary.last_name} {beneficiary.first_name}")
        search = escape(beneficiary.sort_name)
        public_id = str(beneficiary.public_id)
        if first:
            number = beneficiary.employee_number
            header = f'{name} <span class="hint">{escape(number)}</span>' if number else name
        else:
            header = (
                f'<span class="order-row__more">↳ <span class="visually-hidden">{name}, '
                "</span>autre ligne</span>"
            )
        errors = line.errors
        raw = line.raw
        booklets = escape(raw.get("booklets", "0")) if line.booklets is None else str(line.booklets)
        share = (
            escape(raw.get("share", ""))
            if line.employer_share is None
            else f"{line.employer_share.normalize():f}"
        )
        face_key = "" if line.face_value is None else f"{line.face_value:.2f}"
        totals = (
            f'{euros(priced.face_total)}<br><span class="hint">'
            f"{euros(priced.employer_share)}</span>"
            if priced
            else ""
        )
        remove = (
            f' <button type="submit" name="remove_line" value="{index}" class="button '
            f'button--small button--icon button--secondary" aria-label="Retirer cette ligne '
            f'de {name}">−</button>'
            if counts[beneficiary.pk] > 1
            else ""
        )
        parts.append(
            f'<tr class="order-row{" order-row--first" if first else ""}'
            f'{" order-row--error" if errors else ""}" data-name="{search}" '
            f'data-beneficiary="{public_id}"><th scope="row">{header}<input type="hidden" '
            f'name="beneficiary" value="{public_id}"></th>'
            f'<td><select name="category" aria-label="Catégorie, '
            f'{name}">{category(_key(line.usage_category_id))}</select></td>'
            f'<td><select name="format" aria-label="Type de CESU, '
            f'{name}">{voucher_format(line.voucher_format)}</select></td>'
            f'<td><input type="number" name="booklets" value="{booklets}" min="0" max="100" '
            f'inputmode="numeric" class="input--narrow" aria-label="Carnets, {name}">'
            f'</td><td><select name="per_booklet" aria-label="Titres par carnet, {name}">'
            f"{per_booklet(_key(line.vouchers_per_booklet))}</select></td>"
            f'<td><select name="face_value" aria-label="Valeur faciale, {name}">'
            f"{face_value(face_key)}</select>"
            f'</td><td><input type="text" name="share" value="{share}" inputmode="decimal" '
            f'class="input--narrow" aria-label="Part patronale en %, {name}"></td>'
            f'<td class="number nowrap" data-line-total>{totals}</td>'
            f'<td class="nowrap"><button type="submit" name="add_line" value="{index}" '
            f'class="button button--small button--icon" aria-label="Ajouter une ligne pour '
            f'{name}">+</button>{remove}</td></tr>'
        )
        if errors:
            parts.append(
                f'<tr class="order-row__errors" data-name="{search}"><td colspan="9">'
                f'<p class="field-error">{escape(" ".join(errors))}</p></td></tr>'
            )
        parts.append("\n")
    # Every value above is escaped, a number, a UUID, or option HTML built from escaped
    # values (_choices).
    return mark_safe("".join(parts))  # noqa: S308


def _key(value) -> str:
    return "" if value is None else str(value)


def _euros() -> Callable[[Decimal], str]:
    """`format_euros`, once per distinct amount: a big order repeats a few amounts."""
    cache: dict[Decimal, str] = {}

    def euros(amount: Decimal) -> str:
        found = cache.get(amount)
        if found is None:
            found = cache[amount] = format_euros(amount)
        return found

    return euros


# The recap


def recap_rows(groups: list[RecapGroup]) -> SafeString:
    """The recap's lines, per bénéficiaire with a subtotal row. Every value below is
    escaped with html.escape, a number, or a fixed string; the cells that repeat (a
    line's amounts, a subtotal's) are written once per distinct value."""
    euros = _euros()
    line_cells: dict[tuple, str] = {}
    subtotal_cells: dict[tuple, str] = {}
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
            key = (id(amounts), item.category, line.voucher_format, line.booklets,
                   line.vouchers_per_booklet, line.employer_share)  # fmt: skip
            cells = line_cells.get(key)
            if cells is None:
                cells = line_cells[key] = (
                    f"<td>{escape(item.category)}</td><td>{line.format_label}</td>"
                    f'<td class="number">{line.booklets}</td>'
                    f'<td class="number">{line.vouchers_per_booklet}</td>'
                    f'<td class="number nowrap">{euros(amounts.face_value)}</td>'
                    f'<td class="number nowrap">{euros(amounts.face_total)}</td>'
                    f'<td class="number nowrap">{euros(amounts.employer_share)} '
                    f'<span class="hint">({percent(line.employer_share)})</span></td>'
                    f'<td class="number nowrap">{euros(amounts.employee_share)}</td></tr>'
                )
            parts.append(f"<tr{row_class}>{header}{cells}")
        totals = group.totals
        key = (totals.vouchers, totals.face_total, totals.employer_share, totals.employee_share)
        cells = subtotal_cells.get(key)
        if cells is None:
            plural = "s" if totals.vouchers > 1 else ""
            cells = subtotal_cells[key] = (
                f" ({totals.vouchers} titre{plural})</td>"
                f'<td class="number nowrap">{euros(totals.face_total)}</td>'
                f'<td class="number nowrap">{euros(totals.employer_share)}</td>'
                f'<td class="number nowrap">{euros(totals.employee_share)}</td></tr>'
            )
        parts.append(f'<tr class="row--subtotal"><td colspan="5">Total {name}{cells}')
    return mark_safe("\n".join(parts))  # noqa: S308 - every value is escaped above
