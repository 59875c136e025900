from django.contrib import admin

from qadesk.complaints.models import ComplaintCategory


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admins define the categories, their names in each language and their resolution targets."""

    list_display = ("code", "__str__", "target_hours", "active")
    list_filter = ("active",)
    search_fields = ("code",)
