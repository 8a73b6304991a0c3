from django.contrib import admin


class ReadOnlyTabularInline(admin.TabularInline):
    """An audit trail shown under its parent: never added to, edited or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
