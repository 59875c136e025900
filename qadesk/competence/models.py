"""Training records and the competence benchmark: courses, sessions, completions (certifications with expiry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent, Team
from qadesk.competence.querysets import CompletionQuerySet, TrainingSessionQuerySet


class Course(models.Model):
    """A course in the training catalogue: the skill it teaches, its language and length in days, who must take it
    (roles and/or teams) and which scorecard criteria it covers. With a validity, its completion is a certification
    that expires."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    skill = models.CharField(_("skill"), max_length=100)
    language = models.CharField(_("language"), max_length=8, blank=True)
    days = models.DecimalField(_("days"), max_digits=5, decimal_places=1)
    required_roles = models.JSONField(
        _("required for roles"), default=list, blank=True, help_text=_("Role codes that must take it, e.g. agent.")
    )
    required_teams = models.ManyToManyField(Team, verbose_name=_("required for teams"), blank=True, related_name="+")
    criterion_codes = models.JSONField(
        _("criteria covered"), default=list, blank=True, help_text=_("Codes of the scorecard criteria the course teaches.")
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"), null=True, blank=True, help_text=_("Empty: the completion never expires.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    """One run of a course: its dates, trainer and place."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    trainer = models.CharField(_("trainer"), max_length=150, blank=True)
    place = models.CharField(_("place"), max_length=150, blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.course} {self.starts_on:%Y-%m-%d}"


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered")
    IMPORT = "import", _("Imported")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class Completion(models.Model):
    """An agent completed a course on a day; for a certification, until when it is valid."""

    agent = models.ForeignKey(Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="completions")
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(_("completed"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [models.UniqueConstraint(fields=["agent", "course", "completed_on"], name="completion_agent_course_day")]

    def __str__(self) -> str:
        return f"{self.agent} · {self.course} · {self.completed_on:%Y-%m-%d}"


class BenchmarkMode(models.TextChoices):
    STANDARD = "standard", _("A standard the admin sets (e.g. the industry's)")
    ORGANISATION = "organisation", _("The organisation's own median")


class CompetenceSettings(models.Model):
    """The one set of benchmarks the competence rating is normalised against, and the survey question it reads."""

    mode = models.CharField(_("benchmark"), max_length=12, choices=BenchmarkMode.choices, default=BenchmarkMode.STANDARD)
    training_benchmark = models.FloatField(_("training benchmark (0–100)"), default=80.0)
    delivery_benchmark = models.FloatField(_("delivery benchmark (0–100)"), default=80.0)
    survey_question_code = models.SlugField(
        _("survey competence question"),
        max_length=50,
        default="agent_skill",
        help_text=_("Code of the 1–5 survey question on the agent's competence."),
    )

    class Meta:
        verbose_name = _("competence settings")
        verbose_name_plural = _("competence settings")

    def __str__(self) -> str:
        return str(_("Competence settings"))

    @classmethod
    def load(cls) -> CompetenceSettings:
        settings_, _created = cls.objects.get_or_create(pk=1)
        return settings_
