"""« Importer des bénéficiaires »: reading files, the rules of each cell, the preview
built by its task with its progress, and the confirmation that writes that preview."""

import csv
import datetime
import io
import time
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Membership, Organization
from cesu_orders.models import Beneficiary, BeneficiaryImport, FaceValue, UsageCategory
from cesu_orders.services import beneficiaries, beneficiary_file
from cesu_orders.services import beneficiary_import as services
from cesu_orders.tasks import purge_beneficiary_imports
from common.uploads import private_storage
from tests.accounts.factories import MembershipFactory
from tests.common.factories import xlsx_bomb, xlsx_shared_strings

IMPORT_URL = reverse("cesu_orders:beneficiary_import")
TEMPLATE_URL = reverse("cesu_orders:beneficiary_import_template")
LIST_URL = reverse("cesu_orders:beneficiary_list")
HEADER = (
    "civilite;nom;prenom;date_naissance;email;matricule;categorie;type_cesu;"
    "valeur_faciale;part_patronale;carnets;titres_par_carnet"
)
HELENE = (
    "Madame;Lefèvre;Hélène;14/07/1985;helene@example.fr;M1;services-domicile;papier;15,00;50 %;2;10"
)
PAUL = "M.;Martin;Paul;1990-01-31;;M2;Garde d’enfants hors domicile;papier;20.00;50,5;1;20"


