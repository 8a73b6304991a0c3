from django.contrib import admin

from common.admin import ReadOnlyTabularInline

from .models import (
    Case,
    CaseDocument,
    CaseEvent,
    ClientFile,
    ContractTemplate,
    Invoice,
    Payment,
    ProofType,
    Signature,
)


@admin.register(ProofType)
class ProofTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "requirement", "position", "is_active"]
    list_editable = ["position", "is_active"]


class CaseEventInline(ReadOnlyTabularInline):
    model = CaseEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ["created_at", "method", "status", "amount", "reference", "confirmed_at"]


class SignatureInline(ReadOnlyTabularInline):
    model = Signature
    fields = ["party", "signer_name", "signed_at", "ip_address", "document_sha256"]


class CaseDocumentInline(ReadOnlyTabularInline):
    model = CaseDocument
    fields = ["kind", "sha256", "created_at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "provider", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["client_file__company_name", "provider__legal_name"]
    list_select_related = ["client_file", "provider"]
    # A case moves only through its services (locks, events, e-mails): staff read it here.
    readonly_fields = [
        "client_file",
        "provider",
        "centre",
        "status",
        "monthly_price",
        "setup_fee",
        "billing_months",
        "duration_months",
        "decided_at",
        "decided_by",
        "dismissal_reason",
        "payment_due_at",
        "payment_reminders_sent",
        "paid_at",
        "signed_at",
        "contract_starts_on",
    ]
    inlines = [PaymentInline, SignatureInline, CaseDocumentInline, CaseEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(ClientFile)
class ClientFileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "completed_step", "updated_at"]
    search_fields = ["company_name", "rep_last_name", "owner__email"]
    readonly_fields = ["owner", "origin_provider", "origin_centre"]
    exclude = ["preselected"]

    def has_add_permission(self, request):
        return False


@admin.register(ContractTemplate)
class ContractTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Issued invoices are kept as they are: staff read them."""

    list_display = ["number", "provider", "issue_date", "amount_incl_tax"]
    list_select_related = ["provider"]
    search_fields = ["number", "provider__legal_name", "case__client_file__company_name"]
    readonly_fields = [field.name for field in Invoice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
