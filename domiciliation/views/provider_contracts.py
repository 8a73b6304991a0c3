"""For the domiciliataire's admins and agents, at /domiciliataire/contrats/: « Contrats »
(running, in notice, suspended, ended; filters; monthly recurring revenue over twelve
months), the unpaid invoices, « À signaler au greffe », and each contract's page with
its invoices, payments and timeline. Agents record transfers and greffe notices sent;
admins change the terms, cancel an invoice with a credit note, terminate, and record
refunds made by transfer."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Membership
from common.exceptions import DomainError
from common.files import file_response
from common.uploads import EXTENSIONS
from common.views import show_error

from ..access import (
    admin_required,
    contract_credit_note_for,
    greffe_notice_for,
    member_required,
    provider_contract_for,
)
from ..contract_selectors import (
    contract_counts,
    contract_page,
    contracts_awaiting_registration,
    greffe_due_count,
    greffe_queue,
    monthly_revenue,
    provider_contracts,
    unpaid_invoices,
)
from ..forms.contract import (
    ContractFilterForm,
    GreffeSentForm,
    InvoiceCancelForm,
    InvoiceTransferForm,
    TerminationForm,
    TermsForm,
)
from ..revenue_chart import revenue_chart
from ..services.contracts import contract_change_terms, contract_recorded_refusal
from ..services.credit_notes import credit_note_mark_refunded, invoice_cancel
from ..services.invoice_payments import invoice_record_transfer
from ..services.registration import REMINDER_DAYS
from ..services.termination import contract_terminate, greffe_notice_record_sent

PER_PAGE = 50


@member_required
def contract_list(request):
    """« Contrats »: by company; the counts by status and the revenue chart on top."""
    form = ContractFilterForm(request.GET or None)
    status = query = ""
    unpaid = False
    if form.is_valid():
        status, query = form.cleaned_data["statut"], form.cleaned_data["q"]
        unpaid = form.cleaned_data["impayes"]
    contracts = provider_contracts(request.organization, status=status, query=query,
                                   unpaid=unpaid)  # fmt: skip
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page"))
    revenue = monthly_revenue(request.organization, today=timezone.localdate())
    context = {
        "form": form,
        "page": page,
        "status": status,
        "counts": contract_counts(request.organization),
        "chart": revenue_chart(revenue),
        "greffe_due": greffe_due_count(request.organization),
        "registration_due": contracts_awaiting_registration(request.organization).count(),
    }
    return render(request, "domiciliation/provider/contract_list.html", context)


@member_required
def unpaid_list(request):
    """The invoices of the contracts still to pay, the oldest due first."""
    page = Paginator(unpaid_invoices(request.organization), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "domiciliation/provider/contract_unpaid.html",
        {"page": page, "today": timezone.localdate()},
    )


@member_required
def registration_list(request):
    """« Kbis attendus »: the companies created with this domiciliataire that have not
    sent their Kbis and SIREN yet, oldest signature first."""
    return render(
        request,
        "domiciliation/provider/registration_list.html",
        {
            "contracts": contracts_awaiting_registration(request.organization),
            "reminder_days": REMINDER_DAYS,
        },
    )


@member_required
def contract_kbis(request, public_id):
    """The Kbis a company sent, for the domiciliataire's members."""
    contract = provider_contract_for(request, public_id)
    if not contract.kbis:
        raise Http404
    extension = EXTENSIONS.get(contract.kbis_kind, "bin")
    return file_response(contract.kbis, filename=f"kbis-{contract.number}.{extension}")


@member_required
def greffe(request):
    """« À signaler au greffe »: the notices to send, with their letter; those sent."""
    due, sent = greffe_queue(request.organization)
    today = {"sent_on": timezone.localdate()}
    forms = [
        (notice, GreffeSentForm(prefix=notice.public_id.hex[:8], initial=today)) for notice in due
    ]
    return render(request, "domiciliation/provider/greffe_queue.html", {"due": forms, "sent": sent})


