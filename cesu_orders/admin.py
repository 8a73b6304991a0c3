from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from common.files import file_response
from common.uploads import validate_upload

from .models import (
    Beneficiary,
    BookletSize,
    DeliveryAddress,
    Document,
    FaceValue,
    Funder,
    HelpRequest,
    Invoice,
    NewsItem,
    RegistrationRequest,
    UsageCategory,
)
from .services.registration import RegistrationError, registration_approve, registration_reject


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "client_reference", "siret", "billing_city"]
    search_fields = ["legal_name", "client_reference", "siret"]
    autocomplete_fields = ["organization"]


@admin.register(DeliveryAddress)
class DeliveryAddressAdmin(admin.ModelAdmin):
    list_display = ["label", "organization", "postcode", "city"]
    search_fields = ["label", "organization__name", "city"]
    autocomplete_fields = ["organization"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "organization", "issue_date", "amount_incl_tax"]
    search_fields = ["number", "organization__name"]
    list_filter = ["issue_date"]
    autocomplete_fields = ["organization"]


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
    """Staff review the requests that did not match (« sous 12 heures ») and decide."""

    list_display = [
        "client_reference",
        "invoice_number",
        "last_name",
        "first_name",
        "email",
        "status",
        "reason",
        "created_at",
    ]
    list_filter = ["status", "reason"]
    search_fields = ["client_reference", "invoice_number", "email", "last_name"]
    readonly_fields = [
        field.name for field in RegistrationRequest._meta.fields if field.name != "id"
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

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
