from django.contrib import admin

from qadesk.reliability.models import ServicePromise


@admin.register(ServicePromise)
class ServicePromiseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("text", "measure", "within_hours", "promised_percent", "channel", "label", "is_active")
    list_filter = ("measure", "channel", "is_active")
