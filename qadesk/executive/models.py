"""Baselines, targets and the e-mailed digest of the executive view (docs/executive.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.executive.querysets import ExecutiveQuerySet


class Baseline(models.Model):
    """A headline's value over a chosen past period, captured once so later periods are measured against it (seed 001:
    "once you have baseline numbers … review them over time"). The sample (n, sd) is kept for the significance test;
    capturing again replaces it."""

    headline = models.CharField(_("headline"), max_length=40, unique=True)
    period_start = models.DateField(_("baseline from"))
    period_end = models.DateField(_("baseline to"))
    value = models.FloatField(_("value"))
    n = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    captured_at = models.DateTimeField(_("captured"), auto_now=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("captured by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ExecutiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["headline"]

    def __str__(self) -> str:
        return f"{self.headline} {self.period_start}…{self.period_end}: {self.value}"


class HeadlineTarget(models.Model):
    """The planned level of a headline (quality planned): met when the value is at least it (or at most it, for a
    figure where lower is better)."""

    headline = models.CharField(_("headline"), max_length=40, unique=True)
    value = models.FloatField(_("target"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ExecutiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("headline target")
        verbose_name_plural = _("headline targets")
        ordering = ["headline"]

    def __str__(self) -> str:
        return f"{self.headline} → {self.value}"


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class DigestSubscription(models.Model):
    """A manager or admin who receives the executive summary by e-mail, in their language, after every whole week or
    month. `last_period_end` is the end of the last period sent: the job sends each period once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="executive_digest"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.MONTHLY)
    last_period_end = models.DateField(_("last period sent"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ExecutiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("executive digest recipient")
        verbose_name_plural = _("executive digest recipients")
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.frequency})"
