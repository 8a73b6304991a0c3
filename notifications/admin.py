from django.contrib import admin, messages
from django.utils.translation import ngettext

from .models import Notification
from .services import notifications_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The log of every outbound message: read-only; staff may only resend a failure."""

    list_display = ["created_at", "channel", "event", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "event"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "public_id",
        "channel",
        "event",
        "recipient",
        "user",
        "subject",
        "body_text",
        "body_html",
        "status",
        "attempts",
        "last_error",
        "idempotency_key",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "provider_message_id",
    ]
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_sensitive:
            # Temporary passwords and reset links are for their recipient only.
            return [f for f in self.fields if f not in {"body_text", "body_html"}]
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Renvoyer", permissions=["change"])
    def resend(self, request, queryset):
        count = notifications_resend(notifications=queryset)
        if count:
            message = ngettext(
                "%(count)d notification en échec remise en file d'envoi.",
                "%(count)d notifications en échec remises en file d'envoi.",
                count,
            )
            self.message_user(request, message % {"count": count})
        else:
            self.message_user(
                request, "Aucune notification en échec dans la sélection.", messages.WARNING
            )
