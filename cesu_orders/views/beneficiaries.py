"""« Données financeur » › « Bénéficiaires », for the financeur's managers (primary and
secondary): list and search, create (with the look-alikes to confirm), edit, archive and
restore."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from common.views import show_error

from .. import selectors
from ..access import beneficiary_for, funder_manager_required
from ..forms.beneficiaries import BeneficiaryForm, DuplicateConfirmationForm
from ..models import Beneficiary
from ..selectors.yearly import beneficiary_ceiling_use
from ..services import beneficiaries as services

PER_PAGE = 50


def _full_name(beneficiary: Beneficiary) -> str:
    return f"{beneficiary.first_name} {beneficiary.last_name}"


@funder_manager_required
def beneficiary_list(request):
    query = request.GET.get("q", "").strip()
    archived = request.GET.get("archives") == "1"
    beneficiaries = selectors.beneficiary_search(
        organization=request.organization, query=query, archived=archived
    )
    page = Paginator(beneficiaries, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "archived": archived}
    return render(request, "cesu_orders/beneficiary_list.html", context)


@funder_manager_required
def beneficiary_create(request):
    form = BeneficiaryForm(request.POST or None, organization=request.organization)
    confirmation = DuplicateConfirmationForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid() and confirmation.is_valid():
        if not confirmation.cleaned_data["confirmed"]:
            duplicates = _duplicates(request.organization, form.cleaned_data)
        if not duplicates:
            try:
                beneficiary = services.beneficiary_create(
                    organization=request.organization, fields=form.cleaned_data
                )
            except services.BeneficiaryError as error:
                show_error(error, form=form)
            else:
                messages.success(
                    request, f"Le bénéficiaire {_full_name(beneficiary)} a bien été créé."
                )
                return redirect("cesu_orders:beneficiary_list")
    context = {"form": form, "confirmation": confirmation, "duplicates": duplicates}
    return render(request, "cesu_orders/beneficiary_form.html", context)


def _duplicates(organization, cleaned_data) -> list[Beneficiary]:
    return list(
        selectors.beneficiary_duplicates(
            organization=organization,
            last_name=cleaned_data["last_name"],
            first_name=cleaned_data["first_name"],
            birth_date=cleaned_data["birth_date"],
            employee_number=cleaned_data["employee_number"],
        )
    )


@funder_manager_required
def beneficiary_update(request, public_id):
    beneficiary = beneficiary_for(request, public_id)
    form = BeneficiaryForm(
        request.POST or None, instance=beneficiary, organization=request.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(beneficiary=beneficiary, fields=form.cleaned_data)
        except services.BeneficiaryError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request, f"Les informations de {_full_name(beneficiary)} ont été enregistrées."
            )
            return redirect("cesu_orders:beneficiary_list")
    context = {
        "form": form,
        "beneficiary": beneficiary,
        "ceiling_use": beneficiary_ceiling_use(
            beneficiary=beneficiary, year=timezone.localdate().year
        ),
    }
    return render(request, "cesu_orders/beneficiary_form.html", context)


@funder_manager_required
def beneficiary_archive(request, public_id):
    # The tenant check comes first: another financeur's id is a 404 whatever the method.
    beneficiary = beneficiary_for(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.beneficiary_archive(beneficiary=beneficiary)
    messages.success(
        request,
        f"Le bénéficiaire {_full_name(beneficiary)} est archivé\u00a0: il n’apparaîtra plus "
        "dans les nouvelles commandes et reste dans les commandes passées.",
    )
    return redirect("cesu_orders:beneficiary_list")


@funder_manager_required
def beneficiary_restore(request, public_id):
    beneficiary = beneficiary_for(request, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.beneficiary_restore(beneficiary=beneficiary)
    messages.success(
        request,
        f"Le bénéficiaire {_full_name(beneficiary)} est restauré\u00a0: vous pouvez de "
        "nouveau lui commander des CESU.",
    )
    return redirect(f"{reverse('cesu_orders:beneficiary_list')}?archives=1")
