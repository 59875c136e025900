from contextlib import nullcontext

from django.contrib import admin

from qadesk.interactions.models import Customer, CustomField, Interaction, Label, Message, Sop


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    """Declared custom fields: imports check their values' type, the interaction list filters by them."""

    list_display = ("key", "label", "type")
    search_fields = ("key", "label")


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "names")
    search_fields = ("code", "name")
    fields = ("code", "name", "names")


@admin.register(Sop)
class SopAdmin(admin.ModelAdmin):
    list_display = ("code", "title")
    filter_horizontal = ("labels",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "segment")
    search_fields = ("external_id",)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("position", "author_role", "agent", "sent_at", "body", "is_public", "event_name", "event_parameters", "translation")
    raw_id_fields = ("agent",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("external_id", "source", "channel", "language", "team", "agent", "status", "created_at")
    list_filter = ("channel", "status", "phase", "language", "team", "site")
    search_fields = ("external_id", "subject")
    raw_id_fields = ("customer", "agent", "label", "sop")
    date_hierarchy = "created_at"
    inlines = [MessageInline]

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        from qadesk.surveys.models import SurveyInvitation, SurveyResponse
        from qadesk.surveys.rollup import survey_rollup_kept

        # Its survey responses and invitations count under its agent, team, site, channel, label and phase.
        with (
            survey_rollup_kept(
                responses=SurveyResponse.objects.filter(interaction_id=obj.pk),
                invitations=SurveyInvitation.objects.filter(interaction_id=obj.pk),
            )
            if change
            else nullcontext()
        ):
            super().save_model(request, obj, form, change)
        if change and {"team", "site", "channel", "label", "phase"} & set(form.changed_data):
            from qadesk.analytics.rollup import quality_rollup_refresh, slices_of

            # Its reviews now count under other report dimensions (the admin's change view is one transaction).
            quality_rollup_refresh(slices=slices_of(obj.reviews.values_list("pk", flat=True)))
