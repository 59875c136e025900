"""Scorecards: versioned forms of criteria that link quality goals to what a reviewer checks."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Role
from qadesk.core.i18n import pick
from qadesk.scorecards.scoring import CriterionSpec, default_level


class Scale(models.TextChoices):
    BINARY = "binary", _("Pass / fail")
    THREE = "three", _("3-point")
    FOUR = "four", _("4-point")
    FIVE = "five", _("5-point")
    TEN = "ten", _("0–10")


class Impact(models.TextChoices):
    """The error class a failure of the criterion counts in (seeds 000/002)."""

    HIGH = "high", _("High impact")
    LOW = "low", _("Low impact")


class Level(models.TextChoices):
    """Level of measurement of a criterion's answers, for agreement statistics (scoring.default_level says why)."""

    NOMINAL = "nominal", _("nominal")
    ORDINAL = "ordinal", _("ordinal")
    INTERVAL = "interval", _("interval")
    RATIO = "ratio", _("ratio")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Scorecard(models.Model):
    """A named scorecard. Its content lives in versions; reviews pin the version they were made with."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.JSONField(_("name"), help_text=_('Name per language, e.g. {"en": "…", "it": "…"}.'))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return pick(self.name) or self.code

    def current_version(self) -> "ScorecardVersion | None":
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class ScorecardVersion(models.Model):
    """One frozen edition of a scorecard. Once published its sections and criteria never change."""

    scorecard = models.ForeignKey(Scorecard, verbose_name=_("scorecard"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    description = models.JSONField(_("description"), default=dict, blank=True)
    conditions = models.JSONField(
        _("applies to"),
        default=dict,
        blank=True,
        help_text=_("Channels, teams and labels the scorecard applies to; an empty list means all."),
    )
    allow_above_100 = models.BooleanField(_("bonus may exceed 100"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["scorecard", "-number"]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        constraints = [models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_number")]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.number}"

    def applies_to(self, *, channel: str, team: str | None, label: str | None) -> bool:
        """Whether this version's conditions admit an interaction with these attributes."""
        c = self.conditions or {}
        return (
            (not c.get("channels") or channel in c["channels"])
            and (not c.get("teams") or team in c["teams"])
            and (not c.get("labels") or label in c["labels"])
        )

    def specs(self) -> list[CriterionSpec]:
        """The scoring view of every criterion, in form order."""
        criteria = Criterion.objects.filter(section__version=self).select_related("section")
        return [c.spec() for c in criteria.order_by("section__position", "position")]


class Section(models.Model):
    """A group of criteria, e.g. "Process management" or "Communication style"."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=50)
    title = models.JSONField(_("title"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="section_code")]

    def __str__(self) -> str:
        return pick(self.title)


class Criterion(models.Model):
    """One thing a reviewer checks, with guidance on what good looks like and what a failure costs."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=50)
    title = models.JSONField(_("title"))
    guidance = models.JSONField(_("guidance"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.BINARY)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    na_allowed = models.BooleanField(_("N/A allowed"), default=True)
    impact = models.CharField(_("impact of a failure"), max_length=4, choices=Impact.choices, default=Impact.LOW)
    critical = models.BooleanField(_("critical (auto-fail)"), default=False)
    fail_section = models.BooleanField(_("fails its section"), default=False)
    bonus = models.BooleanField(_("bonus"), default=False)
    competence = models.BooleanField(
        _("competence"),
        default=False,
        help_text=_("Counts in the delivery part of the agent's competence rating (docs/competence.md)."),
    )
    level = models.CharField(
        _("level of measurement"),
        max_length=8,
        choices=Level.choices,
        blank=True,
        help_text=_(
            "How reviewers' answers are compared in calibration: nominal (categories), ordinal (ordered points), "
            "interval or ratio. Empty: nominal for pass/fail, ordinal for point scales."
        ),
    )
    root_causes = models.JSONField(
        _("root causes"), default=list, blank=True, help_text=_("Predefined root causes: a list of {code, title}.")
    )

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="criterion_code")]

    def __str__(self) -> str:
        return pick(self.title)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.level:
            self.level = default_level(self.scale)
        super().save(*args, **kwargs)

    @property
    def measurement_level(self) -> str:
        """The declared level of measurement, or the scale's default."""
        return self.level or default_level(self.scale)

    def spec(self) -> CriterionSpec:
        return CriterionSpec(
            key=str(self.pk),
            scale=self.scale,
            weight=float(self.weight),
            section=str(self.section_id),
            impact=self.impact,
            critical=self.critical,
            fail_section=self.fail_section,
            bonus=self.bonus,
            na_allowed=self.na_allowed,
        )

    def rating_choices(self) -> list[int]:
        from qadesk.scorecards.scoring import SCALE_RANGES

        low, high = SCALE_RANGES[self.scale]
        return list(range(low, high + 1))


class ScorecardDraftQuerySet(models.QuerySet["ScorecardDraft"]):
    def visible_to(self, user: Any) -> "ScorecardDraftQuerySet":
        """QA leads and admins build scorecards; nobody else sees a draft."""
        if user.is_superuser or getattr(user, "role", None) in {Role.ADMIN, Role.QA_LEAD}:
            return self.all()
        return self.none()

    def open(self) -> "ScorecardDraftQuerySet":
        return self.filter(published_version__isnull=True)


class ScorecardDraft(models.Model):
    """A scorecard version being built in the browser: the definition document (docs/scorecards.md), saved as it stands,
    complete or not, until it is published as the scorecard's next version. One open draft per scorecard code."""

    code = models.SlugField(_("code"), max_length=50)
    data = models.JSONField(_("definition"), default=dict, blank=True)
    base_version = models.ForeignKey(
        ScorecardVersion, verbose_name=_("based on"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_version = models.ForeignKey(
        ScorecardVersion, verbose_name=_("published as"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("last saved by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = ScorecardDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("scorecard draft")
        verbose_name_plural = _("scorecard drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(published_version__isnull=True) & ~models.Q(code=""),
                name="scorecard_draft_open_code",
            )
        ]

    def __str__(self) -> str:
        return pick((self.data or {}).get("name")) or self.code
