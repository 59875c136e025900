"""Writing the complaint register: log a complaint, edit it, link contacts, record actions, move its status, and tell
owners what is theirs or late.

Rules (docs/complaints.md says them for users):
- the status moves open → in progress → resolved or rejected (open → rejected too: not a complaint); closed is final;
  root cause and outcome are required to close. Each move is a guarded transition: the complaint's row is locked and
  its status re-read, so of two people closing at once the second gets a Conflict (409) and changes nothing;
- the due date is the logging time plus the category's resolution target (changing the category moves it);
- a linked contact carries the `complaint` flag the sampling plans draw on; removing the last link puts back the flag
  the contact had before the register linked it (the helpdesk's own flag is never lost);
- every change is in the audit trail; the owner is notified when given a complaint and once when it is overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import Role, Team, User
from qadesk.audit.models import Action
from qadesk.audit.services import audit_record
from qadesk.complaints.models import (
    CLOSED_STATUSES,
    ActionKind,
    Complaint,
    ComplaintAction,
    ComplaintCategory,
    ComplaintLink,
    ComplaintStatus,
)
from qadesk.complaints.signals import complaint_closed
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.interactions.models import Customer, Interaction
from qadesk.notifications.services import notify

# Allowed moves: anything else is refused with a Conflict naming the current status.
TRANSITIONS: dict[str, frozenset[str]] = {
    ComplaintStatus.OPEN: frozenset({ComplaintStatus.IN_PROGRESS, ComplaintStatus.REJECTED}),
    ComplaintStatus.IN_PROGRESS: frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED}),
    ComplaintStatus.RESOLVED: frozenset(),
    ComplaintStatus.REJECTED: frozenset(),
}
EDITABLE = ("category", "severity", "phase", "description", "customer", "team", "owner")


def complaint_can_log(*, actor: User) -> bool:
    """Everyone but managers (who read) may log a complaint."""
    return actor.is_authenticated and actor.role != Role.MANAGER


def complaint_can_handle(*, actor: User, complaint: Complaint) -> bool:
    """Who may edit, record actions and move the status: QA leads, admins, the owner, the team's lead."""
    if actor.role in {Role.QA_LEAD, Role.ADMIN} or actor.is_superuser or complaint.owner_id == actor.pk:
        return True
    return actor.role == Role.TEAM_LEAD and actor.team_id is not None and complaint.team_id == actor.team_id


def _check_handler(actor: User | None, complaint: Complaint) -> None:
    if actor is not None and not complaint_can_handle(actor=actor, complaint=complaint):
        raise PermissionDenied(_("Only the owner, the team's lead or a QA lead can change this complaint."))


def due_for(*, category: ComplaintCategory, logged: datetime) -> datetime:
    """The due date: logging time plus the category's resolution target."""
    return logged + timedelta(hours=category.target_hours)


@transaction.atomic
def complaint_create(
    *,
    actor: User | None,
    category: ComplaintCategory,
    description: str,
    severity: str = "medium",
    phase: str = "",
    customer: Customer | None = None,
    interactions: Iterable[Interaction] = (),
    owner: User | None = None,
    team: Team | None = None,
    source: str = "qadesk",
    external_id: str = "",
    created_at: datetime | None = None,
) -> Complaint:
    """Log a complaint; its team and customer default to those of the first linked contact, its due date follows the
    category's target. `actor` None is the system (an import)."""
    if actor is not None and not complaint_can_log(actor=actor):
        raise PermissionDenied(_("Managers read the register; they do not log complaints."))
    if not description.strip():
        raise ApplicationError(_("Describe the complaint: the description is required."))
    if not category.active:
        raise ApplicationError(_("The category “{name}” is no longer in use.").format(name=category))
    linked = list(interactions)
    first = linked[0] if linked else None
    logged = created_at or timezone.now()
    complaint = Complaint.objects.create(
        source=source,
        external_id=external_id,
        customer=customer or (first.customer if first else None),
        category=category,
        severity=severity,
        phase=phase or (first.phase if first else ""),
        description=description.strip(),
        team=team or (first.team if first else None) or (owner.team if owner else None),
        owner=owner,
        created_by=actor,
        created_at=logged,
        due_at=due_for(category=category, logged=logged),
    )
    for interaction in linked:
        _link(complaint, interaction)
    audit_record(
        actor=actor,
        action=Action.CREATE if actor is not None else Action.IMPORT,
        complaint=complaint,
        category=category.code,
        severity=severity,
        interactions=[i.pk for i in linked],
        owner=owner.username if owner else None,
    )
    if owner is not None:
        _tell_assigned(complaint, owner, actor)
    return complaint


