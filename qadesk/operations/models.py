"""Targets for the operational KPIs: the planned level of each figure, and the alerts sent when one is missed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Site
from qadesk.interactions.models import Channel
from qadesk.operations.querysets import KpiTargetQuerySet


class Kpi(models.TextChoices):
    """The KPIs a target may be set on (kpis.TARGET_KPIS says which way is better)."""

    SERVICE_LEVEL = "service_level", _("Service level (%)")
    ASA = "asa_seconds", _("Average speed of answer (s)")
    ABANDONMENT = "abandonment_rate", _("Abandonment rate (%)")
    AHT = "aht_seconds", _("Average handle time (s)")
    FIRST_RESPONSE = "first_response_median", _("First response time, median (s)")
    RESOLUTION = "resolution_median", _("Time to resolution, median (s)")
    RESOLVED_24H = "resolved_24h_rate", _("Resolved within 24 h (%)")
    FCR = "fcr_rate", _("First-contact resolution (%)")
    REASSIGNMENT = "reassignment_rate", _("Reassignment rate (%)")
    BACKLOG = "backlog", _("Backlog (contacts)")


class TargetPeriod(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class KpiTarget(models.Model):
    """The planned level of one KPI ("planned quality", seed 000): e.g. 80 % of calls answered within 20 s, per week.

    Optionally for one channel and/or one site. The report shows in how many periods it was met; missed for
    `alert_after` periods in a row, the QA leads and the team leads concerned are notified once for that streak."""

    kpi = models.CharField(_("KPI"), max_length=30, choices=Kpi.choices)
    value = models.FloatField(_("target"), help_text=_("Seconds, a percentage (0–100) or a number of contacts, as the KPI says."))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True, default="")
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, null=True, blank=True, related_name="kpi_targets"
    )
    period = models.CharField(_("period"), max_length=10, choices=TargetPeriod.choices, default=TargetPeriod.WEEK)
    threshold_seconds = models.PositiveIntegerField(
        _("answer within (s)"),
        default=20,
        validators=[MaxValueValidator(24 * 3600)],
        help_text=_("For the service level: the answer time T that counts as within the service level."),
    )
    alert_after = models.PositiveSmallIntegerField(
        _("alert after missed periods"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Notify the QA leads and team leads when the target is missed this many periods in a row."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = KpiTargetQuerySet.as_manager()

    class Meta:
        ordering = ["kpi", "channel", "site__name", "id"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "channel", "site", "period"], name="kpi_target_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()}: {self.value:g}"


class TargetAlert(models.Model):
    """A missed streak that was notified: one row per target and last missed period, so the periodic job that sends
    alerts may run any number of times and notify once."""

    target = models.ForeignKey(KpiTarget, verbose_name=_("KPI target"), on_delete=models.CASCADE, related_name="alerts")
    period_start = models.DateField(_("last missed period"))
    missed_periods = models.PositiveSmallIntegerField(_("missed periods in a row"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("target alert")
        verbose_name_plural = _("target alerts")
        constraints = [models.UniqueConstraint(fields=["target", "period_start"], name="target_alert_period")]

    def __str__(self) -> str:
        return f"{self.target} @ {self.period_start}"
