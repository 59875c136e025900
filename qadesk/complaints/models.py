"""The complaint register: what customers complained about, who handles it, what was done, and how it ended."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qadesk.accounts.models import Team
from qadesk.complaints.querysets import ComplaintQuerySet
from qadesk.core.i18n import pick
from qadesk.interactions.models import Customer, Interaction, JourneyPhase


class ComplaintCategory(models.Model):
    """A kind of complaint an admin defines (late delivery, rude agent, wrong refund…), named in each language, with the
    time the organisation gives itself to resolve one: a complaint's due date is its logging time plus this target."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.JSONField(_("name"), default=dict, help_text=_('The name in each language: {"it": …, "fr": …, "en": …}.'))
    target_hours = models.PositiveIntegerField(
        _("resolution target (hours)"),
        default=120,
        help_text=_("Hours allowed to resolve a complaint (e.g. 72, or 120 for five days)."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive categories are kept but not offered."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return pick(self.name) or self.code


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("complaint severity", "Low")
    MEDIUM = "medium", pgettext_lazy("complaint severity", "Medium")
    HIGH = "high", pgettext_lazy("complaint severity", "High")
    CRITICAL = "critical", pgettext_lazy("complaint severity", "Critical")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("complaint status", "In progress")
    RESOLVED = "resolved", pgettext_lazy("complaint status", "Resolved")
    REJECTED = "rejected", pgettext_lazy("complaint status", "Rejected")


CLOSED_STATUSES = (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)


class Complaint(models.Model):
    """A customer's formal complaint, logged from a contact, by import, on the API or by hand: it has an owner, a due
    date from its category's target, a timeline of actions and, once closed, a root cause and an outcome."""

    source = models.CharField(_("source"), max_length=50, default="qadesk", help_text=_("Where it was logged."))
    external_id = models.CharField(_("external id"), max_length=100, blank=True, help_text=_("Its id in the source."))
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="complaints"
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, default=Severity.MEDIUM)
    phase = models.CharField(_("journey phase"), max_length=20, choices=JourneyPhase.choices, blank=True)
    description = models.TextField(_("description"))
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_owned",
    )
    interactions = models.ManyToManyField(
        Interaction, through="ComplaintLink", verbose_name=_("linked interactions"), related_name="complaints"
    )
    status = models.CharField(_("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    root_cause = models.TextField(_("root cause"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("logged"))
    due_at = models.DateTimeField(_("due"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        # Imports are idempotent by source + external id; complaints logged in qadesk have none.
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~models.Q(external_id=""), name="complaint_source_external_id"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="complaint_status_due")]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ComplaintLink(models.Model):
    """A contact the complaint is about. `flag_before` keeps the contact's own complaint flag (from the helpdesk) as it
    was before the register first linked it, so removing the last link puts that flag back rather than clearing it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="links")
    # A contact erased (GDPR, a demo replaced) leaves the complaint in the register, without that link.
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="complaint_links")
    flag_before = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("linked interaction")
        verbose_name_plural = _("linked interactions")
        constraints = [models.UniqueConstraint(fields=["complaint", "interaction"], name="complaint_link_once")]

    def __str__(self) -> str:
        return f"{self.complaint_id}/{self.interaction_id}"


class ActionKind(models.TextChoices):
    NOTE = "note", _("Note")
    CONTACT = "contact", _("Contacted the customer")
    REMEDY = "remedy", _("Remedy offered")
    ESCALATION = "escalation", pgettext_lazy("complaint action", "Escalated")
    STATUS = "status", _("Status changed")
    ASSIGNMENT = "assignment", _("Owner changed")


class ComplaintAction(models.Model):
    """One entry of a complaint's timeline: who did what, when (status changes and reassignments are entries too)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices, default=ActionKind.NOTE)
    body = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint action")
        verbose_name_plural = _("complaint actions")

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind}"
