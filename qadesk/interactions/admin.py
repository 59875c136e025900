from django.contrib import admin

from qadesk.interactions.models import Customer, Interaction, Label, Message, Sop


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


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
    fields = ("position", "author_role", "agent", "sent_at", "body", "is_public")
    raw_id_fields = ("agent",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("external_id", "source", "channel", "language", "team", "agent", "status", "created_at")
    list_filter = ("channel", "status", "phase", "language", "team", "site")
    search_fields = ("external_id", "subject")
    raw_id_fields = ("customer", "agent", "label", "sop")
    date_hierarchy = "created_at"
    inlines = [MessageInline]
