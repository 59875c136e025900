"""The quality report's rollup: per-day sums of submitted reviews, kept by the review services in the same transaction
(analytics/rollup.py), so the report reads thousands of sums instead of millions of ratings (docs/statistics.md,
"Where the report reads its sums").

A cell is (level, day, agent, reviewer, team, site, channel, label, phase). Level 1 cells hold every dimension the
report groups or filters by; level 0 cells only day, agent and reviewer (the dimensions hold their "none" values), a
far smaller table for the report without interaction filters. Ids of a missing team, site or label are stored as 0
(a unique index treats NULLs as different, so upserts could not find the row). Every figure is a sum (or a maximum),
so any set of cells adds up to the figures of their reviews."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.analytics.querysets import RollupQuerySet

LEVEL_DAY = 0  # day, agent, reviewer
LEVEL_ALL = 1  # and team, site, channel, label, phase of the interaction
KEY = ("level", "day", "agent_id", "reviewer_id", "team_id", "site_id", "channel", "label_id", "phase")


class RollupCell(models.Model):
    """The key every rollup row shares: a local day of submission (the installation's time zone) and the dimensions."""

    level = models.PositiveSmallIntegerField(_("level"))
    day = models.DateField(_("day"))
    agent_id = models.BigIntegerField(_("agent"))
    reviewer_id = models.BigIntegerField(_("reviewer"))
    team_id = models.BigIntegerField(_("team"))
    site_id = models.BigIntegerField(_("site"))
    channel = models.CharField(_("channel"), max_length=20)
    label_id = models.BigIntegerField(_("label"))
    phase = models.CharField(_("journey phase"), max_length=20)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} agent {self.agent_id} reviewer {self.reviewer_id} (level {self.level})"


class QualityDay(RollupCell):
    """The sums of one cell's submitted, scored reviews: current figures and figures as originally submitted."""

    n = models.IntegerField(_("reviews"))
    n_zero = models.IntegerField(_("reviews at 0"))
    total = models.BigIntegerField(_("sum of scores"))  # in hundredths of a point: exact to add
    total_sq = models.BigIntegerField(_("sum of squared scores"))  # in ten-thousandths of a point: exact to add
    max_score = models.FloatField(_("highest score"), null=True)
    passed = models.IntegerField(_("passes"))
    high = models.IntegerField(_("high-impact errors"))
    low = models.IntegerField(_("low-impact errors"))
    original_n_zero = models.IntegerField(_("reviews at 0 as originally submitted"))
    original_total = models.BigIntegerField(_("sum of scores as originally submitted"))  # in hundredths of a point: exact to add
    # in ten-thousandths of a point: exact to add
    original_total_sq = models.BigIntegerField(_("sum of squared scores as originally submitted"))
    original_max_score = models.FloatField(_("highest score as originally submitted"), null=True)
    original_passed = models.IntegerField(_("passes as originally submitted"))
    original_high = models.IntegerField(_("high-impact errors as originally submitted"))
    original_low = models.IntegerField(_("low-impact errors as originally submitted"))

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality day")
        verbose_name_plural = _("quality days")
        constraints = [models.UniqueConstraint(fields=KEY, name="quality_day_cell")]


class QualityCriterionDay(RollupCell):
    """One criterion's ratings in one cell: all of them, those rated (not N/A), sum of criterion scores, failures."""

    criterion_id = models.BigIntegerField(_("criterion"))
    ratings = models.IntegerField(_("ratings"))
    n = models.IntegerField(_("rated"))
    total = models.BigIntegerField(_("sum of criterion scores"))  # in millionths of a point: exact to add
    failures = models.IntegerField(_("failures"))

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion day")
        verbose_name_plural = _("criterion days")
        constraints = [models.UniqueConstraint(fields=[*KEY, "criterion_id"], name="quality_criterion_day_cell")]


class QualityRootCauseDay(RollupCell):
    """How many failed ratings of one criterion named one predefined root cause, in one cell."""

    criterion_id = models.BigIntegerField(_("criterion"))
    code = models.CharField(_("root cause"), max_length=100)
    count = models.IntegerField(_("count"))

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("root cause day")
        verbose_name_plural = _("root cause days")
        constraints = [models.UniqueConstraint(fields=[*KEY, "criterion_id", "code"], name="quality_root_cause_day_cell")]


class RollupState(models.Model):
    """What the rollup was built for (one row): passes depend on the pass mark, days on the time zone. The report reads
    the rollup only while both still hold; a change of pass mark rebuilds it (`org_settings_update`)."""

    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2)
    time_zone = models.CharField(_("time zone"), max_length=64)
    built_at = models.DateTimeField(_("built"))

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return f"{self.pass_mark} {self.time_zone}"
