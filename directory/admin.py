from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .forms.profile import RefusalForm
from .models import Department, Provider, ProviderCentre, Region
from .services.profiles import ReviewError, provider_approve, provider_refuse


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "slug"]
    readonly_fields = ["code", "name", "slug"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    readonly_fields = ["code", "name", "region"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CentreInline(admin.TabularInline):
    model = ProviderCentre
    fields = ["name", "address", "postcode", "city", "department"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """Staff approve or refuse the profiles that providers submit."""

    list_display = [
        "__str__",
        "siren",
        "approval_number",
        "approval_prefecture",
        "approval_expires_on",
        "status",
        "is_listed",
        "submitted_at",
    ]
    list_filter = ["status", "is_listed"]
    search_fields = ["legal_name", "trade_name", "siren", "approval_number", "slug"]
    readonly_fields = [
        "organization",
        "status",
        "is_listed",
        "published_legal_name",
        "published_siren",
        "published_approval_number",
        "published_trade_name",
        "published_approval_date",
        "published_approval_prefecture",
        "approval_expires_on",
        "approval_alerted_6m_at",
        "approval_alerted_1m_at",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "refusal_reason",
    ]
    inlines = [CentreInline]
    actions = ["approve"]
    change_form_template = "admin/directory/provider/change_form.html"

    def has_add_permission(self, request):
        return False

    @admin.action(description="Valider les fiches sélectionnées", permissions=["change"])
    def approve(self, request, queryset):
        for provider in queryset:
            try:
                provider_approve(provider=provider, reviewer=request.user)
            except ReviewError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Fiche «\u00a0{provider}\u00a0» validée.")

    def get_urls(self):
        refuse = self.admin_site.admin_view(self.refuse_view)
        return [
            path("<int:pk>/refuser/", refuse, name="directory_provider_refuse"),
            *super().get_urls(),
        ]

    def refuse_view(self, request, pk):
        provider = get_object_or_404(Provider, pk=pk)
        if not self.has_change_permission(request, provider):
            raise PermissionDenied
        change_url = reverse("admin:directory_provider_change", args=[pk])
        form = RefusalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                provider_refuse(
                    provider=provider, reviewer=request.user, reason=form.cleaned_data["reason"]
                )
            except ReviewError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Fiche «\u00a0{provider}\u00a0» refusée.")
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refuser la fiche «\u00a0{provider}\u00a0»",
            "form": form,
            "change_url": change_url,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/directory/provider/refuse.html", context)
