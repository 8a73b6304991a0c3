"""« Importer un fichier de paie », for the financeur's managers (primary and secondary):
the upload from the order table, the page of one import (the progress of its check, then
its preview: the cart lines, the unknown employees, the lines in error), the confirmation
that fills the cart, and the template (CSV or XLSX: the financeur's first bénéficiaires
with their usual order, a sample file to import as is). The page of an import is the
bénéficiaire import's (views/beneficiary_import.py)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.views import show_error

from .. import selectors
from ..access import beneficiary_import_for, funder_manager_required
from ..forms.beneficiary_import import PayrollImportForm
from ..models import BeneficiaryImport
from ..services import payroll_import as services
from ..services.beneficiary_file import BeneficiaryImportError
from ..services.beneficiary_import import ImportAlreadyDone
from .beneficiary_import import SHOWN_ROWS, import_status_response

BACK = {"url_name": "cesu_orders:order_table", "label": "Commander"}
PAYROLL = BeneficiaryImport.Kind.PAYROLL
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@funder_manager_required
def payroll_upload(request):
    form = PayrollImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        payroll_import = services.payroll_import_start(
            organization=request.organization, user=request.user, upload=form.cleaned_data["file"]
        )
        return redirect("cesu_orders:payroll_import_status", payroll_import.public_id)
    return _upload_page(request, form)


def _upload_page(request, form):
    context = {
        "form": form,
        "columns": services.COLUMNS,
        "categories": selectors.active_usage_categories(),
    }
    return render(request, "cesu_orders/payroll_upload.html", context)


@funder_manager_required
def payroll_status(request, public_id):
    payroll_import = beneficiary_import_for(request, public_id, kind=PAYROLL)
    return import_status_response(
        request,
        payroll_import,
        back=BACK,
        refused=lambda form: _upload_page(request, form),
        form_class=PayrollImportForm,
        preview=lambda: render(
            request,
            "cesu_orders/payroll_preview.html",
            {
                "payroll_import": payroll_import,
                "preview": services.payroll_preview_summary(payroll_import, shown=SHOWN_ROWS),
            },
        ),
    )


@require_POST
@funder_manager_required
def payroll_confirm(request, public_id):
    payroll_import = beneficiary_import_for(request, public_id, kind=PAYROLL)
    try:
        ordered = services.payroll_import_apply(payroll_import=payroll_import, user=request.user)
    except ImportAlreadyDone as done:
        messages.info(request, str(done))
        return redirect("cesu_orders:order_table")
    except BeneficiaryImportError as error:
        show_error(error, request=request)
        return redirect("cesu_orders:payroll_import")
    plural = "s" if ordered > 1 else ""
    messages.success(
        request,
        f"{ordered} ligne{plural} du fichier de paie ajoutée{plural} au panier. Vérifiez-les, "
        "choisissez la livraison puis cliquez sur «\u00a0Commander\u00a0».",
    )
    return redirect("cesu_orders:order_table")


@funder_manager_required
def payroll_template(request, extension):
    if extension == "xlsx":
        response = HttpResponse(services.payroll_template_xlsx(request.organization), XLSX)
    else:
        response = HttpResponse(
            services.payroll_template_csv(request.organization),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="modele-fichier-de-paie.{extension}"'
    return response
