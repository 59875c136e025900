"""Audit sampling: plans that say what to review, and the record of every draw they made."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.core.models import JobRun
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.querysets import SamplingPlanQuerySet, SamplingRunQuerySet


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class SamplingPlan(models.Model):
    """An audit sampling plan: review N interactions per agent per period, in stated proportions.

    `strata` is {"by": ["site", "channel"], "proportions": {"Milano|phone": 0.3, …}} (empty: no
    stratification); `filters` narrows the candidates ({"labels": [codes], "teams": [ids], "date_from",
    "date_to", "long_handle_seconds"}); `risk_boosts` weights risky contacts ({"reassigned": 3, …}).
    An `auto_run` plan is drawn by the scheduler for every period as it ends (day, week or month).
    """

    name = models.CharField(_("name"), max_length=200)
    n_per_agent = models.PositiveIntegerField(_("interactions per agent"), default=5)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.WEEK)
    strata = models.JSONField(_("strata"), default=dict, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    risk_boosts = models.JSONField(_("risk boosts"), default=dict, blank=True)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="sampling_plans")
    exclude_own_team = models.BooleanField(
        _("exclude the agent's team"),
        default=False,
        help_text=_("Never assign an interaction to a reviewer of the agent's team."),
    )
    due_days = models.PositiveIntegerField(_("days to review"), default=7)
    seed = models.BigIntegerField(
        _("random seed"), help_text=_("The same seed over the same interactions draws the same sample.")
    )
    auto_run = models.BooleanField(
        _("draw automatically"),
        default=False,
        help_text=_("Draw each period by itself once the period has ended; otherwise only when someone presses Run now."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SamplingPlanQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")

    def __str__(self) -> str:
        return self.name


class SamplingRun(models.Model):
    """One draw of a plan for one period: the seed it used, what it drew and how many per stratum."""

    plan = models.ForeignKey(SamplingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("First day after the period."))
    seed = models.BigIntegerField(_("seed used"))
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    drawn = models.PositiveIntegerField(_("drawn"), default=0)
    assigned = models.PositiveIntegerField(_("assigned"), default=0)
    per_stratum = models.JSONField(_("per stratum"), default=dict, blank=True)
    job = models.ForeignKey(JobRun, verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SamplingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("sampling run")
        verbose_name_plural = _("sampling runs")
        # A plan draws once per period: a second run would double-assign.
        constraints = [models.UniqueConstraint(fields=["plan", "period_start"], name="sampling_run_once_per_period")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.period_start}"

    @property
    def period_last_day(self) -> date:
        """The period's last day, as people name a period ("1–7 Dec"); `period_end` is the first day after it."""
        return self.period_end - timedelta(days=1)


class SamplingRunItem(models.Model):
    """An assignment a run created, so the run's draw and the coverage report can be traced."""

    run = models.ForeignKey(SamplingRun, on_delete=models.CASCADE, related_name="items")
    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="sampling_item")
    stratum = models.CharField(_("stratum"), max_length=300, blank=True)
    risk_flags = models.JSONField(
        _("risk flags"), default=list, blank=True, help_text=_("The risk flags the interaction carried when it was drawn.")
    )

    class Meta:
        verbose_name = _("sampled interaction")
        verbose_name_plural = _("sampled interactions")

    def __str__(self) -> str:
        return f"{self.run_id}: {self.assignment_id}"
