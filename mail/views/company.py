"""For the company, at /courrier/: « Mon courrier » (unread first, search), each item
with its scans and the requests « Numériser le contenu », « Réexpédier », « Je viens le
chercher », « Détruire », and each contract's mail preferences."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.views import show_error

from ..access import company_item_for, company_mailbox_for
from ..forms.company import ForwardRequestForm, PreferencesForm, ProxyCodeForm, SearchForm
from ..selectors import company_contracts, company_items, item_scans
from ..services.items import (
    mail_item_open,
    mail_request_collect,
    mail_request_destroy,
    mail_request_forward,
    mail_request_scan,
    mailbox_of,
    mailbox_update,
)
from ..services.proxy import proxy_request_code, proxy_sign

PER_PAGE = 50


def inbox(request):
    """« Mon courrier »."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    contracts = company_contracts(request.user)
    for contract in contracts:
        mailbox_of(contract)
    page = Paginator(company_items(request.user, query=query), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mail/company/inbox.html",
        {"form": form, "page": page, "contracts": contracts, "query": query},
    )


def _item_page(request, item, *, forward_form=None, status=200):
    context = {
        "item": item,
        "scans": item_scans(item),
        "mailbox": item.contract.mailbox,
        "forward_form": forward_form or ForwardRequestForm(),
    }
    return render(request, "mail/company/item.html", context, status=status)


def item(request, public_id):
    """One item: opening it marks it read."""
    mail_item = company_item_for(request, public_id)
    mail_item_open(item=mail_item, user=request.user)
    return _item_page(request, mail_item)


REQUESTS = {
    "numeriser": (mail_request_scan, "Numérisation du contenu demandée."),
    "retrait": (mail_request_collect, "Retrait noté\u00a0: le courrier vous attend."),
    "detruire": (mail_request_destroy, "Destruction demandée."),
}


@require_POST
def item_request(request, public_id, action):
    """« Numériser le contenu », « Je viens le chercher », « Détruire »."""
    mail_item = company_item_for(request, public_id)
    if action not in REQUESTS:
        return redirect("mail:item", public_id=mail_item.public_id)
    service, done = REQUESTS[action]
    try:
        service(item=mail_item, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, done)
    return redirect("mail:item", public_id=mail_item.public_id)


@require_POST
def item_forward(request, public_id):
    """« Réexpédier », to the address on file or another."""
    mail_item = company_item_for(request, public_id)
    form = ForwardRequestForm(request.POST)
    if form.is_valid():
        try:
            mail_request_forward(item=mail_item, actor=request.user,
                                 address=form.cleaned_data["address"])  # fmt: skip
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Réexpédition demandée.")
            return redirect("mail:item", public_id=mail_item.public_id)
    return _item_page(request, mail_item, forward_form=form, status=400)


def preferences(request, public_id):
    """A contract's standing choices: alerts, forwarding, address."""
    mailbox = company_mailbox_for(request, public_id)
    form = PreferencesForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            mailbox_update(mailbox=mailbox, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(error, form=form)
        else:
            messages.success(request, "Préférences enregistrées.")
            return redirect("mail:inbox")
    status = 400 if request.method == "POST" else 200
    return render(request, "mail/company/preferences.html", {"form": form, "mailbox": mailbox},
                  status=status)  # fmt: skip


def _proxy_page(request, mailbox, form=None, *, status=200):
    return render(
        request,
        "mail/company/proxy.html",
        {"mailbox": mailbox, "form": form or ProxyCodeForm(),
         "code_sent": mailbox.proxy_codes.filter(used_at__isnull=True).exists()},
        status=status,
    )  # fmt: skip


def proxy(request, public_id):
    """« Procuration postale »: its text, and its signature with a code sent by SMS."""
    mailbox = company_mailbox_for(request, public_id)
    if request.method == "POST":
        form = ProxyCodeForm(request.POST)
        if form.is_valid():
            try:
                proxy_sign(mailbox=mailbox, user=request.user, code=form.cleaned_data["code"],
                           ip_address=request.META.get("REMOTE_ADDR"))  # fmt: skip
            except DomainError as error:
                show_error(error, form=form)
            else:
                messages.success(request, "Procuration postale signée.")
                return redirect("mail:inbox")
        return _proxy_page(request, mailbox, form, status=400)
    return _proxy_page(request, mailbox)


@require_POST
def proxy_code(request, public_id):
    """Sends the code by SMS."""
    mailbox = company_mailbox_for(request, public_id)
    try:
        proxy_request_code(mailbox=mailbox, user=request.user,
                           ip_address=request.META.get("REMOTE_ADDR"))  # fmt: skip
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, "Un code vous a été envoyé par SMS.")
    return redirect("mail:proxy", public_id=public_id)
