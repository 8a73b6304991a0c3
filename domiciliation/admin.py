from django.contrib import admin

from common.admin import ReadOnlyTabularInline

from .models import (
    Case,
    CaseDocument,
    CaseEvent,
    ClientFile,
    Contract,
    ContractEvent,
    ContractTemplate,
    CreditNote,
    GreffeNotice,
    Invoice,
    InvoiceEvent,
    Payment,
    ProofType,
    SavedPaymentMethod,
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


class InvoiceEventInline(ReadOnlyTabularInline):
    model = InvoiceEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Issued invoices are kept as they are: staff read them."""

    list_display = ["number", "provider", "kind", "status", "issue_date", "amount_incl_tax"]
    list_filter = ["kind", "status"]
    list_select_related = ["provider"]
    search_fields = ["number", "provider__legal_name", "case__client_file__company_name"]
    readonly_fields = [field.name for field in Invoice._meta.fields]
    inlines = [InvoiceEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that move only through their services (locks, events, e-mails): staff read
    them here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContractEventInline(ReadOnlyTabularInline):
    model = ContractEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


class SavedPaymentMethodInline(ReadOnlyTabularInline):
    model = SavedPaymentMethod
    fields = ["created_at", "gateway", "kind", "label", "is_active"]


@admin.register(Contract)
class ContractAdmin(_ReadOnlyAdmin):
    list_display = ["number", "company_name", "provider", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    list_select_related = ["provider"]
    search_fields = ["number", "company_name", "siren", "provider__legal_name"]
    inlines = [SavedPaymentMethodInline, ContractEventInline]


@admin.register(CreditNote)
class CreditNoteAdmin(_ReadOnlyAdmin):
    list_display = ["number", "provider", "invoice", "reason", "issue_date", "amount_incl_tax"]
    list_select_related = ["provider", "invoice"]
    search_fields = ["number", "invoice__number", "provider__legal_name"]


@admin.register(GreffeNotice)
class GreffeNoticeAdmin(_ReadOnlyAdmin):
    list_display = ["contract", "kind", "status", "event_date", "sent_on", "channel"]
    list_filter = ["kind", "status"]
    list_select_related = ["contract"]