def csv_file(*lines, encoding="utf-8", delimiter=";", name="import.csv"):
    """A CSV as a spreadsheet exports it; lines are written here with semicolons."""
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(line.split(";") for line in lines)
    return SimpleUploadedFile(name, output.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="import.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def existing(organization, **fields):
    values = {
        "civility": "mme",
        "last_name": "Ancien",
        "first_name": "Nom",
        "usual_usage_category": UsageCategory.objects.get(code="services-domicile"),
        "usual_face_value": Decimal("10.00"),
        "usual_employer_share": Decimal("30"),
        "usual_vouchers_per_booklet": 10,
        **fields,
    }
    return beneficiaries.beneficiary_create(organization=organization, fields=values)


def preview_of(organization, file):
    return services.beneficiary_import_preview(organization=organization, file=file)


def errors_of(preview):
    return {row.line: row.errors for row in preview.in_error}


def checked(organization, file, user=None) -> BeneficiaryImport:
    """An import of `file`, started and checked by its task as the upload would."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = services.beneficiary_import_start(
            organization=organization, user=user, upload=file
        )
    return BeneficiaryImport.objects.get(pk=started.pk)


def write(organization, file):
    return services.beneficiary_import_apply(beneficiary_import=checked(organization, file))


# Reading files


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_it_reads_csv_with_either_separator_and_encoding(org_a, delimiter, encoding):
    paul = PAUL.replace("Garde d’enfants hors domicile", "garde-enfants")
    file = csv_file(HEADER, HELENE, paul, encoding=encoding, delimiter=delimiter)

    preview = preview_of(org_a, file)

    assert errors_of(preview) == {}
    helene, paul = (row.data for row in preview.to_create)
    assert (helene["last_name"], helene["first_name"]) == ("Lefèvre", "Hélène")
    assert helene["usual_employer_share"] == Decimal("50")
    assert helene["usual_booklets"] == 2
    assert paul["civility"] == "m"
    assert paul["usual_employer_share"] == Decimal("50.5")
    assert str(paul["birth_date"]) == "1990-01-31"


def test_it_reads_an_xlsx_sheet_with_dates_numbers_and_percentages(org_a):
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            "Madame",
            "Lefèvre",
            "Hélène",
            datetime.datetime(1985, 7, 14),
            "",
            "M1",
            "services à la personne à domicile",
            "e-CESU",
            15,
            0.5,
            1,
            10,
        ]
    )
    sheet["J2"].number_format = "0%"
    sheet["E2"] = "helene@example.fr"
    output = io.BytesIO()
    workbook.save(output)

    preview = preview_of(org_a, SimpleUploadedFile("f.xlsx", output.getvalue()))

    assert errors_of(preview) == {}
    helene = preview.to_create[0].data
    assert str(helene["birth_date"]) == "1985-07-14"
    assert helene["usual_employer_share"] == Decimal("50")
    assert helene["usual_face_value"] == Decimal("15")
    assert helene["usual_format"] == "electronic"


def test_it_matches_french_headers_whatever_their_case_and_accents_and_field_names(org_a):
    header = (
        "Civilité;NOM;Prénom;Catégorie;Type CESU;Valeur faciale;usual_employer_share;"
        "Titres par carnet"
    )
    file = csv_file(header, "Madame;Lefèvre;Hélène;services-domicile;papier;15;50;10")

    assert len(preview_of(org_a, file).to_create) == 1


def test_it_sorts_rows_into_created_updated_and_in_error(org_a, org_b):
    kept = existing(org_a, employee_number="M1")
    existing(org_b, employee_number="M2")  # another organization's matricule: created
    bad = "Madame;Durand;Anne;;;M3;services-domicile;papier;17;50;1;10"

    preview = preview_of(org_a, csv_file(HEADER, HELENE, PAUL, bad))

    assert [row.line for row in preview.to_update] == [2]
    assert preview.to_update[0].pk == kept.pk
    assert [row.line for row in preview.to_create] == [3]
    assert errors_of(preview) == {
        4: {"valeur_faciale": "Choisissez une valeur faciale proposée au catalogue."}
    }
    kept.refresh_from_db()
    assert kept.last_name == "Ancien"  # nothing written by the preview


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("civilite", "Docteur", "Indiquez Madame ou Monsieur."),
        ("nom", "", "Ce champ est obligatoire."),
        ("date_naissance", "31/02/1985", "Date invalide"),
        ("email", "pas-un-email", "Saisissez une adresse de courriel valide."),
        ("categorie", "jardinage", "Catégorie inconnue"),
        ("type_cesu", "carte", "Indiquez papier ou e-CESU."),
        ("valeur_faciale", "17", "Choisissez une valeur faciale proposée au catalogue."),
        ("valeur_faciale", "quinze", "Saisissez un nombre."),
        ("part_patronale", "120", "La part patronale est un pourcentage entre 0 et 100."),
        ("carnets", "-1", "supérieure ou égale à 0"),
        ("titres_par_carnet", "7", "Choisissez un nombre de titres par carnet proposé."),
    ],
)
def test_it_gives_the_reason_of_each_wrong_cell(org_a, column, value, reason):
    header = HEADER.split(";")
    cells = HELENE.split(";")
    cells[header.index(column)] = value

    preview = preview_of(org_a, csv_file(HEADER, ";".join(cells)))

    (row,) = preview.in_error
    assert list(row.errors) == [column]
    assert reason in row.errors[column]
    assert row.error_cells == [(column, value, row.errors[column])]


def test_it_requires_an_email_for_e_cesu_and_a_free_matricule(org_a):
    existing(org_a, employee_number="M9")
    e_cesu = "Madame;Durand;Anne;;;M3;services-domicile;e-CESU;15;50;1;10"

    preview = preview_of(org_a, csv_file(HEADER, e_cesu, HELENE, HELENE))

    assert errors_of(preview) == {
        2: {"email": "L’adresse e-mail est obligatoire pour les e-CESU."},
        3: {"matricule": "Ce matricule figure sur plusieurs lignes du fichier\u00a0: lignes 3, 4."},
        4: {"matricule": "Ce matricule figure sur plusieurs lignes du fichier\u00a0: lignes 3, 4."},
    }


def test_an_update_keeps_the_values_of_columns_the_file_lacks(org_a):
    kept = existing(org_a, employee_number="M1", city="Lyon", usual_booklets=4)
    header = (
        "civilite;nom;prenom;matricule;categorie;type_cesu;valeur_faciale;part_patronale;"
        "titres_par_carnet"
    )
    file = csv_file(header, "Madame;Lefèvre;Hélène;M1;services-domicile;papier;15;50;10")

    write(org_a, file)

    kept.refresh_from_db()
    assert (kept.last_name, kept.city, kept.usual_booklets) == ("Lefèvre", "Lyon", 4)
    assert kept.sort_name == "lefevre helene"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            HEADER + ";salaire;Poste",
            "Colonnes inconnues\u00a0: «\u00a0salaire\u00a0», «\u00a0Poste\u00a0».",
        ),
        (
            "nom;prenom;civilite;categorie;type_cesu",
            "Colonnes obligatoires manquantes\u00a0: «\u00a0valeur_faciale\u00a0», "
            "«\u00a0part_patronale\u00a0», «\u00a0titres_par_carnet\u00a0».",
        ),
        (HEADER + ";Nom", "Colonnes en double\u00a0: «\u00a0nom\u00a0»."),
    ],
)
def test_it_refuses_unknown_missing_or_repeated_columns_naming_them(org_a, header, message):
    with pytest.raises(services.BeneficiaryImportError) as error:
        preview_of(org_a, csv_file(header, HELENE))

    assert message in str(error.value)
    assert str(error.value).startswith("Le fichier ne peut pas être importé.")


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("vide.csv", b""),
        SimpleUploadedFile("blanc.csv", b"\r\n ;;\r\n"),
        SimpleUploadedFile("entete.csv", (HEADER + "\r\n;;;\r\n").encode()),
        xlsx_file([]),
        xlsx_file([HEADER.split(";")]),
    ],
    ids=["empty", "blank", "header-only", "empty-sheet", "header-only-sheet"],
)
def test_it_refuses_an_empty_file_or_sheet(org_a, file):
    with pytest.raises(services.BeneficiaryImportError, match="Le fichier est vide"):
        preview_of(org_a, file)


def test_it_refuses_a_png_named_csv(org_a):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"

    with pytest.raises(services.BeneficiaryImportError, match="ni un fichier CSV ni un classeur"):
        preview_of(org_a, SimpleUploadedFile("photo.csv", png))


def test_it_refuses_a_zip_that_is_not_a_workbook_and_an_old_xls(org_a):
    with pytest.raises(services.BeneficiaryImportError, match="illisible ou endommagé"):
        preview_of(org_a, SimpleUploadedFile("f.xlsx", b"PK\x03\x04 not really a zip"))
    with pytest.raises(services.BeneficiaryImportError, match=r"\(\.xls\) ne sont pas acceptés"):
        preview_of(org_a, SimpleUploadedFile("f.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))


def test_it_refuses_a_file_over_5_mb(org_a):
    big = (HEADER + "\r\n" + HELENE + "\r\n") + "x" * (5 * 1024 * 1024)

    with pytest.raises(services.BeneficiaryImportError, match="taille maximale de 5\u00a0Mo"):
        preview_of(org_a, SimpleUploadedFile("gros.csv", big.encode()))


def test_it_refuses_a_zip_bomb_workbook_at_once_without_inflating_it(
    client, bob, django_capture_on_commit_callbacks
):
    """A valid .xlsx whose sharedStrings.xml is one 200 MB string, 200 KB zipped: once
    it took openpyxl minutes and gigabytes; now the archive's directory refuses it, in
    the import's task, before anything is inflated."""
    bomb = SimpleUploadedFile("bombe.xlsx", xlsx_bomb(200))
    assert bomb.size < 300 * 1024
    client.force_login(bob)  # a secondary manager may import

    tracemalloc.start()
    started = time.perf_counter()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            uploaded = client.post(IMPORT_URL, {"file": bomb})
        response = client.get(uploaded.url)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Ce fichier est compressé de façon anormale (plus de 100\u00a0fois)\u00a0: il n’est "
        "pas accepté. Enregistrez de nouveau votre tableau depuis votre tableur."
    ]
    assert elapsed < 1
    assert peak < 20 * 1024 * 1024
    assert not Beneficiary.objects.exists()


