"""« Commandes » › « Commander » › the recap, for the financeur's managers (primary and
secondary): the saved cart checked again and priced, the exemption-ceiling warnings,
« Valider la commande » once the terms of sale are ticked, and the terms of sale page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from common.text import parse_count
from common.views import show_error

from .. import selectors
from ..access import funder_manager_required
from ..forms.orders import RecapForm
from ..html_rows import recap_rows
from ..selectors import OrderCatalogue
from ..selectors.accounting import quotes_of_cart
from ..services.cart import CartChanged
from ..services.orders import OrderRefused, order_place
from ..services.recap import cart_review, recap_price

ALREADY_PLACED = (
    "Ce panier a déjà été validé ou modifié entre-temps\u00a0: aucune nouvelle commande n’a "
    "été passée. Vérifiez l’historique des commandes."
)
EMPTY_CART = (
    "Votre panier est vide. Saisissez votre commande puis cliquez sur «\u00a0Commander\u00a0»."
)
PLACED = (
    "Votre commande {number} est enregistrée. Vous recevrez dans quelques minutes un e-mail "
    "vous confirmant sa prise en charge."
)


@funder_manager_required
def order_recap(request):
    organization = request.organization
    today = timezone.localdate()
    catalogue = OrderCatalogue.load(today=today)
    cart = selectors.cart_of(organization)
    review = cart_review(cart=cart, catalogue=catalogue, today=today) if cart else None
    if review is None or review.is_empty:
        if request.method == "POST":  # Validated a moment ago, by this click or another.
            messages.warning(request, ALREADY_PLACED)
            return redirect("cesu_orders:order_list")
        messages.info(request, EMPTY_CART)
        return redirect("cesu_orders:order_table")
    recap = recap_price(
        review=review,
        catalogue=catalogue,
        organization=organization,
        today=today,
        vintage_year=parse_count(request.GET.get("millesime"), max_digits=4),
    )
    form = RecapForm(
        request.POST or None,
        initial={
            "cart_version": cart.version,
            "terms_version": catalogue.terms.version if catalogue.terms else "",
            "vintage_year": recap.vintage.year if recap.vintage else None,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            order = order_place(
                organization=organization,
                user=request.user,
                version=form.cleaned_data["cart_version"],
                terms=selectors.terms_of_sale_version(form.cleaned_data["terms_version"]),
                vintage_year=form.cleaned_data["vintage_year"],
            )
        except CartChanged:
            messages.warning(request, ALREADY_PLACED)
            return redirect("cesu_orders:order_list")
        except OrderRefused as refused:
            show_error(refused, form=form)
            status = 400
        else:
            messages.success(request, PLACED.format(number=order.number))
            return redirect("cesu_orders:order_detail", public_id=order.public_id)
    elif request.method == "POST":
        status = 400
    context = {
        "recap": recap,
        "rows_html": recap_rows(recap.groups),
        "form": form,
        "terms": catalogue.terms,
        "quotes": quotes_of_cart(cart),
    }
    return render(request, "cesu_orders/order_recap.html", context, status=status)


@funder_manager_required
def terms_of_sale(request):
    """The terms of sale in force, linked from the recap."""
    terms = selectors.terms_of_sale_current()
    if terms is None:
        raise Http404
    return render(request, "cesu_orders/terms_of_sale.html", {"terms": terms})
