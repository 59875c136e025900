"""Reviews: a reviewer's scoring of an interaction (or of one agent message) against a scorecard version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.accounts.models import Agent
from qadesk.interactions.models import Interaction, Message, TranscriptRevision
from qadesk.reviews.querysets import ReviewQuerySet
from qadesk.scorecards.models import Criterion, ScorecardVersion


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Review(models.Model):
    """A reviewer's assessment, credited to one agent. Score and error counts are stored when submitted."""

    interaction = models.ForeignKey(Interaction, verbose_name=_("interaction"), on_delete=models.PROTECT, related_name="reviews")
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text=_("Set when one agent message is reviewed instead of the whole interaction."),
    )
    transcript = models.ForeignKey(
        TranscriptRevision,
        verbose_name=_("transcript scored"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text=_("Set when a re-import revised the transcript after this review: the one it scored. Empty: the current one."),
    )
    scorecard_version = models.ForeignKey(
        ScorecardVersion, verbose_name=_("scorecard version"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews_made"
    )
    agent = models.ForeignKey(Agent, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    comment = models.TextField(_("overall comment"), blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    high_impact_errors = models.PositiveSmallIntegerField(_("high-impact errors"), default=0)
    low_impact_errors = models.PositiveSmallIntegerField(_("low-impact errors"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(
        _("revision"), default=0, help_text=_("0 while draft, 1 once submitted, +1 per revision.")
    )
    original_score = models.FloatField(_("score as originally submitted"), null=True, blank=True)
    original_high_impact_errors = models.PositiveSmallIntegerField(_("high-impact errors as originally submitted"), default=0)
    original_low_impact_errors = models.PositiveSmallIntegerField(_("low-impact errors as originally submitted"), default=0)
    acknowledged_at = models.DateTimeField(
        _("acknowledged"), null=True, blank=True, help_text=_("When the agent confirmed reading it.")
    )
    scores_locked = models.BooleanField(
        _("scores locked"), default=False, help_text=_("Set when a dispute is rejected; a QA lead can reopen.")
    )
    reopened_at = models.DateTimeField(
        _("reopened"),
        null=True,
        blank=True,
        help_text=_("When a QA lead last reopened it: criteria decided in disputes before then may be disputed again."),
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["agent", "status"]),
            # An interaction's latest submitted review, which the interaction list shows on each row: without it SQLite
            # walked every submitted review for each of the 50-100 rows (60 ms of a 20,000-interaction page; 3 ms with it).
            models.Index(fields=["interaction", "status", "submitted_at"], name="review_interaction_latest"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.interaction}"


class Rating(models.Model):
    """The rating one criterion got in one review: a point on its scale, or N/A (value is null)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="ratings")
    value = models.SmallIntegerField(_("rating"), null=True, blank=True, help_text=_("Empty means N/A."))
    score = models.FloatField(_("criterion score"), null=True, blank=True)
    failed = models.BooleanField(_("failed"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    root_causes = models.JSONField(_("root causes"), default=list, blank=True)
    root_cause_text = models.CharField(_("other root cause"), max_length=300, blank=True)

    class Meta:
        ordering = ["review", "criterion__section__position", "criterion__position"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="rating_review_criterion")]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.criterion_id}: {self.value}"


class ReviewRevision(models.Model):
    """A frozen copy of a review's scores: number 1 as submitted, then one per revision (e.g. after a dispute)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    score = models.FloatField(_("score"), null=True, blank=True)
    high_impact_errors = models.PositiveSmallIntegerField(_("high-impact errors"), default=0)
    low_impact_errors = models.PositiveSmallIntegerField(_("low-impact errors"), default=0)
    ratings = models.JSONField(_("ratings"), default=list, help_text=_("Per criterion: id, code, value, score, failed."))
    reason = models.TextField(_("reason"), blank=True)
    dispute = models.ForeignKey("disputes.Dispute", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["review", "number"]
        verbose_name = _("review revision")
        verbose_name_plural = _("review revisions")
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="review_revision_number")]

    def __str__(self) -> str:
        return f"{self.review_id} r{self.number}"


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewAssignment(models.Model):
    """An interaction put in a reviewer's queue, by a QA lead (by hand or in bulk) or by a sampling plan."""

    interaction = models.ForeignKey(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "created_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "reviewer"], condition=models.Q(status="open"), name="assignment_open_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id} → {self.reviewer_id}"


class CoachingNote(models.Model):
    """A team lead's coaching note on a review, visible to the agent."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="coaching_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("coaching note")
        verbose_name_plural = _("coaching notes")

    def __str__(self) -> str:
        return f"{self.review_id}: {self.body[:30]}"
