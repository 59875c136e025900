from django.contrib import admin

from qadesk.phoneline.models import CallRecord, DeliveryLevel, Tariff


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("call_id", "queue", "trunk", "offered_at", "outcome", "wait_seconds", "mos", "cost")
    list_filter = ("outcome", "queue", "trunk")
    search_fields = ("call_id",)
    raw_id_fields = ("interaction",)


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("trunk", "per_minute")


@admin.register(DeliveryLevel)
class DeliveryLevelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("parameter", "queue", "value")
