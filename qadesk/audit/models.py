"""The audit trail: an append-only record of every change to a review, a dispute, a complaint or a survey follow-up."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qadesk.audit.querysets import AuditEventQuerySet


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "created")
    SAVE = "save", pgettext_lazy("audit action", "saved a draft")
    SUBMIT = "submit", pgettext_lazy("audit action", "submitted")
    REVISE = "revise", pgettext_lazy("audit action", "revised")
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("audit action", "acknowledged")
    COACH = "coach", pgettext_lazy("audit action", "added a coaching note")
    DISPUTE = "dispute", pgettext_lazy("audit action", "disputed")
    COMMENT = "comment", pgettext_lazy("audit action", "commented on the dispute")
    ESCALATE = "escalate", pgettext_lazy("audit action", "escalated the dispute")
    DECIDE = "decide", pgettext_lazy("audit action", "decided the dispute")
    REOPEN = "reopen", pgettext_lazy("audit action", "reopened")
    ASSIGN = "assign", pgettext_lazy("audit action", "assigned")
    EDIT = "edit", pgettext_lazy("audit action", "edited")
    TRANSITION = "transition", pgettext_lazy("audit action", "changed the status")
    RECORD = "record", pgettext_lazy("audit action", "recorded an action")
    LINK = "link", pgettext_lazy("audit action", "linked an interaction")
    UNLINK = "unlink", pgettext_lazy("audit action", "unlinked an interaction")
    IMPORT = "import", pgettext_lazy("audit action", "imported")
    FOLLOW_UP = "follow_up", pgettext_lazy("audit action", "followed up the customer")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(models.Model):
    """Who did what to which review (or dispute, complaint, survey response), when, and what changed. Rows are never
    updated or deleted."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    review = models.ForeignKey(
        "reviews.Review", verbose_name=_("review"), on_delete=models.PROTECT, null=True, related_name="audit_events"
    )
    dispute = models.ForeignKey(
        "disputes.Dispute", verbose_name=_("dispute"), on_delete=models.PROTECT, null=True, related_name="audit_events"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        related_name="audit_events",
    )
    survey_response = models.ForeignKey(
        "surveys.SurveyResponse",
        verbose_name=_("survey response"),
        on_delete=models.PROTECT,
        null=True,
        related_name="audit_events",
    )
    changes = models.JSONField(_("what changed"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are append-only")
