"""The back office of the yearly obligations: attestations, quotes and background work,
for staff to look at (issued documents are never edited nor deleted)."""

from django.contrib import admin

from .models import Attestation, Job, Quote


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued documents and background work: staff look, nobody edits or deletes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ["year", "beneficiary_name", "organization", "employer_share", "sent_at"]
    list_filter = ["year"]
    search_fields = ["beneficiary_name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["kind", "organization", "created_at", "done", "total", "finished_at"]
    list_filter = ["kind"]
    list_select_related = ["organization"]


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "organization", "created_at", "valid_until", "total_to_pay"]
    search_fields = ["number", "organization__name"]
    list_select_related = ["organization"]
    exclude = ["content"]