@require_POST
@member_required
def greffe_notice_sent(request, public_id):
    notice = greffe_notice_for(request, public_id)
    form = GreffeSentForm(request.POST, prefix=notice.public_id.hex[:8])
    if form.is_valid():
        try:
            greffe_notice_record_sent(notice=notice, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(error, request=request)
        else:
            messages.success(request, f"L’envoi de l’avis sur {notice.contract} est enregistré.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("domiciliation_provider:greffe")


@member_required
def greffe_notice_pdf(request, public_id):
    notice = greffe_notice_for(request, public_id)
    if not notice.pdf:
        messages.info(request, "La lettre est en préparation\u00a0: réessayez dans un instant.")
        return redirect("domiciliation_provider:greffe")
    return file_response(notice.pdf, filename=f"avis-greffe-{notice.contract.number}.pdf")


def _is_admin(request) -> bool:
    return request.membership.role == Membership.Role.ADMIN


def _detail(request, contract, *, forms=None, status=200):
    page = contract_page(contract, for_provider=True)
    unpaid = page["unpaid"]
    cancellable = [i for i in page["invoices"] if not i.is_cancelled and i.kind != "first"]
    forms = forms or {}
    context = {
        **page,
        "is_admin": _is_admin(request),
        "transfer_form": forms.get("transfer") or InvoiceTransferForm(invoices=unpaid),
        "cancel_form": forms.get("cancel") or InvoiceCancelForm(invoices=cancellable),
        "terms_form": forms.get("terms") or TermsForm(initial=_terms_of(contract)),
        "termination_form": forms.get("termination") or TerminationForm(),
    }
    return render(request, "domiciliation/provider/contract_detail.html", context, status=status)


def _terms_of(contract) -> dict:
    return {
        name: getattr(contract, name)
        for name in ("monthly_price", "mail_scan", "mail_scan_price", "forwarding",
                     "forwarding_price")
    }  # fmt: skip


@member_required
def contract_detail(request, public_id):
    return _detail(request, provider_contract_for(request, public_id))


@require_POST
@member_required
def invoice_transfer(request, public_id):
    """A bank transfer received for one of the contract's unpaid invoices."""
    contract = provider_contract_for(request, public_id)
    form = InvoiceTransferForm(request.POST, invoices=contract.invoices.unpaid())
    if form.is_valid():
        data = form.cleaned_data
        try:
            with contract_recorded_refusal(contract, actor=request.user, attempt="Virement"):
                invoice_record_transfer(
                    invoice=data["invoice"],
                    amount=data["amount"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    actor=request.user,
                )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(
                request, f"Le virement de la facture {data['invoice']} est enregistré."
            )
            return redirect("domiciliation_provider:contract_detail", contract.public_id)
    return _detail(request, contract, forms={"transfer": form}, status=400)


@require_POST
@admin_required
def invoice_cancel_view(request, public_id):
    """« Annuler la facture »: a credit note for what is left of it (refunded if paid)."""
    contract = provider_contract_for(request, public_id)
    invoices = contract.invoices.exclude(status="cancelled").exclude(kind="first")
    form = InvoiceCancelForm(request.POST, invoices=invoices)
    if form.is_valid():
        try:
            credit_note = invoice_cancel(
                invoice=form.cleaned_data["invoice"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, f"Avoir {credit_note.number} émis.")
            return redirect("domiciliation_provider:contract_detail", contract.public_id)
    return _detail(request, contract, forms={"cancel": form}, status=400)


@require_POST
@admin_required
def contract_terms(request, public_id):
    """New price or options: from the next period; an option added is billed now."""
    contract = provider_contract_for(request, public_id)
    form = TermsForm(request.POST)
    if form.is_valid():
        try:
            contract_change_terms(contract=contract, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Les nouvelles conditions sont annoncées au client.")
            return redirect("domiciliation_provider:contract_detail", contract.public_id)
    return _detail(request, contract, forms={"terms": form}, status=400)


@require_POST
@admin_required
def contract_terminate_view(request, public_id):
    contract = provider_contract_for(request, public_id)
    form = TerminationForm(request.POST)
    if form.is_valid():
        try:
            contract_terminate(contract=contract, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "La résiliation est notifiée au client.")
            return redirect("domiciliation_provider:contract_detail", contract.public_id)
    return _detail(request, contract, forms={"termination": form}, status=400)


@require_POST
@admin_required
def credit_note_refunded(request, public_id, credit_note_id):
    """« Remboursement effectué »: the money of a credit note given back by transfer."""
    contract = provider_contract_for(request, public_id)
    credit_note = contract_credit_note_for(contract, credit_note_id)
    try:
        credit_note_mark_refunded(credit_note=credit_note, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, f"Le remboursement de l’avoir {credit_note.number} est noté.")
    return redirect("domiciliation_provider:contract_detail", contract.public_id)