def _lock(complaint: Complaint) -> None:
    """Lock the complaint's row and re-read it in place: the state checked next is the state written."""
    complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update(no_key=True))


@transaction.atomic
def complaint_update(*, complaint: Complaint, actor: User | None, **fields: Any) -> Complaint:
    """Change any of category, severity, phase, description, customer, team, owner; a new category moves the due date,
    a new owner is notified. A closed complaint is not edited (Conflict)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: {names}.").format(names=", ".join(sorted(unknown))))
    _lock(complaint)
    _check_handler(actor, complaint)
    if complaint.is_closed:
        raise Conflict(_("This complaint is closed: it can no longer be changed."))
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
        if not fields["description"]:
            raise ApplicationError(_("Describe the complaint: the description is required."))
    changed = {name: value for name, value in fields.items() if getattr(complaint, name) != value}
    if not changed:
        return complaint
    for name, value in changed.items():
        setattr(complaint, name, value)
    update = list(changed)
    if "category" in changed:
        complaint.due_at = due_for(category=complaint.category, logged=complaint.created_at)
        complaint.overdue_notified_at = None
        update += ["due_at", "overdue_notified_at"]
    complaint.save(update_fields=update)
    audit_record(actor=actor, action=Action.EDIT, complaint=complaint, **{k: _plain(v) for k, v in changed.items()})
    if "owner" in changed and complaint.owner is not None:
        name = complaint.owner.get_full_name() or complaint.owner.username
        ComplaintAction.objects.create(complaint=complaint, actor=actor, kind=ActionKind.ASSIGNMENT, body=name)
        _tell_assigned(complaint, complaint.owner, actor)
    return complaint


def _plain(value: Any) -> Any:
    """An audit-friendly value: a code or username for objects."""
    if isinstance(value, User):
        return value.username
    if isinstance(value, ComplaintCategory):
        return value.code
    if isinstance(value, Customer):
        return value.external_id
    if isinstance(value, Team):
        return value.name
    return value


def _link(complaint: Complaint, interaction: Interaction) -> bool:
    """Link a contact and raise its complaint flag; False when already linked."""
    # The contact's row lock serialises two complaints linking (or unlinking) it at once.
    row = Interaction.objects.select_for_update(no_key=True).filter(pk=interaction.pk).values("complaint").get()
    if ComplaintLink.objects.filter(complaint=complaint, interaction=interaction).exists():
        return False
    earlier = ComplaintLink.objects.filter(interaction=interaction).order_by("pk").first()
    flag_before = earlier.flag_before if earlier else row["complaint"]
    ComplaintLink.objects.create(complaint=complaint, interaction=interaction, flag_before=flag_before)
    Interaction.objects.filter(pk=interaction.pk).update(complaint=True)
    return True


@transaction.atomic
def complaint_link(*, complaint: Complaint, actor: User | None, interaction: Interaction) -> bool:
    """Link one more contact to an open complaint; True when it was not linked yet."""
    _lock(complaint)
    _check_handler(actor, complaint)
    if complaint.is_closed:
        raise Conflict(_("This complaint is closed: it can no longer be changed."))
    added = _link(complaint, interaction)
    if added:
        audit_record(actor=actor, action=Action.LINK, complaint=complaint, interaction=interaction.pk)
    return added


@transaction.atomic
def complaint_unlink(*, complaint: Complaint, actor: User | None, interaction: Interaction) -> bool:
    """Remove a contact from a complaint; with no complaint left on the contact, its flag goes back to what the
    helpdesk said before the register linked it. True when a link was removed."""
    _lock(complaint)
    _check_handler(actor, complaint)
    if complaint.is_closed:
        raise Conflict(_("This complaint is closed: it can no longer be changed."))
    Interaction.objects.select_for_update(no_key=True).filter(pk=interaction.pk).values("pk").get()
    link = ComplaintLink.objects.filter(complaint=complaint, interaction=interaction).first()
    if link is None:
        return False
    link.delete()
    if not ComplaintLink.objects.filter(interaction=interaction).exists():
        Interaction.objects.filter(pk=interaction.pk).update(complaint=link.flag_before)
    audit_record(actor=actor, action=Action.UNLINK, complaint=complaint, interaction=interaction.pk)
    return True


@transaction.atomic
def complaint_act(*, complaint: Complaint, actor: User, kind: str, body: str) -> ComplaintAction:
    """Add an entry to the timeline (a note, a call to the customer, a remedy, an escalation)."""
    _lock(complaint)
    _check_handler(actor, complaint)
    if kind not in {ActionKind.NOTE, ActionKind.CONTACT, ActionKind.REMEDY, ActionKind.ESCALATION}:
        raise ApplicationError(_("Unknown kind of action."))
    if not body.strip():
        raise ApplicationError(_("Say what was done: the text is required."))
    if complaint.is_closed:
        raise Conflict(_("This complaint is closed: it can no longer be changed."))
    action = ComplaintAction.objects.create(complaint=complaint, actor=actor, kind=kind, body=body.strip())
    audit_record(actor=actor, action=Action.RECORD, complaint=complaint, kind=kind, entry=action.pk)
    return action


@transaction.atomic
def complaint_transition(
    *, complaint: Complaint, actor: User, status: str, root_cause: str = "", outcome: str = "", note: str = ""
) -> Complaint:
    """Move the status (see TRANSITIONS); closing (resolved, rejected) needs a root cause and an outcome. A move the
    current status does not allow — a complaint already closed by someone else, for one — is a Conflict (409)."""
    _lock(complaint)
    _check_handler(actor, complaint)
    if status not in TRANSITIONS:
        raise ApplicationError(_("Unknown status {status}.").format(status=status))
    if status not in TRANSITIONS[complaint.status]:
        raise Conflict(
            _("A complaint that is “{current}” cannot become “{wanted}”.").format(
                current=complaint.get_status_display(), wanted=ComplaintStatus(status).label
            )
        )
    closing = status in CLOSED_STATUSES
    if closing and (not root_cause.strip() or not outcome.strip()):
        raise ApplicationError(_("Give the root cause and the outcome to close the complaint."))
    previous = complaint.status
    complaint.status = status
    update = ["status"]
    if closing:
        complaint.root_cause, complaint.outcome = root_cause.strip(), outcome.strip()
        complaint.closed_at, complaint.closed_by = timezone.now(), actor
        update += ["root_cause", "outcome", "closed_at", "closed_by"]
    complaint.save(update_fields=update)
    ComplaintAction.objects.create(
        complaint=complaint, actor=actor, kind=ActionKind.STATUS, body=note.strip() or str(ComplaintStatus(status).label)
    )
    audit_record(actor=actor, action=Action.TRANSITION, complaint=complaint, before=previous, after=status)
    if closing:
        transaction.on_commit(partial(complaint_closed.send, sender=Complaint, complaint=complaint, actor=actor))
    return complaint


def complaints_notify_overdue(*, now: datetime | None = None) -> int:
    """Tell each owner, once, about their complaints past the due date and still open; returns how many were told.
    Safe to run twice at once: each complaint is claimed by a conditional UPDATE that only one run wins."""
    now = now or timezone.now()
    told = 0
    late = Complaint.objects.open().filter(due_at__lt=now, overdue_notified_at__isnull=True, owner__isnull=False)
    for complaint in late.select_related("owner").order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Complaint.objects.filter(pk=complaint.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now)
            if not claimed or complaint.owner is None:
                continue
            notify(
                recipient=complaint.owner,
                kind="complaint_overdue",
                subject=gettext_noop("Complaint #{complaint} is overdue (due {due})"),
                params={"complaint": complaint.pk, "due": complaint.due_at},
                url=reverse("complaints:detail", args=[complaint.pk]),
            )
            told += 1
    return told


def _tell_assigned(complaint: Complaint, owner: User, actor: User | None) -> None:
    if actor is not None and owner.pk == actor.pk:
        return  # nobody needs telling what they just did themselves
    notify(
        recipient=owner,
        kind="complaint_assigned",
        subject=gettext_noop("Complaint #{complaint} was assigned to you (due {due})"),
        params={"complaint": complaint.pk, "due": complaint.due_at},
        url=reverse("complaints:detail", args=[complaint.pk]),
    )
