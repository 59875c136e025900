from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, ApiToken, OrgSettings, Site, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "language", "is_active")
    list_filter = ("role", "team", "language", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("qadesk"), {"fields": ("role", "team", "language", "review_languages")}))


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "country")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "site")
    list_filter = ("site",)


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("username", "display_name", "team", "site", "user", "is_active")
    list_filter = ("team", "site", "is_active")
    search_fields = ("username", "display_name")
    raw_id_fields = ("user",)


@admin.register(OrgSettings)
class OrgSettingsAdmin(admin.ModelAdmin):
    list_display = ("pass_mark", "minimum_n", "allow_self_review", "dispute_window_days", "dispute_decision_days")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return not OrgSettings.objects.exists()

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if "pass_mark" in form.changed_data:
            from qadesk.analytics.rollup import quality_rollup_rebuild

            quality_rollup_rebuild()  # passes are counted at the pass mark (the admin's change view is one transaction)

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at", "revoked_reason")
    exclude = ("digest",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_reason=ApiToken.Revoked.ADMIN)

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # keys are shown once: create them with `qadesk token create`
