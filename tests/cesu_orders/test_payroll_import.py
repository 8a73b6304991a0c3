"""« Importer un fichier de paie »: matching the employees, the rules of each cell, repeated
lines, files refused as a whole, the preview built by the task, the confirmation that
fills the cart, permissions and the template."""

import csv
import datetime
import io
import string
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cesu_orders.models import Beneficiary, BeneficiaryImport, Cart, CartLine, UsageCategory
from cesu_orders.services import beneficiary_file
from cesu_orders.services import payroll_import as services
from cesu_orders.services.beneficiary_file import BeneficiaryImportError
from tests.cesu_orders.factories import (
    BeneficiaryFactory,
    delivery_to,
    funder_ready,
    line,
    save_cart,
)
from tests.common.factories import xlsx_bomb

UPLOAD_URL = reverse("cesu_orders:payroll_import")
CSV_TEMPLATE_URL = reverse("cesu_orders:payroll_import_template")
XLSX_TEMPLATE_URL = reverse("cesu_orders:payroll_import_template_xlsx")
TABLE_URL = reverse("cesu_orders:order_table")
HEADER = "matricule;nom;prenom;date_naissance;categorie;type_cesu;carnets;montant"


def csv_file(*lines, name="paie.csv"):
    output = io.StringIO()
    csv.writer(output, delimiter=";").writerows(line.split(";") for line in lines)
    return SimpleUploadedFile(name, output.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, name="paie.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


@pytest.fixture
def staff(org_a):
    """Three bénéficiaires of A: Hélène (M1, born 14/07/1985), Paul (M2, no e-mail) and
    Léa (no matricule, born 02/03/1990)."""
    helene = BeneficiaryFactory(
        organization=org_a, last_name="Lefèvre", first_name="Hélène", employee_number="M1",
        birth_date="1985-07-14",
    )  # fmt: skip
    paul = BeneficiaryFactory(
        organization=org_a, last_name="Martin", first_name="Paul", employee_number="M2", email=""
    )
    lea = BeneficiaryFactory(
        organization=org_a, last_name="Durand", first_name="Léa", birth_date="1990-03-02"
    )
    return helene, paul, lea


def preview_of(organization, *lines):
    return services.payroll_import_preview(organization=organization, file=csv_file(*lines))


def errors_of(preview):
    return {row.line: row.errors for row in preview.in_error}


# Matching the employees


def test_it_finds_employees_by_matricule_or_by_name_and_birth_date(org_a, staff):
    helene, paul, lea = staff

    preview = preview_of(
        org_a,
        HEADER,
        "M1;;;;;;2;",
        "M2;;;;garde-enfants;papier;;300",
        ";DURAND;;02/03/1990;;;1;",
    )

    assert errors_of(preview) == {}
    assert [(row.line, row.pk) for row in preview.lines] == [
        (2, helene.pk),
        (3, paul.pk),
        (4, lea.pk),
    ]
    assert preview.lines[0].data["booklets"] == 2
    assert preview.lines[0].data["face_value"] == Decimal("15.00")  # her usual value
    garde = UsageCategory.objects.get(code="garde-enfants")
    # 300 € in booklets of 10 vouchers of 15 €: 2 booklets
    assert preview.lines[1].data["usage_category_id"] == garde.pk
    assert preview.lines[1].data["booklets"] == 2


def test_it_lists_unknown_employees_and_creates_nobody(org_a, staff):
    preview = preview_of(
        org_a, HEADER, "M9;Inconnu;Jean;;;;1;", ";Durand;;01/01/2000;;;1;", "M1;;;;;;1;"
    )

    assert [(row.line, row.errors) for row in preview.unknown] == [
        (2, {"matricule": services.UNKNOWN_NUMBER}),
        (3, {"nom": services.UNKNOWN_NAME}),
    ]
    assert len(preview.lines) == 1
    assert Beneficiary.objects.filter(organization=org_a).count() == 3


def test_it_asks_for_the_first_name_of_homonyms(org_a, staff):
    BeneficiaryFactory(
        organization=org_a, last_name="Durand", first_name="Marc", birth_date="1990-03-02"
    )

    preview = preview_of(org_a, HEADER, ";Durand;;02/03/1990;;;1;", ";Durand;Léa;02/03/1990;;;1;")

    assert errors_of(preview) == {2: {"prenom": services.HOMONYMS}}
    assert preview.lines[0].pk == staff[2].pk


def test_an_archived_beneficiary_is_unknown(org_a, staff):
    staff[0].archived_at = "2026-01-01T00:00:00Z"
    staff[0].save()

    assert len(preview_of(org_a, HEADER, "M1;;;;;;1;").unknown) == 1


# The cells


def test_each_wrong_cell_gets_its_french_reason(org_a, staff):
    preview = preview_of(
        org_a,
        HEADER + ";valeur_faciale;titres_par_carnet;part_patronale",
        "M1;;;;bricolage;carton;deux;;15;10;50",
        "M1;;;;;;;155;;;",
        "M1;;;;;;1;300;;;",
        "M2;;;;;e-CESU;1;;;;",
        "M1;;;;garde-enfants;;101;;14;7;150",
        ";;;;;;1;;;;",
        ";Durand;;31/02/1990;;;1;;;;",
        "M1;;;;garde-enfants;e-CESU;;;;;",
    )

    assert errors_of(preview) == {
        2: {
            "categorie": "Catégorie inconnue\u00a0: indiquez le code ou le libellé d’une "
            "catégorie proposée.",
            "type_cesu": "Indiquez papier ou e-CESU.",
            "carnets": "Saisissez un nombre entier.",
        },
        3: {
            "montant": "Le montant doit être un nombre entier de carnets de 150,00\u00a0€ "
            "(10\u00a0titres de 15,00\u00a0€)."
        },
        4: {
            "montant": "Le montant ne correspond pas aux 1\u00a0carnets de la ligne "
            "(150,00\u00a0€)."
        },
        5: {"type_cesu": services.NO_EMAIL},
        6: {
            "carnets": "Le nombre de carnets est un nombre entier de 0 à 100.",
            "valeur_faciale": "Choisissez une valeur faciale proposée.",
            "titres_par_carnet": "Choisissez un nombre de titres par carnet proposé.",
            "part_patronale": "La part patronale est un pourcentage de 0 à 100.",
        },
        7: {"ligne": services.WHO},
        8: {
            "date_naissance": "Date invalide\u00a0: écrivez-la JJ/MM/AAAA, par exemple 14/07/1985."
        },
        9: {"carnets": services.QUANTITY},
    }
    assert preview.lines == []


def test_it_refuses_cells_that_a_spreadsheet_would_run_as_formulas(org_a, staff):
    preview = preview_of(org_a, HEADER, '=HYPERLINK("http://x");;;;;;1;', "M1;;;;@SUM(A1);;1;")

    assert errors_of(preview) == {
        2: {"matricule": beneficiary_file.FORMULA},
        3: {"categorie": beneficiary_file.FORMULA},
    }
    assert preview.unknown == []


def test_a_negative_number_is_not_a_formula(org_a, staff):
    preview = preview_of(org_a, HEADER, "M1;;;;;;-1;")

    assert errors_of(preview) == {
        2: {"carnets": "Saisissez un nombre entier."},
    }


def test_repeated_lines_of_an_employee_are_refused_together(org_a, staff):
    preview = preview_of(
        org_a,
        HEADER,
        "M1;;;;;;1;",
        "M2;;;;;;1;",
        "M1;;;;services-domicile;papier;2;",
        "M1;;;;garde-enfants;papier;1;",  # another category: a line of its own
    )

    repeated = (
        "Ce salarié figure sur plusieurs lignes pour la même catégorie et le même type de "
        "CESU\u00a0: lignes 2, 4. Regroupez-les."
    )
    assert errors_of(preview) == {2: {"matricule": repeated}, 4: {"matricule": repeated}}
    assert [row.line for row in preview.lines] == [3, 5]


def test_it_reads_an_xlsx_with_numbers_and_dates(org_a, staff):
    file = xlsx_file(
        [
            ["Matricule", "Nom", "Date_Naissance", "Montant"],
            ["M1", None, None, 300],
            [None, "Durand", datetime.date(1990, 3, 2), 150.0],
        ]
    )

    preview = services.payroll_import_preview(organization=org_a, file=file)

    assert errors_of(preview) == {}
    assert [row.data["booklets"] for row in preview.lines] == [2, 1]


# Files refused as a whole


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom;prenom\nDurand;Lea\n", "Colonnes obligatoires manquantes\u00a0: «\u00a0carnets ou "),
        (b"matricule;carnets;salaire\nM1;1;2000\n", "Colonnes inconnues\u00a0: «\u00a0salaire"),
        (b"matricule;carnets\n", "Le fichier est vide"),
        (b"%PDF-1.4\x00\x01\x02", "ni un fichier CSV ni un classeur Excel"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Excel 97-2003"),
        (b"PK\x03\x04 not a zip", "illisible ou endommagé"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_payroll_file(org_a, staff, content, message):
    with pytest.raises(BeneficiaryImportError, match=message):
        services.payroll_import_preview(
            organization=org_a, file=SimpleUploadedFile("paie.csv", content)
        )


def test_it_refuses_an_oversized_file(org_a):
    big = SimpleUploadedFile("paie.csv", b"matricule;carnets\n" + b"M1;1\n" * 1_100_000)

    with pytest.raises(BeneficiaryImportError, match="taille maximale de 5\u00a0Mo"):
        services.payroll_import_preview(organization=org_a, file=big)


def test_it_refuses_a_zip_bomb_without_inflating_it(org_a):
    with pytest.raises(BeneficiaryImportError, match="compressé de façon anormale"):
        services.payroll_import_preview(
            organization=org_a, file=SimpleUploadedFile("paie.xlsx", xlsx_bomb(50))
        )


CELL = st.text(alphabet=string.printable + "éèàç€\u00a0", max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=1, max_size=5))
def test_any_grid_of_cells_is_sorted_or_refused_with_a_french_message(org_a, staff, rows):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(HEADER.split(";"))
    writer.writerows(rows)
    file = SimpleUploadedFile("paie.csv", output.getvalue().encode())

    try:
        preview = services.payroll_import_preview(organization=org_a, file=file)
    except BeneficiaryImportError as refused:
        message = refused.messages[0]
    else:
        message = None
    if message is not None:
        assert message[:1].isupper()
        return
    assert preview.total == len([row for row in rows if any(cell.strip() for cell in row)])
    for row in preview.in_error + preview.unknown:
        assert row.errors
        assert all(message[:1].isupper() for message in row.errors.values())


# Views


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Posts a payroll file and follows to its page, its task run as on a real commit."""

    def post(file):
        with django_capture_on_commit_callbacks(execute=True):
            uploaded = client.post(UPLOAD_URL, {"file": file})
        assert uploaded.status_code == 302
        return client.get(uploaded.url)

    return post


def confirm_url(response) -> str:
    payroll_import = response.context["payroll_import"]
    return reverse("cesu_orders:payroll_import_confirm", args=[payroll_import.public_id])


def test_the_order_table_links_the_payroll_import(client, alice, staff):
    client.force_login(alice)

    assert UPLOAD_URL in client.get(TABLE_URL).content.decode()
    page = client.get(UPLOAD_URL).content.decode()
    assert "Importer un fichier de paie" in page
    assert CSV_TEMPLATE_URL in page
    assert XLSX_TEMPLATE_URL in page
    assert "<code>montant</code>" in page


def test_a_secondary_manager_previews_then_fills_the_cart(client, bob, staff, upload):
    helene, paul, lea = staff
    client.force_login(bob)

    page = upload(csv_file(HEADER, "M1;;;;;;2;", ";Durand;Léa;02/03/1990;garde-enfants;;;150"))

    content = page.content.decode()
    assert "Lignes à mettre au panier&nbsp;: 2" in content
    assert "Lefèvre Hélène" in content
    assert "3 carnets" in content
    assert CartLine.objects.count() == 0  # nothing before the confirmation

    confirmed = client.post(confirm_url(page))

    assert confirmed.status_code == 302
    assert confirmed.url == TABLE_URL
    cart = Cart.objects.get(organization=helene.organization)
    assert cart.updated_by == bob
    lines = list(cart.lines.values_list("beneficiary", "booklets", "usage_category__code"))
    assert lines == [(helene.pk, 2, "services-domicile"), (lea.pk, 1, "garde-enfants")]
    table = client.get(TABLE_URL).content.decode()
    assert "2 lignes du fichier de paie ajoutées au panier" in table
    assert BeneficiaryImport.objects.get().status == BeneficiaryImport.Status.DONE


def test_the_preview_lists_unknown_employees_and_cells_in_error_and_cannot_be_confirmed(
    client, alice, staff, upload
):
    client.force_login(alice)

    page = upload(csv_file(HEADER, "M9;Inconnu;Jean;;;;1;", "M1;;;;;;abc;"))

    content = page.content.decode()
    assert "1 salarié inconnu, 1 ligne en erreur" in content
    assert services.UNKNOWN_NUMBER in content
    assert "<code>carnets</code> («&nbsp;abc&nbsp;»)&nbsp;: " in content
    assert "Mettre au panier" not in content

    refused = client.post(confirm_url(page), follow=True)

    assert services.IN_ERROR in refused.content.decode()
    assert CartLine.objects.count() == 0


def test_a_refused_file_shows_its_reason_on_the_upload_page(client, alice, staff, upload):
    client.force_login(alice)

    page = upload(SimpleUploadedFile("paie.xlsx", xlsx_bomb(50)))

    assert "compressé de façon anormale" in page.content.decode()
    assert page.context["form"].errors["file"]
    assert not Cart.objects.exists()


def test_confirming_replaces_the_cart_lines_and_keeps_the_delivery(
    client, alice, staff, upload, org_a
):
    helene, paul, lea = staff
    address = funder_ready(org_a)
    save_cart(org_a, alice, [line(paul, booklets=3)], delivery_to(address))
    client.force_login(alice)

    page = upload(csv_file(HEADER, "M1;;;;;;1;"))
    assert "Votre panier contient 1 ligne&nbsp;: elle sera remplacée" in page.content.decode()
    client.post(confirm_url(page))

    cart = Cart.objects.get(organization=org_a)
    assert list(cart.lines.values_list("beneficiary", flat=True)) == [helene.pk]
    assert cart.delivery_address == address


def test_a_second_confirmation_changes_nothing(client, alice, staff, upload):
    client.force_login(alice)
    page = upload(csv_file(HEADER, "M1;;;;;;1;"))
    client.post(confirm_url(page))

    again = client.post(confirm_url(page), follow=True)

    assert "Cet import a déjà été traité." in again.content.decode()
    assert CartLine.objects.count() == 1


def test_an_archived_beneficiary_since_the_preview_refuses_the_confirmation(
    client, alice, staff, upload
):
    client.force_login(alice)
    page = upload(csv_file(HEADER, "M1;;;;;;1;"))
    staff[0].archived_at = "2026-01-01T00:00:00Z"
    staff[0].save()

    refused = client.post(confirm_url(page), follow=True)

    assert services.CHANGED in refused.content.decode()
    assert CartLine.objects.count() == 0
    assert BeneficiaryImport.objects.get().status == BeneficiaryImport.Status.READY


def test_another_financeurs_import_is_not_found(client, alice, charlie, staff, upload):
    client.force_login(alice)
    page = upload(csv_file(HEADER, "M1;;;;;;1;"))
    url = confirm_url(page)
    status_url = reverse(
        "cesu_orders:payroll_import_status", args=[page.context["payroll_import"].public_id]
    )
    client.force_login(charlie)

    assert client.get(status_url).status_code == 404
    assert client.post(url).status_code == 404
    assert CartLine.objects.count() == 0


def test_a_beneficiary_import_id_is_not_a_payroll_import(client, alice, org_a):
    other = BeneficiaryImport.objects.create(organization=org_a, file="x.bin")
    client.force_login(alice)

    response = client.get(reverse("cesu_orders:payroll_import_status", args=[other.public_id]))

    assert response.status_code == 404


def test_the_preview_and_the_confirmation_cost_constant_queries(
    client, alice, org_a, upload, django_assert_max_num_queries
):
    people = [
        BeneficiaryFactory(organization=org_a, employee_number=f"E{n:04d}") for n in range(300)
    ]
    client.force_login(alice)
    lines = [f"{p.employee_number};;;;;;1;" for p in people]
    with django_assert_max_num_queries(40):
        page = upload(csv_file(HEADER, *lines))
    assert "Lignes à mettre au panier&nbsp;: 300" in page.content.decode()

    with django_assert_max_num_queries(25):
        client.post(confirm_url(page))

    assert CartLine.objects.count() == 300


# The template


def test_the_csv_template_is_a_sample_of_the_financeurs_usual_order(client, bob, staff, upload):
    client.force_login(bob)

    response = client.get(CSV_TEMPLATE_URL)

    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="modele-fichier-de-paie.csv"'
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [column.name for column in services.COLUMNS]
    assert rows[1][:4] == ["", "Durand", "Léa", "02/03/1990"]
    # imported as is, it fills the cart with the usual order
    page = upload(SimpleUploadedFile("modele.csv", response.content))
    assert page.context["preview"].lines == 3


def test_the_xlsx_template_has_the_columns_as_text(client, alice, staff):
    client.force_login(alice)

    response = client.get(XLSX_TEMPLATE_URL)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [column.name for column in services.COLUMNS]
    assert sheet["A3"].value == "M1"
    assert sheet["A3"].data_type == "s"


def test_without_beneficiaries_the_template_has_the_example_line(org_a):
    rows = services.payroll_template_rows(org_a)

    assert rows[1] == [column.example for column in services.COLUMNS]


def test_2000_lines_go_from_upload_to_the_cart_in_under_10_seconds(client, alice, org_a, upload):
    people = BeneficiaryFactory.create_batch(2000, organization=org_a)
    Beneficiary.objects.filter(pk__in=[p.pk for p in people]).update(
        employee_number=Concat(Value("E"), Cast("pk", CharField()))
    )
    lines = [
        f"E{p.pk};;;;garde-enfants;papier;{'2' if n % 2 else ''};{'' if n % 2 else '300'}"
        for n, p in enumerate(people)
    ]
    client.force_login(alice)
    started = time.monotonic()

    page = upload(csv_file(HEADER, *lines))
    confirmed = client.post(confirm_url(page))

    elapsed = time.monotonic() - started
    assert confirmed.url == TABLE_URL
    assert CartLine.objects.filter(booklets=2).count() == 2000
    print(f"payroll import of 2,000 lines: {elapsed:.2f} s")
    assert elapsed < 10, f"{elapsed:.2f} s"


def test_while_the_task_checks_the_page_shows_its_progress(client, bob, org_a):
    payroll_import = BeneficiaryImport.objects.create(
        organization=org_a,
        kind=BeneficiaryImport.Kind.PAYROLL,
        file="x.bin",
        status=BeneficiaryImport.Status.CHECKING,
        rows_total=2000,
        rows_checked=500,
    )
    url = reverse("cesu_orders:payroll_import_status", args=[payroll_import.public_id])
    client.force_login(bob)

    page = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert f'<a href="{TABLE_URL}">Commander</a> › Importer' in page
    assert "500 lignes vérifiées sur 2" in fragment
    assert "<h1" not in fragment
