from django.contrib import admin

from qadesk.surveys.models import InvitationRule, QualityTarget, Survey, SurveyContact


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "kind", "anonymous", "open_link"]
    readonly_fields = ["open_token"]


@admin.register(InvitationRule)
class InvitationRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "survey", "delay_hours", "share", "quiet_days", "is_active"]


@admin.register(SurveyContact)
class SurveyContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["customer", "email", "opted_out_at"]
    search_fields = ["customer__external_id", "email"]


@admin.register(QualityTarget)
class QualityTargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["figure", "team", "value"]