def test_openpyxl_parses_workbooks_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_a_workbook_with_xml_entities_is_refused_as_unreadable(org_a):
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>'
    )
    workbook = xlsx_shared_strings(lambda strings: strings.write(entities))

    with pytest.raises(services.BeneficiaryImportError, match="illisible ou endommagé"):
        preview_of(org_a, SimpleUploadedFile("f.xlsx", workbook))


def test_apply_refuses_a_preview_with_an_error_row(org_a):
    bad = "Madame;Durand;Anne;;;M3;services-domicile;papier;17;50;1;10"

    with pytest.raises(services.BeneficiaryImportError, match="corrigez-le"):
        write(org_a, csv_file(HEADER, HELENE, bad))
    assert not Beneficiary.objects.exists()


def test_apply_refuses_a_preview_whose_catalogue_values_were_withdrawn_since(org_a):
    beneficiary_import = checked(org_a, csv_file(HEADER, HELENE))
    FaceValue.objects.filter(amount=Decimal("15.00")).update(is_active=False)

    with pytest.raises(services.BeneficiaryImportError, match="Le catalogue a changé"):
        services.beneficiary_import_apply(beneficiary_import=beneficiary_import)
    assert not Beneficiary.objects.exists()


def rows(count, start=0):
    return [
        f"Madame;Nom{n};Prénom;;;X{n:05d};services-domicile;papier;15;50;1;10"
        for n in range(start, start + count)
    ]


