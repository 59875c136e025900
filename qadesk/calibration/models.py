"""Calibration: reviewers score the same interactions apart, then compare and agree, so the scorecard is applied alike.

Calibration scores live here, not in reviews.Review, so they never enter the IQS or an agent's record.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.calibration.querysets import CalibrationSessionQuerySet
from qadesk.interactions.models import Interaction, TranscriptRevision
from qadesk.scorecards.models import Criterion, ScorecardVersion


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CalibrationSession(models.Model):
    """A calibration exercise: participants score the same interactions with one scorecard version by a deadline.

    Blind sessions hide the others' ratings from a participant until they have scored every item; `hide_agent`
    keeps the agent's name from participants to avoid bias. The benchmark is the benchmark reviewer's scores
    (an expert), or the answers the QA lead records after discussion when there are any.
    """

    title = models.CharField(_("title"), max_length=200)
    scorecard_version = models.ForeignKey(
        ScorecardVersion, verbose_name=_("scorecard version"), on_delete=models.PROTECT, related_name="calibration_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="calibration_sessions"
    )
    deadline = models.DateTimeField(_("deadline"))
    blind = models.BooleanField(
        _("blind"), default=True, help_text=_("Participants see the others' ratings only after submitting their own.")
    )
    hide_agent = models.BooleanField(_("hide the agent's name"), default=True)
    benchmark_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("benchmark reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("An expert whose scores the others are compared with."),
    )
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    scorecard_revision_note = models.TextField(
        _("scorecard revision"), blank=True, help_text=_("What the scorecard or its guidance should change after the session.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent"), null=True, blank=True, help_text=_("When participants still scoring were reminded of the deadline.")
    )

    objects = CalibrationSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")

    def __str__(self) -> str:
        return self.title


class CalibrationItem(models.Model):
    """One interaction every participant of a session scores."""

    session = models.ForeignKey(CalibrationSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="items")
    interaction = models.ForeignKey(Interaction, verbose_name=_("interaction"), on_delete=models.PROTECT, related_name="+")
    transcript = models.ForeignKey(
        TranscriptRevision,
        verbose_name=_("transcript scored"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when a re-import revised the transcript after the item was chosen: the one scored."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["session", "position", "id"]
        verbose_name = _("calibration item")
        verbose_name_plural = _("calibration items")
        constraints = [models.UniqueConstraint(fields=["session", "interaction"], name="calibration_item_once")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.interaction_id}"


class CalibrationScore(models.Model):
    """One participant's scoring of one item; there is at most one per reviewer and item, and it is final."""

    session = models.ForeignKey(CalibrationSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(CalibrationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="calibration_scores"
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["item", "reviewer_id"]
        verbose_name = _("calibration score")
        verbose_name_plural = _("calibration scores")
        constraints = [models.UniqueConstraint(fields=["item", "reviewer"], name="calibration_score_once")]

    def __str__(self) -> str:
        return f"{self.item_id} by {self.reviewer_id}"


class CalibrationRating(models.Model):
    """The rating a participant gave one criterion of an item: a point on its scale, or N/A (null)."""

    score = models.ForeignKey(CalibrationScore, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("rating"), null=True, blank=True, help_text=_("Empty means N/A."))

    class Meta:
        ordering = ["score", "criterion__section__position", "criterion__position"]
        verbose_name = _("calibration rating")
        verbose_name_plural = _("calibration ratings")
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="calibration_rating_once")]

    def __str__(self) -> str:
        return f"{self.score_id}/{self.criterion_id}: {self.value}"


class AgreedAnswer(models.Model):
    """The rating the session settled on for one criterion of one item after discussion, recorded by the QA lead."""

    session = models.ForeignKey(
        CalibrationSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="agreed_answers"
    )
    item = models.ForeignKey(CalibrationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="agreed_answers")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("agreed rating"), null=True, blank=True, help_text=_("Empty means N/A."))
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set"), auto_now=True)

    class Meta:
        ordering = ["item", "criterion__section__position", "criterion__position"]
        verbose_name = _("agreed answer")
        verbose_name_plural = _("agreed answers")
        constraints = [models.UniqueConstraint(fields=["item", "criterion"], name="agreed_answer_once")]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.criterion_id}: {self.value}"
