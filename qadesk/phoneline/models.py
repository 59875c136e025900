"""The phone line's delivery quality (seed 003): call records from the telephone system, the trunks' tariffs, the
reasonable level QA sets on each parameter, and the alerts sent when a level is missed in a month."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.interactions.models import Interaction
from qadesk.phoneline.querysets import CallRecordQuerySet, DeliveryLevelQuerySet


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    BUSY = "busy", _("Busy signal")
    BLOCKED = "blocked", _("Blocked")
    CALLBACK = "callback", _("Callback requested")


class Parameter(models.TextChoices):
    """The delivery parameters a reasonable level is set on; every one is better lower (the level is a ceiling)."""

    BUSY_RATE = "busy_rate", _("Busy signals (% of attempts)")
    ABANDONMENT_RATE = "abandonment_rate", _("Abandoned (% of answered + abandoned)")
    ASA = "asa_seconds", _("Average wait before answer (s)")
    LOW_MOS_RATE = "low_mos_rate", _("Poor call quality (% of measured calls with MOS below the threshold)")
    NOISE_RATE = "noise_rate", _("Noisy calls (%)")
    COST_PER_CALL = "cost_per_call", _("Cost per call")
    COST_PER_MINUTE = "cost_per_minute", _("Cost per minute")


class CallRecord(models.Model):
    """One call attempt as the telephone system recorded it (imported; keyed by the system's call id).

    A busy or blocked attempt never reached a queue's agents; a call answered by a person may be linked to the
    interaction it became."""

    call_id = models.CharField(_("call id"), max_length=100, unique=True)
    queue = models.CharField(_("queue"), max_length=100)
    trunk = models.CharField(_("trunk"), max_length=100, blank=True, default="")
    offered_at = models.DateTimeField(_("offered at"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    wait_seconds = models.PositiveIntegerField(_("wait (s)"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), null=True, blank=True)
    transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    interaction = models.ForeignKey(
        Interaction, verbose_name=_("interaction"), on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    mos = models.FloatField(_("MOS"), null=True, blank=True, help_text=_("Mean opinion score, 1 to 5."))
    jitter_ms = models.FloatField(_("jitter (ms)"), null=True, blank=True)
    packet_loss = models.FloatField(_("packet loss (%)"), null=True, blank=True)
    noisy = models.BooleanField(_("noisy"), null=True, blank=True)
    cost = models.DecimalField(
        _("cost"), max_digits=10, decimal_places=4, null=True, blank=True, help_text=_("Empty: minutes × the trunk's tariff.")
    )

    objects = CallRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("call record")
        verbose_name_plural = _("call records")

    def __str__(self) -> str:
        return self.call_id


class Tariff(models.Model):
    """What one minute on a trunk costs: prices a call whose record carries no cost."""

    trunk = models.CharField(_("trunk"), max_length=100, unique=True)
    per_minute = models.DecimalField(_("cost per minute"), max_digits=8, decimal_places=4)

    class Meta:
        ordering = ["trunk"]
        verbose_name = _("trunk tariff")
        verbose_name_plural = _("trunk tariffs")

    def __str__(self) -> str:
        return self.trunk


class DeliveryLevel(models.Model):
    """A reasonable level of one delivery parameter (seed 003: "defines reasonable levels and makes sure they are
    kept over time"), for every queue or one; a month over the level is a breach that alerts the QA leads."""

    parameter = models.CharField(_("parameter"), max_length=20, choices=Parameter.choices)
    value = models.FloatField(_("level"), help_text=_("The most that is reasonable: a percentage, seconds or money."))
    queue = models.CharField(_("queue"), max_length=100, blank=True, default="", help_text=_("Empty: all queues."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DeliveryLevelQuerySet.as_manager()

    class Meta:
        ordering = ["parameter", "queue", "id"]
        verbose_name = _("delivery level")
        verbose_name_plural = _("delivery levels")
        constraints = [models.UniqueConstraint(fields=["parameter", "queue"], name="delivery_level_scope")]

    def __str__(self) -> str:
        return f"{self.get_parameter_display()}: {self.value:g}"


class LevelAlert(models.Model):
    """A month in which a level was missed and the QA leads were told: one per level and month, so the job that
    checks may run any number of times and notify once."""

    level = models.ForeignKey(DeliveryLevel, verbose_name=_("delivery level"), on_delete=models.CASCADE, related_name="alerts")
    month = models.DateField(_("month"))
    value = models.FloatField(_("measured"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("level alert")
        verbose_name_plural = _("level alerts")
        constraints = [models.UniqueConstraint(fields=["level", "month"], name="level_alert_month")]

    def __str__(self) -> str:
        return f"{self.level} @ {self.month}"
