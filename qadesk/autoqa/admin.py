from django.contrib import admin

from qadesk.autoqa.models import CustomCriterion


@admin.register(CustomCriterion)
class CustomCriterionAdmin(admin.ModelAdmin):
    """Custom criteria written without code; saving changed rules raises the version (model.save)."""

    list_display = ("code", "name", "rule", "speaker", "part", "version", "active")
    list_filter = ("rule", "active")
    search_fields = ("code", "name")
    readonly_fields = ("version",)
    fields = ("code", "name", "criterion", "rule", "speaker", "part", "phrases", "patterns", "impact", "active", "version")
