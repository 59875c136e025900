from django.contrib import admin

from qadesk.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be looked at, never added to, changed or deleted by hand."""

    list_display = ("created_at", "actor", "action", "review", "dispute")
    list_filter = ("action",)
    readonly_fields = ("created_at", "actor", "action", "review", "dispute", "changes")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
