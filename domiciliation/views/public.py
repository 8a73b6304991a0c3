"""For everyone (no login): the three guides the directory leads to, « Le contrat
standard de domiciliation » (and its PDF), « Boîte postale virtuelle » and « Créer son
entreprise », and the clauses of a provider's contract, read before « Demander une
offre ». The contract's clauses come from the same template as the generated contracts
(domiciliation/includes/contract_clauses.html)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from directory.models import Provider, Service
from directory.selectors import providers_offering

from ..models import MIN_CONTRACT_MONTHS, BillingPeriod, ClientFile
from ..selectors import provider_contract_template, standard_contract_template
from ..services.documents import standard_contract_pdf

# The mailbox options a visitor may ask an offer for from « Boîte postale virtuelle ».
MAILBOX_SERVICES = (Service.MAIL_SCAN, Service.FORWARDING)


def questionnaire_url(**params) -> str:
    """« Demander une offre » with answers chosen in advance (see views.company.start)."""
    query = urlencode(params, doseq=True)
    return reverse("domiciliation:start") + (f"?{query}" if query else "")


def _standard_template():
    template = standard_contract_template()
    if template is None:
        raise Http404("Aucun contrat standard n’est publié.")
    return template


@login_not_required
@require_GET
def standard_contract(request):
    return render(
        request,
        "domiciliation/public/standard_contract.html",
        {
            "template": _standard_template(),
            "min_months": MIN_CONTRACT_MONTHS,
            "billing_periods": [label.lower() for label in BillingPeriod.labels],
            "questionnaire_url": questionnaire_url(),
        },
    )


@login_not_required
@require_GET
def standard_contract_download(request):
    response = HttpResponse(standard_contract_pdf(_standard_template()), "application/pdf")
    response["Content-Disposition"] = 'inline; filename="contrat-standard-de-domiciliation.pdf"'
    patch_cache_control(response, public=True, max_age=3600)
    return response


@login_not_required
@require_GET
def provider_clauses(request, slug):
    """The clauses of a listed provider's contracts: its own, or the standard ones."""
    provider = get_object_or_404(Provider.objects.listed(), slug=slug)
    template, own = provider_contract_template(provider)
    if template is None:
        raise Http404
    return render(
        request,
        "domiciliation/public/provider_clauses.html",
        {
            "provider": provider,
            "template": template,
            "own": own,
            "questionnaire_url": questionnaire_url(domiciliataire=provider.slug),
        },
    )


@login_not_required
@require_GET
def virtual_mailbox(request):
    options = []
    for service in MAILBOX_SERVICES:
        count, providers = providers_offering(service.value)
        options.append({"service": service, "count": count, "providers": providers})
    return render(
        request,
        "domiciliation/public/virtual_mailbox.html",
        {
            "options": options,
            "mail_handling": ClientFile.MailHandling.choices,
            "questionnaire_url": questionnaire_url(option=[s.value for s in MAILBOX_SERVICES]),
        },
    )


@login_not_required
@require_GET
def company_creation(request):
    return render(
        request,
        "domiciliation/public/company_creation.html",
        {
            "questionnaire_url": questionnaire_url(situation=ClientFile.CompanyStatus.CREATION),
            "creation_label": ClientFile.CompanyStatus.CREATION.label,
        },
    )
