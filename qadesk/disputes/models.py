"""Disputes: an agent contests findings of a review; the reviewer or a QA lead decides, and the trail is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qadesk.disputes.querysets import DisputeQuerySet
from qadesk.reviews.models import Review
from qadesk.scorecards.models import Criterion


class DisputeKind(models.TextChoices):
    CRITERIA = "criteria", _("Contested criteria")
    WRONG_AGENT = "wrong_agent", _("Wrong agent credited")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Escalated to a QA lead")
    DECIDED = "decided", _("Decided")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTIAL = "partial", _("Partially accepted")
    REJECTED = "rejected", _("Rejected")


class Dispute(models.Model):
    """An agent's challenge to a submitted review, decided by its reviewer or, on escalation, a QA lead."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="disputes")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="disputes_raised"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="disputes_assigned",
        help_text=_("Who must decide: the original reviewer, or a QA lead."),
    )
    kind = models.CharField(_("what is contested"), max_length=20, choices=DisputeKind.choices, default=DisputeKind.CRITERIA)
    argument = models.TextField(_("argument"))
    status = models.CharField(_("status"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    due_at = models.DateTimeField(_("decision due"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        # One undecided dispute per review: the review's row lock in dispute_open serialises openings, this backs it.
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=~models.Q(status="decided"), name="dispute_one_undecided_per_review"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on review #{self.review_id}"


class DisputeItem(models.Model):
    """One contested criterion, with the rating the agent proposes and, once decided, the outcome."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    original_value = models.SmallIntegerField(_("rating contested"), null=True, blank=True)
    proposed_value = models.SmallIntegerField(_("rating proposed"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    decided_value = models.SmallIntegerField(_("rating decided"), null=True, blank=True)

    class Meta:
        ordering = ["dispute", "criterion__section__position", "criterion__position"]
        verbose_name = _("contested criterion")
        verbose_name_plural = _("contested criteria")
        constraints = [models.UniqueConstraint(fields=["dispute", "criterion"], name="dispute_item_once")]

    def __str__(self) -> str:
        return f"{self.dispute_id}/{self.criterion_id}"


class DisputeMessage(models.Model):
    """One message in a dispute's discussion thread."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="thread")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.body[:30]}"
