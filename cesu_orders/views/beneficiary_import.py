"""« Importer des bénéficiaires », for the financeur's managers (primary and secondary):
the upload, the page of one import (its progress while its task checks the file, then
its preview), and the confirmation that writes the preview."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.views import show_error

from .. import selectors
from ..access import beneficiary_import_for, funder_manager_required
from ..forms.beneficiary_import import BeneficiaryImportForm
from ..services import beneficiary_import as services
from ..services.beneficiary_file import COLUMNS

# The rows of each kind the preview lists; the counts say how many there are in all.
SHOWN_ROWS = 200


@funder_manager_required
def import_upload(request):
    form = BeneficiaryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        beneficiary_import = services.beneficiary_import_start(
            organization=request.organization, user=request.user, upload=form.cleaned_data["file"]
        )
        return redirect("cesu_orders:beneficiary_import_status", beneficiary_import.public_id)
    return _upload_page(request, form)


def _upload_page(request, form):
    context = {
        "form": form,
        "columns": COLUMNS,
        "categories": selectors.active_usage_categories(),
    }
    return render(request, "cesu_orders/import_upload.html", context)


BACK = {"url_name": "cesu_orders:beneficiary_list", "label": "Bénéficiaires"}


@funder_manager_required
def import_status(request, public_id):
    beneficiary_import = beneficiary_import_for(request, public_id)
    return import_status_response(
        request,
        beneficiary_import,
        back=BACK,
        refused=lambda form: _upload_page(request, form),
        form_class=BeneficiaryImportForm,
        preview=lambda: render(
            request,
            "cesu_orders/import_preview.html",
            {
                "beneficiary_import": beneficiary_import,
                "preview": services.preview_summary(beneficiary_import, shown=SHOWN_ROWS),
            },
        ),
    )


def import_status_response(request, an_import, *, back, refused, form_class, preview):
    """The page of an import of any kind. While the task checks the file: its progress
    (htmx asks again every second; without JavaScript the page refreshes itself). Then
    `preview()`, or `refused(form)`, the upload page with the reason the file was
    refused; once confirmed, back to `back` (its `url_name`, its `label`)."""
    if an_import.is_checking:
        template = (
            "cesu_orders/includes/import_progress.html"
            if request.htmx
            else "cesu_orders/import_status.html"
        )
        return render(request, template, {"beneficiary_import": an_import, "back": back})
    if request.htmx:  # Checked meanwhile: the whole page changes.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if an_import.is_refused:
        return refused(form_class.refused(an_import.refusal))
    if not an_import.is_ready:
        messages.info(request, services.ALREADY_DONE)
        return redirect(back["url_name"])
    return preview()


@require_POST
@funder_manager_required
def import_confirm(request, public_id):
    beneficiary_import = beneficiary_import_for(request, public_id)
    try:
        created, updated = services.beneficiary_import_apply(beneficiary_import=beneficiary_import)
    except services.ImportAlreadyDone as done:
        messages.info(request, str(done))
        return redirect("cesu_orders:beneficiary_list")
    except services.BeneficiaryImportError as error:
        show_error(error, request=request)
        return redirect("cesu_orders:beneficiary_import")
    messages.success(request, _summary(created, updated))
    return redirect("cesu_orders:beneficiary_list")


@funder_manager_required
def import_template(request):
    # The BOM makes Excel read the accents as UTF-8.
    response = HttpResponse(
        "\ufeff" + services.beneficiary_import_template(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="modele-import-beneficiaires.csv"'
    return response


def _summary(created: int, updated: int) -> str:
    plural = "s" if created > 1 else ""
    return f"{created} bénéficiaire{plural} créé{plural}, {updated} mis à jour."
