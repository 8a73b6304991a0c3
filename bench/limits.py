"""The limit of what the machine can do for the big CESU pages, measured by `make bench`
in the same run as the pages themselves: the same rows fetched raw (one SQL query, plain
tuples), turned into the same HTML by bare f-strings, inside the floor's base layout;
and the cart written back by one DELETE and one INSERT. No model, no pricing rule, no
check: what no implementation can beat. A page's « × limit » is its time over this.

Served by bench/urls.py to the logged-in financeur of the bench (bench.settings only)."""

from decimal import Decimal
from html import escape

from django.db import connection
from django.http import HttpResponseRedirect
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from bench.floor import floor_page

ROWS = """
SELECT b.public_id, b.last_name, b.first_name, b.sort_name, b.employee_number,
       COALESCE(l.usage_category_id, b.usual_usage_category_id),
       COALESCE(l.voucher_format, b.usual_format),
       COALESCE(l.booklets, b.usual_booklets),
       COALESCE(l.vouchers_per_booklet, b.usual_vouchers_per_booklet),
       COALESCE(l.face_value, b.usual_face_value),
       COALESCE(l.employer_share, b.usual_employer_share)
FROM cesu_orders_beneficiary b
{join} cesu_orders_cartline l ON l.beneficiary_id = b.id
    AND l.cart_id = (SELECT id FROM cesu_orders_cart WHERE organization_id = %s)
WHERE b.organization_id = %s AND b.archived_at IS NULL
ORDER BY b.sort_name, b.id, l.position
"""


def _rows(request, *, join: str) -> list[tuple]:
    organization = request.organization.pk
    with connection.cursor() as cursor:
        cursor.execute(ROWS.format(join=join), [organization, organization])
        return cursor.fetchall()


def _labels() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, label FROM cesu_orders_usagecategory")
        return dict(cursor.fetchall())


def table(request):
    """The order table's rows (the saved cart, or every bénéficiaire's usual line)."""
    labels = _labels()
    parts = []
    for index, row in enumerate(_rows(request, join="LEFT JOIN")):
        public_id, last, first, search, number, category, kind, booklets, per, face, share = row
        name = escape(f"{last} {first}")
        total = face * booklets * per
        parts.append(
            f'<tr class="order-row order-row--first" data-name="{search}" '
            f'data-beneficiary="{public_id}"><th scope="row">{name} <span class="hint">'
            f'{number}</span><input type="hidden" name="beneficiary" value="{public_id}"></th>'
            f'<td><select name="category" aria-label="Catégorie, '
            f'{name}"><option value="{category}" selected>{labels[category]}</option></select>'
            f'</td><td><select name="format" aria-label="Type de CESU, '
            f'{name}"><option value="{kind}" selected>{kind}</option></select></td>'
            f'<td><input type="number" name="booklets" value="{booklets}" min="0" max="100" '
            f'inputmode="numeric" class="input--narrow" aria-label="Carnets, {name}">'
            f'</td><td><select name="per_booklet" '
            f'aria-label="Titres par carnet, {name}"><option value="{per}" selected>{per}'
            f'</option></select></td><td><select name="face_value" '
            f'aria-label="Valeur faciale, {name}"><option value="{face}" selected>{face} €'
            f'</option></select></td><td><input type="text" name="share" value="{share}" '
            f'inputmode="decimal" class="input--narrow" aria-label="Part patronale en %, '
            f'{name}"></td><td class="number nowrap" data-line-total>{total:.2f} €<br>'
            f'<span class="hint">{total * share / 100:.2f} €</span></td><td class="nowrap">'
            f'<button type="submit" name="add_line" value="{index}" class="button '
            f'button--small button--icon" aria-label="Ajouter une ligne pour {name}">+'
            "</button></td></tr>\n"
        )
    return _page(request, "Limite : tableau de commande", parts)


def recap(request):
    """The recap's rows: the saved cart's lines, a subtotal per bénéficiaire."""
    labels = _labels()
    parts = []
    for row in _rows(request, join="JOIN"):
        _, last, first, _, _, category, kind, booklets, per, face, share = row
        name = escape(f"{last} {first}")
        vouchers = booklets * per
        total = face * vouchers
        employer = total * share / 100
        parts.append(
            f'<tr><th scope="rowgroup" rowspan="2">{name}</th><td>{labels[category]}</td>'
            f'<td>{kind}</td><td class="number">{booklets}</td><td class="number">{per}</td>'
            f'<td class="number nowrap">{face} €</td><td class="number nowrap">{total} €</td>'
            f'<td class="number nowrap">{employer:.2f} € <span class="hint">({share} %)</span>'
            f'</td><td class="number nowrap">{total - employer:.2f} €</td></tr>\n'
            f'<tr class="row--subtotal"><td colspan="5">Total {name} ({vouchers} titres)</td>'
            f'<td class="number nowrap">{total} €</td><td class="number nowrap">{employer:.2f}'
            f' €</td><td class="number nowrap">{total - employer:.2f} €</td></tr>'
        )
    return _page(request, "Limite : récapitulatif", parts)


def _page(request, title: str, parts: list[str]):
    # The values are the bench's own seeded data; names are escaped all the same.
    rows = mark_safe("".join(parts))  # noqa: S308
    return floor_page(request, title=title, body=rows)


@require_POST
def cart_save(request):
    """« Sauvegarder mon panier » as posted by the order table: the lines with at least
    one booklet replace the cart's, in one DELETE and one INSERT."""
    post = request.POST
    columns = [post.getlist(name) for name in (
        "beneficiary", "category", "format", "booklets", "per_booklet", "face_value", "share",
    )]  # fmt: skip
    organization = request.organization.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT public_id::text, id FROM cesu_orders_beneficiary WHERE organization_id = %s",
            [organization],
        )
        ids = dict(cursor.fetchall())
        cursor.execute("SELECT id FROM cesu_orders_cart WHERE organization_id = %s", [organization])
        (cart,) = cursor.fetchone()
        values = [
            (cart, position, ids[public_id], int(category), kind, int(booklets), int(per),
             Decimal(face), Decimal(share))
            for position, (public_id, category, kind, booklets, per, face, share) in enumerate(
                row for row in zip(*columns, strict=True) if row[3] != "0"
            )
        ]  # fmt: skip
        cursor.execute("DELETE FROM cesu_orders_cartline WHERE cart_id = %s", [cart])
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(values))
        insert = (
            "INSERT INTO cesu_orders_cartline (cart_id, position, beneficiary_id, "
            "usage_category_id, voucher_format, booklets, vouchers_per_booklet, face_value, "
            "employer_share) VALUES "
        )
        cursor.execute(insert + placeholders, [value for row in values for value in row])
    return HttpResponseRedirect("/bench/limite/tableau/")
