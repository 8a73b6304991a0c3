from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from common.admin import ReadOnlyTabularInline
from common.files import file_response
from common.money import format_euros
from common.uploads import validate_upload

from .carriers import Carrier
from .exports import csv_response, order_export_rows
from .models import (
    Beneficiary,
    BookletSize,
    DeliveryAddress,
    Document,
    ExemptionCeiling,
    FaceValue,
    Funder,
    HelpRequest,
    Invoice,
    NewsItem,
    Order,
    OrderEvent,
    OrderStatus,
    RegistrationRequest,
    ServiceFees,
    TermsOfSale,
    UsageCategory,
    Vintage,
)
from .selectors import order_groups
from .services.orders import (
    OrderRefused,
    order_cancel,
    order_mark_delivered,
    order_mark_manufactured,
    order_mark_shipped,
)
from .services.registration import RegistrationError, registration_approve, registration_reject

NBSP = "\u00a0"


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "client_reference", "siret", "billing_city", "contact_email"]
    search_fields = ["legal_name", "client_reference", "siret", "contact_email"]
    autocomplete_fields = ["organization"]


@admin.register(DeliveryAddress)
class DeliveryAddressAdmin(admin.ModelAdmin):
    list_display = ["label", "organization", "postcode", "city"]
    search_fields = ["label", "organization__name", "city"]
    autocomplete_fields = ["organization"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Issued invoices are read-only and never deleted: a credit note cancels one."""

    list_display = ["number", "kind", "organization", "issue_date", "amount_incl_tax"]
    search_fields = ["number", "organization__name"]
    list_filter = ["kind", "issue_date"]
    list_select_related = ["organization"]
    readonly_fields = [
        "number",
        "kind",
        "organization",
        "order",
        "credited_invoice",
        "issue_date",
        "amount_excl_tax",
        "vat_amount",
        "amount_incl_tax",
        "pdf",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vintage)
class VintageAdmin(admin.ModelAdmin):
    list_display = ["year", "valid_until"]


@admin.register(ServiceFees)
class ServiceFeesAdmin(admin.ModelAdmin):
    list_display = [
        "valid_from",
        "per_order",
        "per_booklet",
        "per_electronic_credit",
        "standard_transport",
        "express_transport",
        "vat_rate",
    ]


@admin.register(ExemptionCeiling)
class ExemptionCeilingAdmin(admin.ModelAdmin):
    list_display = ["year", "amount"]


@admin.register(TermsOfSale)
class TermsOfSaleAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "created_by"]
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(admin.ModelAdmin):
    """Staff review the requests that did not match (« sous 12 heures ») and decide: an
    e-mail other than the financeur's contact address on file is checked with the
    financeur before approval. Requests a later accepted one made moot are « Remplacée »."""

    list_display = [
        "client_reference",
        "invoice_number",
        "invoice_amount",
        "last_name",
        "first_name",
        "email",
        "contact_email_on_file",
        "status",
        "reason",
        "created_at",
    ]
    list_select_related = ["funder"]
    list_filter = ["status", "reason"]
    search_fields = ["client_reference", "invoice_number", "email", "last_name"]
    readonly_fields = [
        field.name for field in RegistrationRequest._meta.fields if field.name != "id"
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="e-mail de contact du dossier")
    def contact_email_on_file(self, registration) -> str:
        return registration.funder.contact_email if registration.funder else ""

    @admin.action(description="Accepter et créer le gestionnaire")
    def approve(self, request, queryset):
        self._decide(request, queryset, registration_approve, "acceptée")

    @admin.action(description="Refuser")
    def reject(self, request, queryset):
        self._decide(request, queryset, registration_reject, "refusée")

    def _decide(self, request, queryset, service, outcome: str) -> None:
        for registration in queryset:
            try:
                service(request=registration, reviewed_by=request.user)
            except RegistrationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Demande de {registration.client_reference} {outcome}.")


@admin.register(UsageCategory)
class UsageCategoryAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(FaceValue)
class FaceValueAdmin(admin.ModelAdmin):
    list_display = ["amount", "is_active"]
    list_editable = ["is_active"]


@admin.register(BookletSize)
class BookletSizeAdmin(admin.ModelAdmin):
    list_display = ["vouchers", "is_active"]
    list_editable = ["is_active"]


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "organization", "employee_number", "archived_at"]
    list_filter = ["usual_format", "usual_usage_category"]
    search_fields = ["sort_name", "employee_number", "email", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["sort_name", "archived_at"]

    def has_delete_permission(self, request, obj=None):
        # A bénéficiaire is archived, never deleted: past orders keep pointing at it.
        return False


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "category", "description", "file", "published_at"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, UploadedFile):  # A new upload, not the file already stored.
            validate_upload(file, kinds=("pdf",))
        return file


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["title", "category", "published_at"]
    list_filter = ["category"]
    search_fields = ["title"]


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "user", "subject"]
    list_filter = ["subject"]
    search_fields = ["organization__name", "user__username", "message"]
    list_select_related = ["organization", "user"]
    readonly_fields = [
        "organization",
        "user",
        "subject",
        "message",
        "attachment_download",
        "created_at",
    ]
    exclude = ["attachment"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="pièce jointe")
    def attachment_download(self, obj):
        if not obj.attachment:
            return "—"
        url = reverse("admin:cesu_orders_helprequest_attachment", args=[obj.pk])
        return format_html('<a href="{}">Télécharger</a>', url)

    def get_urls(self):
        download = self.admin_site.admin_view(self.attachment_view)
        return [
            path(
                "<int:pk>/piece-jointe/",
                download,
                name="cesu_orders_helprequest_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, pk):
        """Private files have no URL: staff download them through this view."""
        help_request = get_object_or_404(HelpRequest, pk=pk)
        if not self.has_view_permission(request, help_request) or not help_request.attachment:
            raise Http404
        name = PurePath(help_request.attachment.name).name
        return file_response(help_request.attachment, filename=name)


# Back office of the orders: every move goes through the order services.


class OrderEventInline(ReadOnlyTabularInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


class OrderInvoiceInline(ReadOnlyTabularInline):
    model = Invoice
    fk_name = "order"
    fields = ["number", "kind", "issue_date", "amount_incl_tax"]


class ManufacturedForm(forms.Form):
    delivery_date = forms.DateField(
        label="Date de livraison", widget=forms.DateInput(attrs={"type": "date"})
    )


class ShippedForm(forms.Form):
    carrier = forms.ChoiceField(label="Transporteur", choices=Carrier.choices)
    tracking_number = forms.CharField(label="Numéro de suivi du transporteur", max_length=60)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif d'annulation (envoyé au financeur)", widget=forms.Textarea, max_length=2000
    )


# transition → (button label, form or None, service call)
ORDER_STEPS = {
    OrderStatus.MANUFACTURED: (
        "Marquer fabriquée",
        ManufacturedForm,
        lambda order, user, data: order_mark_manufactured(
            order=order, actor=user, delivery_date=data["delivery_date"]
        ),
    ),
    OrderStatus.SHIPPED: (
        "Marquer expédiée",
        ShippedForm,
        lambda order, user, data: order_mark_shipped(
            order=order,
            actor=user,
            tracking_number=data["tracking_number"],
            carrier=data["carrier"],
        ),
    ),
    OrderStatus.DELIVERED: (
        "Marquer livrée",
        None,
        lambda order, user, data: order_mark_delivered(order=order, actor=user),
    ),
    OrderStatus.CANCELLED: (
        "Annuler la commande",
        CancelForm,
        lambda order, user, data: order_cancel(order=order, actor=user, reason=data["reason"]),
    ),
}


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "organization",
        "client_reference",
        "created_at",
        "status",
        "delivery_date",
        "planned_delivery_date",
        "total_to_pay",
    ]
    list_filter = ["status", "transport_mode", "created_at"]
    search_fields = ["number", "client_reference", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"
    inlines = [OrderEventInline, OrderInvoiceInline]
    actions = ["export_csv", "mark_delivered"]
    change_form_template = "admin/cesu_orders/order/change_form.html"
    exclude = ["terms"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.fields if f.name != "terms"] + ["groups"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="titres par catégorie et type")
    def groups(self, obj):
        items = format_html_join(
            "",
            "<li>{}, {}\u00a0: {} titres, {}</li>",
            (
                (g.category, g.voucher_format, g.vouchers, format_euros(g.face_total))
                for g in order_groups(obj)
            ),
        )
        return format_html("<ul>{}</ul>", items)

    def get_urls(self):
        step = self.admin_site.admin_view(self.step_view)
        return [
            path("<int:pk>/etape/<str:status>/", step, name="cesu_orders_order_step"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["order_steps"] = [
                (reverse("admin:cesu_orders_order_step", args=[obj.pk, status]), label)
                for status, (label, _, _) in ORDER_STEPS.items()
                if obj.may_move_to(status)
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def step_view(self, request, pk, status):
        """One move of the order state machine, with its form (date, tracking number,
        reason) when it needs one."""
        order = get_object_or_404(Order, pk=pk)
        if status not in ORDER_STEPS or not self.has_change_permission(request, order):
            raise Http404
        label, form_class, service = ORDER_STEPS[status]
        form = form_class(request.POST or None) if form_class else None
        change_url = reverse("admin:cesu_orders_order_change", args=[order.pk])
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                service(order, request.user, form.cleaned_data if form else {})
            except OrderRefused as refused:
                self.message_user(request, " ".join(refused.messages), messages.ERROR)
            else:
                self.message_user(request, f"Commande {order.number}{NBSP}: {label.lower()}.")
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label} – {order.number}",
            "order": order,
            "form": form,
            "label": label,
            "change_url": change_url,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cesu_orders/order/step.html", context)

    @admin.action(description="Marquer livrées", permissions=["change"])
    def mark_delivered(self, request, queryset):
        for order in queryset:
            try:
                order_mark_delivered(order=order, actor=request.user)
            except OrderRefused as refused:
                self.message_user(request, " ".join(refused.messages), messages.ERROR)
            else:
                self.message_user(request, f"Commande {order.number} livrée.")

    @admin.action(description="Exporter les lignes en CSV (chaîne de fabrication)")
    def export_csv(self, request, queryset):
        return csv_response(order_export_rows(queryset), filename="commandes-cesu.csv")


# The yearly obligations' documents and background work, read-only.
from . import admin_yearly  # noqa: E402, F401
