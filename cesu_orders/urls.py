from django.urls import path

from .views import (
    beneficiaries,
    beneficiary_import,
    documents,
    help,
    home,
    managers,
    order_history,
    order_recap,
    order_table,
    registration,
)

app_name = "cesu_orders"

urlpatterns = [
    path("", home.home, name="home"),
    path("beneficiaires/", beneficiaries.beneficiary_list, name="beneficiary_list"),
    path("beneficiaires/ajouter/", beneficiaries.beneficiary_create, name="beneficiary_create"),
    path(
        "beneficiaires/<uuid:public_id>/modifier/",
        beneficiaries.beneficiary_update,
        name="beneficiary_update",
    ),
    path(
        "beneficiaires/<uuid:public_id>/archiver/",
        beneficiaries.beneficiary_archive,
        name="beneficiary_archive",
    ),
    path(
        "beneficiaires/<uuid:public_id>/restaurer/",
        beneficiaries.beneficiary_restore,
        name="beneficiary_restore",
    ),
    path("beneficiaires/importer/", beneficiary_import.import_upload, name="beneficiary_import"),
    path(
        "beneficiaires/importer/<uuid:public_id>/",
        beneficiary_import.import_status,
        name="beneficiary_import_status",
    ),
    path(
        "beneficiaires/importer/<uuid:public_id>/confirmer/",
        beneficiary_import.import_confirm,
        name="beneficiary_import_confirm",
    ),
    path(
        "beneficiaires/importer/modele.csv",
        beneficiary_import.import_template,
        name="beneficiary_import_template",
    ),
    path("commandes/", order_history.order_list, name="order_list"),
    path("commandes/nouvelle/", order_table.order_table, name="order_table"),
    path("commandes/nouvelle/calendrier/", order_table.order_calendar, name="order_calendar"),
    path("commandes/recapitulatif/", order_recap.order_recap, name="order_recap"),
    path("commandes/<uuid:public_id>/", order_history.order_detail, name="order_detail"),
    path(
        "commandes/<uuid:public_id>/recapitulatif.pdf",
        order_history.order_recap_pdf,
        name="order_recap_pdf",
    ),
    path(
        "commandes/<uuid:public_id>/lignes.csv",
        order_history.order_lines_csv,
        name="order_lines_csv",
    ),
    path(
        "commandes/<uuid:public_id>/lignes.xlsx",
        order_history.order_lines_xlsx,
        name="order_lines_xlsx",
    ),
    path("factures/<uuid:public_id>/", order_history.invoice_download, name="invoice_download"),
    path("cgv/", order_recap.terms_of_sale, name="terms_of_sale"),
    path("documents/", documents.document_list, name="document_list"),
    path(
        "documents/<uuid:public_id>/telecharger/",
        documents.document_download,
        name="document_download",
    ),
    path("aide/", help.help_request, name="help"),
    path(
        "aide/<uuid:public_id>/piece-jointe/",
        help.help_attachment,
        name="help_attachment",
    ),
    path("inscription/", registration.registration, name="registration"),
    path("inscription/envoyee/", registration.registration_done, name="registration_done"),
    path("gestionnaires/", managers.manager_list, name="manager_list"),
    path("gestionnaires/ajouter/", managers.manager_create, name="manager_create"),
    path("gestionnaires/coordonnees/", managers.profile_edit, name="profile_edit"),
    path(
        "gestionnaires/<uuid:public_id>/desactiver/",
        managers.manager_deactivate,
        name="manager_deactivate",
    ),
    path(
        "gestionnaires/<uuid:public_id>/reactiver/",
        managers.manager_reactivate,
        name="manager_reactivate",
    ),
]
