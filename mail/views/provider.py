"""For the domiciliataire's admins and agents, at /domiciliataire/courrier/: « Courrier »
(the queues with their counts, the companies that have not taken their mail), the
morning's entry table, each queue oldest first, and each item's page where the team
attaches scans and records a forwarding, a collection or a destruction."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.exceptions import DomainError
from common.views import show_error
from domiciliation.contract_selectors import greffe_due_count

from ..access import member_required, provider_item_for
from ..forms.entry import CollectionForm, ForwardingForm, ScanForm, entry_formset
from ..models import QUEUES
from ..selectors import (
    item_scans,
    queue_counts,
    queue_items,
    recent_items,
    uncollected_warnings,
)
from ..services.items import (
    MAX_BATCH,
    Entry,
    mail_record_batch,
    mail_record_collection,
    mail_record_destruction,
    mail_record_forwarding,
    mail_scan_attach,
)

PER_PAGE = 50


@member_required
def home(request):
    """« Courrier »: the four queues with their counts, the latest items recorded, and
    the companies that have not taken their mail for 2½ months."""
    counts = queue_counts(request.organization)
    context = {
        "queues": [(slug, label, counts[slug]) for slug, (_, label) in QUEUES.items()],
        "recent": recent_items(request.organization),
        "warnings": uncollected_warnings(request.organization, timezone.localdate()),
        "greffe_due": greffe_due_count(request.organization),
    }
    return render(request, "mail/provider/home.html", context)


def _rows(request) -> int:
    try:
        rows = int(request.GET.get("lignes", 20))
    except ValueError:
        rows = 20
    return max(1, min(rows, MAX_BATCH))


@member_required
def entry(request):
    """The morning's mail: one row per item, saved together; a wrong row refuses the
    batch and says which."""
    if request.method == "POST":
        formset = entry_formset(data=request.POST)
        if formset.is_valid():
            entries = [
                Entry(
                    term=data["term"],
                    kind=data["kind"],
                    sender=data["sender"],
                    received_on=data["received_on"],
                    pages=data.get("pages"),
                    return_to_sender=data.get("return_to_sender", False),
                )
                for form in formset.forms
                if form.has_changed() and (data := form.cleaned_data)
            ]
            try:
                items = mail_record_batch(
                    provider=request.organization.provider, entries=entries, actor=request.user
                )
            except DomainError as error:
                formset.non_form_errors().extend(error.messages)
            else:
                returned = sum(1 for item in items if item.is_returned)
                messages.success(
                    request,
                    f"{len(items)}\u00a0courrier{'s' if len(items) > 1 else ''} enregistré"
                    f"{'s' if len(items) > 1 else ''}"
                    + (f", dont {returned} en retour à l’expéditeur." if returned else "."),
                )
                return redirect("mail_provider:home")
        status = 400
    else:
        formset = entry_formset(rows=_rows(request))
        status = 200
    return render(
        request,
        "mail/provider/entry.html",
        {"formset": formset, "max_batch": MAX_BATCH},
        status=status,
    )


@member_required
def queue(request, slug):
    """One work queue, the oldest item first."""
    if slug not in QUEUES:
        raise Http404
    status, label = QUEUES[slug]
    page = Paginator(queue_items(request.organization, status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    counts = queue_counts(request.organization)
    context = {
        "page": page,
        "label": label,
        "slug": slug,
        "queues": [(s, lab, counts[s]) for s, (_, lab) in QUEUES.items()],
    }
    return render(request, "mail/provider/queue.html", context)


def _item_page(request, item, *, scan_form=None, forwarding_form=None, collection_form=None,
               status=200):  # fmt: skip
    context = {
        "item": item,
        "scans": item_scans(item),
        "events": item.events.select_related("actor"),
        "mailbox": item.contract.mailbox if item.contract else None,
        "scan_form": scan_form or ScanForm(),
        "forwarding_form": forwarding_form
        or ForwardingForm(
            initial={"forwarded_on": timezone.localdate(), "address": item.requested_address}
        ),
        "collection_form": collection_form or CollectionForm(),
    }
    return render(request, "mail/provider/item.html", context, status=status)


def _show(request, error: DomainError, form) -> None:
    """A refusal about a field next to it; about the item (its state) as a page message,
    since the item's page may no longer show the form."""
    show_error(error, form=form if error.field else None, request=request)


@member_required
def item_detail(request, public_id):
    return _item_page(request, provider_item_for(request, public_id))


@require_POST
@member_required
def item_scan(request, public_id):
    item = provider_item_for(request, public_id)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            mail_scan_attach(item=item, side=form.cleaned_data["side"],
                             upload=form.cleaned_data["file"], actor=request.user)  # fmt: skip
        except DomainError as error:
            _show(request, error, form)
        else:
            messages.success(request, "Numérisation enregistrée.")
            return redirect("mail_provider:item", public_id=item.public_id)
    return _item_page(request, item, scan_form=form, status=400)


@require_POST
@member_required
def item_forwarded(request, public_id):
    item = provider_item_for(request, public_id)
    form = ForwardingForm(request.POST)
    if form.is_valid():
        try:
            mail_record_forwarding(item=item, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _show(request, error, form)
        else:
            messages.success(request, "Réexpédition enregistrée.")
            return redirect("mail_provider:item", public_id=item.public_id)
    return _item_page(request, item, forwarding_form=form, status=400)


@require_POST
@member_required
def item_collected(request, public_id):
    item = provider_item_for(request, public_id)
    form = CollectionForm(request.POST)
    if form.is_valid():
        try:
            mail_record_collection(item=item, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _show(request, error, form)
        else:
            messages.success(request, "Retrait enregistré.")
            return redirect("mail_provider:item", public_id=item.public_id)
    return _item_page(request, item, collection_form=form, status=400)


@require_POST
@member_required
def item_destroyed(request, public_id):
    item = provider_item_for(request, public_id)
    try:
        mail_record_destruction(item=item, actor=request.user)
    except DomainError as error:
        show_error(error, request=request)
    else:
        messages.success(request, "Destruction enregistrée.")
    return redirect("mail_provider:item", public_id=item.public_id)
