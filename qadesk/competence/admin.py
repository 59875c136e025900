from django.contrib import admin

from qadesk.competence.models import Completion, Course, TrainingSession


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admins keep the training catalogue: who must take each course and which criteria it covers."""

    list_display = ("code", "name", "skill", "language", "days", "validity_days", "is_active")
    list_filter = ("is_active", "skill", "language")
    search_fields = ("code", "name", "skill")
    filter_horizontal = ("required_teams",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("course", "starts_on", "ends_on", "trainer", "place")
    list_filter = ("course",)


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("agent", "course", "completed_on", "expires_on", "source")
    list_filter = ("course", "source")
    search_fields = ("agent__username", "agent__display_name")
    raw_id_fields = ("agent", "session")
