"""Notifications in the admin site: read-only, with their e-mail's fate, so an admin sees which e-mails failed and why."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qadesk.notifications.models import Notification


class EmailStateFilter(admin.SimpleListFilter):
    title = _("e-mail")
    parameter_name = "email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("sent", _("Sent")),
            ("waiting", _("Waiting or being retried")),
            ("failed", _("Failed")),
            ("none", _("No e-mail")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        states = {
            "sent": {"emailed_at__isnull": False},
            "waiting": {"emailed_at__isnull": True, "email_failed_at__isnull": True, "email_retry_at__isnull": False},
            "failed": {"email_failed_at__isnull": False},
            "none": {"emailed_at__isnull": True, "email_failed_at__isnull": True, "email_retry_at__isnull": True},
        }
        chosen = states.get(self.value() or "")
        return queryset.filter(**chosen) if chosen else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "subject", "emailed_at", "email_attempts", "email_failed_at")
    list_filter = (EmailStateFilter, "kind")
    list_select_related = ("recipient",)
    search_fields = ("subject", "recipient__username", "email_error")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
