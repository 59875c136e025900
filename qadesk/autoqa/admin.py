from django.contrib import admin

from qadesk.autoqa.models import CustomCriterion, PromptEndpoint


@admin.register(CustomCriterion)
class CustomCriterionAdmin(admin.ModelAdmin):
    """Custom criteria written without code; saving changed rules raises the version (model.save)."""

    list_display = ("code", "name", "kind", "rule", "speaker", "part", "version", "active")
    list_filter = ("kind", "rule", "active")
    search_fields = ("code", "name")
    readonly_fields = ("version",)
    fields = (
        "code",
        "name",
        "kind",
        "criterion",
        "rule",
        "speaker",
        "part",
        "phrases",
        "patterns",
        "endpoint",
        "instructions",
        "impact",
        "active",
        "version",
    )


@admin.register(PromptEndpoint)
class PromptEndpointAdmin(admin.ModelAdmin):
    """Language model endpoints for prompt criteria: the key's variable or file name, never the key."""

    list_display = ("name", "base_url", "model", "daily_calls", "active", "last_error_at")
    readonly_fields = ("last_error", "last_error_at")
