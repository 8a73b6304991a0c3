"""« Importer des bénéficiaires », for the financeur's managers (primary and secondary):
upload and preview, then confirmation of the same file, kept meanwhile in the private
storage and named in the session."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.views import show_error

from .. import selectors
from ..access import funder_manager_required
from ..forms.beneficiary_file import COLUMNS
from ..forms.beneficiary_import import BeneficiaryImportForm
from ..services import beneficiary_import as services

SESSION_KEY = "cesu_beneficiary_import"
ALREADY_DONE = "Cet import a déjà été traité."


@funder_manager_required
def import_upload(request):
    form = BeneficiaryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = services.beneficiary_import_preview(
                organization=request.organization, file=upload
            )
        except services.BeneficiaryImportError as error:
            show_error(error, form=form)
        else:
            token = "" if preview.in_error else _remember(request, upload)
            return render(
                request, "cesu_orders/import_preview.html", {"preview": preview, "token": token}
            )
    context = {
        "form": form,
        "columns": COLUMNS,
        "categories": selectors.active_usage_categories(),
    }
    return render(request, "cesu_orders/import_upload.html", context)


@require_POST
@funder_manager_required
def import_confirm(request):
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY) or {}
    if not token or pending.get("token") != token:
        if services.beneficiary_import_is_claimed(token=token):
            return _refuse(request, ALREADY_DONE, messages.INFO)
        return _refuse(request, services.STALE)
    if pending["organization"] != str(request.organization.public_id):
        return _refuse(request, services.STALE)
    if not services.beneficiary_import_claim(token=token):
        return _refuse(request, ALREADY_DONE, messages.INFO)
    del request.session[SESSION_KEY]
    try:
        file = services.beneficiary_import_load(name=pending["name"], sha256=pending["sha256"])
        preview = services.beneficiary_import_preview(organization=request.organization, file=file)
        created, updated = services.beneficiary_import_apply(
            organization=request.organization, preview=preview
        )
    except services.BeneficiaryImportError as error:
        show_error(error, request=request)
        return redirect("cesu_orders:beneficiary_import")
    finally:
        services.beneficiary_import_discard(name=pending["name"])
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


def _remember(request, upload) -> str:
    """Keeps the file until the confirmation; a newer upload replaces an older one."""
    _forget(request)
    stored = services.beneficiary_import_store(file=upload)
    request.session[SESSION_KEY] = {
        "token": stored.token,
        "name": stored.name,
        "sha256": stored.sha256,
        "organization": str(request.organization.public_id),
    }
    return stored.token


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        services.beneficiary_import_discard(name=pending["name"])


def _refuse(request, message: str, level: int = messages.ERROR):
    messages.add_message(request, level, message)
    if level == messages.INFO:
        return redirect("cesu_orders:beneficiary_list")
    return redirect("cesu_orders:beneficiary_import")


def _summary(created: int, updated: int) -> str:
    plural = "s" if created > 1 else ""
    return f"{created} bénéficiaire{plural} créé{plural}, {updated} mis à jour."
