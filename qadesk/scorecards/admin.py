from django.contrib import admin

from qadesk.scorecards.models import Scorecard, ScorecardVersion


class VersionInline(admin.TabularInline):
    model = ScorecardVersion
    extra = 0
    fields = ("number", "status", "published_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    """Scorecard content is edited as a YAML/JSON definition (`qadesk scorecard import`), which makes a new version."""

    list_display = ("code", "__str__", "is_active", "created_at")
    fields = ("code", "name", "is_active")
    inlines = [VersionInline]