def _queries_of_an_import(organization, count) -> tuple[int, int]:
    """The queries of the check (the task) and of the confirmation of `count` rows, half
    of them updating bénéficiaires already there."""
    template = existing(organization, employee_number="X00000")
    Beneficiary.objects.bulk_create(
        Beneficiary(
            organization=organization,
            civility="m",
            last_name=f"Ancien{n}",
            sort_name=f"ancien{n}",
            usual_usage_category=template.usual_usage_category,
            usual_face_value=Decimal("10"),
            usual_employer_share=Decimal("30"),
            usual_vouchers_per_booklet=10,
            employee_number=f"X{n:05d}",
        )
        for n in range(1, count // 2)
    )
    with CaptureQueriesContext(connection) as check:
        beneficiary_import = checked(organization, csv_file(HEADER, *rows(count)))
    with CaptureQueriesContext(connection) as apply:
        created, updated = services.beneficiary_import_apply(beneficiary_import=beneficiary_import)
    assert (created, updated) == (count - count // 2, count // 2)
    return len(check), len(apply)


def test_the_import_costs_the_same_queries_for_20_rows_as_for_2000(org_a, org_b):
    small = _queries_of_an_import(org_a, 20)
    large = _queries_of_an_import(org_b, 2000)

    # Checking reads the file and the catalogue once, whatever the size; writing is one
    # INSERT for the new rows and one for the updated ones on PostgreSQL (SQLite splits
    # them by its parameter limit).
    assert large[0] == small[0] <= 15
    if connection.vendor == "postgresql":
        assert large[1] == small[1] <= 13
    assert Beneficiary.objects.get(employee_number="X01999").sort_name == "nom1999 prenom"


def test_2000_rows_go_from_upload_to_confirmed_in_under_2_seconds(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    file = csv_file(HEADER, *rows(2000))
    started = time.monotonic()

    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(IMPORT_URL, {"file": file})
    preview = client.get(uploaded.url)
    confirmed = client.post(confirm_url(preview))

    elapsed = time.monotonic() - started
    assert confirmed.url == LIST_URL
    assert Beneficiary.objects.count() == 2000
    assert elapsed < 2, f"{elapsed:.2f} s"


def test_the_template_row_imports(org_a):
    file = SimpleUploadedFile("modele.csv", services.beneficiary_import_template().encode())

    preview = preview_of(org_a, file)

    assert errors_of(preview) == {}
    assert len(preview.to_create) == 1


# Views


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Posts a CSV of `lines` and follows to the import's page, its task run as on a
    real commit."""

    def post(*lines, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            uploaded = client.post(IMPORT_URL, {"file": csv_file(*lines, **kwargs)})
        return client.get(uploaded.url)

    return post


def confirm_url(response) -> str:
    beneficiary_import = response.context["beneficiary_import"]
    return reverse("cesu_orders:beneficiary_import_confirm", args=[beneficiary_import.public_id])


def test_the_upload_page_lists_the_columns_and_links_the_template(client, bob):
    client.force_login(bob)

    response = client.get(IMPORT_URL)

    content = response.content.decode()
    assert "Fichier CSV ou Excel (.xlsx)" in content
    assert "Télécharger le modèle" in content
    assert TEMPLATE_URL in content
    assert "<code>titres_par_carnet</code>" in content
    assert "<code>garde-enfants</code>" in content
    assert "data-submit-once" in content


def test_it_previews_then_writes_nothing_until_confirmation(
    client, alice, upload, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    existing(alice.memberships.get().organization, employee_number="M1")

    response = upload(HEADER, HELENE, PAUL)

    content = response.content.decode()
    assert "À créer (1)" in content
    assert "À mettre à jour (1)" in content
    assert "En erreur (0)" in content
    assert "Confirmer l’import" in content
    assert "Madame Lefèvre Hélène" in content
    assert Beneficiary.objects.get().last_name == "Ancien"
    beneficiary_import = BeneficiaryImport.objects.get()
    assert private_storage().exists(beneficiary_import.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(response))

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert Beneficiary.objects.count() == 2
    assert Beneficiary.objects.get(employee_number="M1").last_name == "Lefèvre"
    assert not private_storage().exists(beneficiary_import.file.name)
    beneficiary_import.refresh_from_db()
    assert beneficiary_import.preview == {}  # Personal data: gone once written.
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["1 bénéficiaire créé, 1 mis à jour."]


def test_the_page_shows_the_progress_while_the_task_checks_the_file(client, alice):
    client.force_login(alice)
    # The task is queued on commit: here it has not run yet.
    response = client.post(IMPORT_URL, {"file": csv_file(HEADER, *rows(8))})
    beneficiary_import = BeneficiaryImport.objects.get()
    BeneficiaryImport.objects.filter(pk=beneficiary_import.pk).update(
        status=BeneficiaryImport.Status.CHECKING, rows_checked=2, rows_total=8
    )

    page = client.get(response.url)

    content = page.content.decode()
    assert "Vérification de votre fichier" in content
    assert '<progress id="import-progress-bar" max="100" value="25">' in content
    assert "2 lignes vérifiées sur 8" in content
    assert 'hx-trigger="every 1s"' in content
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in content
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    assert "<h1>" not in fragment.content.decode()
    assert "2 lignes vérifiées sur 8" in fragment.content.decode()

    services.beneficiary_import_check(import_id=beneficiary_import.pk)  # does nothing
    assert BeneficiaryImport.objects.get().status == BeneficiaryImport.Status.CHECKING
    BeneficiaryImport.objects.update(status=BeneficiaryImport.Status.PENDING)
    services.beneficiary_import_check(import_id=beneficiary_import.pk)

    done = client.get(response.url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "À créer (8)" in client.get(response.url).content.decode()


def test_the_preview_shows_each_wrong_cell_and_no_confirm_button(client, bob, upload):
    client.force_login(bob)
    bad = "Madame;Durand;Anne;;;M3;services-domicile;papier;17;50;1;10"

    response = upload(HEADER, HELENE, bad)

    content = response.content.decode()
    assert "En erreur (1)" in content
    assert "Choisissez une valeur faciale proposée au catalogue." in content
    assert "<code>valeur_faciale</code> («&nbsp;17&nbsp;»)" in content
    assert "Confirmer l’import" not in content
    assert "Corrigez le fichier puis importez-le de nouveau." in content
    assert client.post(confirm_url(response)).url == IMPORT_URL
    assert not Beneficiary.objects.exists()


def test_a_big_preview_lists_its_first_rows_and_counts_them_all(client, alice, upload):
    client.force_login(alice)

    response = upload(HEADER, *rows(250))

    content = response.content.decode()
    assert "À créer (250)" in content
    assert "Les 200 premières lignes, sur 250" in content
    assert content.count('<th scope="row" class="number">') == 200


def test_a_refused_file_shows_the_message_next_to_the_field(client, alice, upload):
    client.force_login(alice)

    response = upload(HEADER + ";salaire", HELENE)

    assert response.status_code == 200
    assert "Colonnes inconnues" in response.context["form"].errors["file"][0]
    assert not Beneficiary.objects.exists()
    assert not private_storage().exists(BeneficiaryImport.objects.get().file.name)


def test_a_second_confirmation_does_not_import_twice(client, alice, upload):
    client.force_login(alice)
    response = upload(HEADER, HELENE, PAUL)
    client.post(confirm_url(response))

    second = client.post(confirm_url(response))

    assert second.url == LIST_URL
    assert Beneficiary.objects.count() == 2
    assert [str(m) for m in second.wsgi_request._messages][-1] == "Cet import a déjà été traité."
    assert client.get(response.request["PATH_INFO"]).url == LIST_URL


def test_a_confirmation_racing_another_is_refused(client, alice, upload):
    client.force_login(alice)
    response = upload(HEADER, HELENE)
    # The other request claimed it a moment ago.
    BeneficiaryImport.objects.update(status=BeneficiaryImport.Status.APPLYING)

    client.post(confirm_url(response))

    assert not Beneficiary.objects.exists()


def test_another_organizations_import_is_a_404(client, alice, charlie, upload):
    client.force_login(alice)
    response = upload(HEADER, HELENE)
    client.force_login(charlie)

    assert client.get(response.request["PATH_INFO"]).status_code == 404
    assert client.post(confirm_url(response)).status_code == 404
    assert not Beneficiary.objects.exists()


def test_an_import_started_in_one_organization_writes_nothing_from_another(
    client, alice, org_b, upload
):
    MembershipFactory(user=alice, organization=org_b, role=Membership.Role.PRIMARY)
    client.force_login(alice)
    response = upload(HEADER, HELENE)
    client.post(reverse("organization_switch", args=[org_b.public_id]))

    refused = client.post(confirm_url(response))

    assert refused.status_code == 404
    assert not Beneficiary.objects.exists()


def test_the_template_is_a_semicolon_csv_with_bom(client, bob):
    client.force_login(bob)

    response = client.get(TEMPLATE_URL)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffcivilite;nom;prenom;")
    header, example = content.lstrip("\ufeff").splitlines()
    assert len(header.split(";")) == len(example.split(";")) == 16
    assert "Hélène" in example


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL])
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "/compte/connexion/" in response.url


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL])
def test_a_domiciliataire_member_gets_403(client, db, url):
    membership = MembershipFactory(
        organization__kind=Organization.Kind.PROVIDER, role=Membership.Role.ADMIN
    )
    client.force_login(membership.user)

    response = client.get(url)

    assert response.status_code == 403


def test_it_refuses_a_file_with_more_rows_than_one_import_handles(org_a, monkeypatch):
    monkeypatch.setattr(beneficiary_file, "MAX_ROWS", 3)
    file = csv_file(HEADER, *[HELENE.replace("M1", f"M{n}") for n in range(4)])
    with pytest.raises(services.BeneficiaryImportError, match="découpez-le en plusieurs imports"):
        preview_of(org_a, file)
    assert not Beneficiary.objects.exists()


def test_it_reads_only_the_expected_columns_of_a_sheet_that_declares_a_huge_size(org_a):
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER.split(";"), HELENE.split(";")]:
        sheet.append(row)
    sheet["XFD3"] = "bruit"  # the sheet now declares 16,384 columns
    output = io.BytesIO()
    workbook.save(output)
    started = time.monotonic()
    preview = preview_of(org_a, SimpleUploadedFile("grand.xlsx", output.getvalue()))
    assert time.monotonic() - started < 2
    assert len(preview.to_create) == 1


def test_a_cell_too_long_for_the_csv_reader_gets_a_clear_message(org_a):
    huge = '"' + "x" * (200 * 1024) + '"'
    file = SimpleUploadedFile("long.csv", f"{HEADER}\n{huge};a;b\n".encode())
    with pytest.raises(services.BeneficiaryImportError, match="ni un fichier CSV ni un classeur"):
        preview_of(org_a, file)


def test_imports_are_purged_with_their_files_after_a_day(org_a):
    storage = private_storage()
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)):
        old = checked(org_a, csv_file(HEADER, HELENE))
    recent = checked(org_a, csv_file(HEADER, PAUL))

    assert purge_beneficiary_imports() == 1
    assert not storage.exists(old.file.name)
    assert storage.exists(recent.file.name)
    assert list(BeneficiaryImport.objects.all()) == [recent]
