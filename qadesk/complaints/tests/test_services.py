"""Logging, editing, linking, actions and guarded status moves; the complaint flag; audit; notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qadesk.audit.models import Action, AuditEvent
from qadesk.complaints.models import Complaint, ComplaintAction, ComplaintStatus
from qadesk.complaints.services import (
    complaint_act,
    complaint_link,
    complaint_transition,
    complaint_unlink,
    complaint_update,
    complaints_notify_overdue,
)
from qadesk.complaints.signals import complaint_closed
from qadesk.complaints.tasks import notify_overdue_complaints
from qadesk.complaints.tests.factories import make_category, make_complaint
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.interactions.models import Interaction
from qadesk.notifications.models import Notification
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def close(complaint: Complaint, actor, status: str = "resolved") -> Complaint:
    if complaint.status == "open" and status == "resolved":
        complaint_transition(complaint=complaint, actor=actor, status="in_progress")
    return complaint_transition(complaint=complaint, actor=actor, status=status, root_cause="SOP skipped", outcome="Refunded")


def test_it_logs_a_complaint_due_after_the_category_target_with_the_contacts_team_and_phase(qa_lead, interaction) -> None:
    Interaction.objects.filter(pk=interaction.pk).update(phase="delivery")
    interaction.refresh_from_db()
    complaint = make_complaint(qa_lead, interactions=[interaction], category=make_category(hours=72))
    assert complaint.due_at == complaint.created_at + timedelta(hours=72)
    assert (complaint.team_id, complaint.phase, complaint.status) == (interaction.team_id, "delivery", "open")
    assert AuditEvent.objects.filter(complaint=complaint, action=Action.CREATE, actor=qa_lead).count() == 1


def test_it_refuses_a_complaint_without_a_description_or_from_a_manager(qa_lead, manager) -> None:
    with pytest.raises(ApplicationError, match="description is required"):
        make_complaint(qa_lead, description="   ")
    with pytest.raises(PermissionDenied):
        make_complaint(manager)
    assert not Complaint.objects.exists()


def test_it_moves_open_in_progress_resolved_and_records_each_move(qa_lead) -> None:
    complaint = make_complaint(qa_lead)
    complaint_transition(complaint=complaint, actor=qa_lead, status="in_progress")
    complaint_transition(complaint=complaint, actor=qa_lead, status="resolved", root_cause="Late carrier", outcome="Voucher")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.root_cause, complaint.closed_by) == ("resolved", "Late carrier", qa_lead)
    assert complaint.closed_at is not None
    moves = AuditEvent.objects.filter(complaint=complaint, action=Action.TRANSITION).order_by("pk")
    assert [(e.changes["before"], e.changes["after"]) for e in moves] == [("open", "in_progress"), ("in_progress", "resolved")]
    assert list(complaint.actions.values_list("kind", flat=True)) == ["status", "status"]


@pytest.mark.parametrize(("start", "wanted"), [("open", "resolved"), ("resolved", "in_progress"), ("rejected", "open")])
def test_it_refuses_an_illegal_move_with_a_conflict(qa_lead, start, wanted) -> None:
    complaint = make_complaint(qa_lead)
    Complaint.objects.filter(pk=complaint.pk).update(status=start)
    with pytest.raises(Conflict) as caught:
        complaint_transition(complaint=complaint, actor=qa_lead, status=wanted, root_cause="x", outcome="y")
    assert caught.value.status_code == 409
    assert Complaint.objects.get(pk=complaint.pk).status == start


def test_it_needs_root_cause_and_outcome_to_close(qa_lead) -> None:
    complaint = make_complaint(qa_lead)
    with pytest.raises(ApplicationError, match="root cause and the outcome"):
        complaint_transition(complaint=complaint, actor=qa_lead, status="rejected", root_cause="Not a complaint")
    assert complaint.status == "open"  # the object in hand is not left half-changed either
    assert Complaint.objects.get(pk=complaint.pk).status == "open"


def test_a_second_close_from_a_stale_page_is_a_conflict_and_changes_nothing(qa_lead, team_lead) -> None:
    complaint = make_complaint(qa_lead, team=team_lead.team)
    complaint_transition(complaint=complaint, actor=qa_lead, status="in_progress")
    other_tab = Complaint.objects.get(pk=complaint.pk)  # the team lead opened the page before the QA lead closed it
    complaint_transition(complaint=complaint, actor=qa_lead, status="resolved", root_cause="A", outcome="B")
    with pytest.raises(Conflict):
        complaint_transition(complaint=other_tab, actor=team_lead, status="rejected", root_cause="C", outcome="D")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.root_cause, complaint.closed_by) == ("resolved", "A", qa_lead)
    assert AuditEvent.objects.filter(complaint=complaint, action=Action.TRANSITION).count() == 2


def test_closing_sends_the_complaint_closed_hook_after_the_commit(qa_lead, django_capture_on_commit_callbacks) -> None:
    heard = []

    def receiver(sender, *, complaint, actor, **kwargs):
        heard.append((complaint.pk, complaint.status, actor.pk))

    complaint_closed.connect(receiver, dispatch_uid="test.receiver")
    try:
        complaint = make_complaint(qa_lead)
        with django_capture_on_commit_callbacks(execute=True):
            close(complaint, qa_lead, status="rejected")
            assert heard == []  # not before the commit
    finally:
        complaint_closed.disconnect(dispatch_uid="test.receiver")
    assert heard == [(complaint.pk, "rejected", qa_lead.pk)]


def test_only_the_owner_the_teams_lead_or_a_qa_lead_may_handle_it(qa_lead, agent_user, team_lead, other_team, manager) -> None:
    complaint = make_complaint(qa_lead, team=team_lead.team, owner=agent_user)
    complaint_act(complaint=complaint, actor=agent_user, kind="note", body="Called back.")  # the owner
    complaint_act(complaint=complaint, actor=team_lead, kind="contact", body="Spoke to the customer.")
    other_lead = f.make_user("olga", "team_lead", other_team)
    for outsider in (other_lead, manager):
        with pytest.raises(PermissionDenied):
            complaint_act(complaint=complaint, actor=outsider, kind="note", body="Me too.")
    assert complaint.actions.filter(kind__in=["note", "contact"]).count() == 2


def test_a_closed_complaint_takes_no_more_actions_or_edits(qa_lead) -> None:
    complaint = close(make_complaint(qa_lead), qa_lead)
    with pytest.raises(Conflict):
        complaint_act(complaint=complaint, actor=qa_lead, kind="note", body="Late note")
    with pytest.raises(Conflict):
        complaint_update(complaint=complaint, actor=qa_lead, severity="high")


def test_a_new_category_moves_the_due_date_and_a_new_owner_is_told(qa_lead, reviewer) -> None:
    complaint = make_complaint(qa_lead, category=make_category(hours=24))
    complaint_update(complaint=complaint, actor=qa_lead, category=make_category(hours=96), owner=reviewer)
    complaint.refresh_from_db()
    assert complaint.due_at == complaint.created_at + timedelta(hours=96)
    assert Notification.objects.filter(recipient=reviewer, kind="complaint_assigned").count() == 1
    assert complaint.actions.filter(kind="assignment").count() == 1
    assert AuditEvent.objects.filter(complaint=complaint, action=Action.EDIT).get().changes["owner"] == reviewer.username


def test_the_owner_is_told_on_assignment_but_not_about_their_own(qa_lead, reviewer) -> None:
    make_complaint(qa_lead, owner=reviewer)
    make_complaint(qa_lead, owner=qa_lead)
    assert Notification.objects.filter(kind="complaint_assigned").values_list("recipient__username", flat=True).get() == "dario"


# --- The complaint flag the sampling plans draw on -------------------------------------------------------------------


def flag(interaction) -> bool:
    return Interaction.objects.values_list("complaint", flat=True).get(pk=interaction.pk)


def test_linking_sets_the_complaint_flag_and_removing_the_last_link_clears_it(qa_lead, interaction) -> None:
    first = make_complaint(qa_lead, interactions=[interaction])
    second = make_complaint(qa_lead)
    complaint_link(complaint=second, actor=qa_lead, interaction=interaction)
    assert flag(interaction) is True
    assert complaint_link(complaint=second, actor=qa_lead, interaction=interaction) is False  # twice: one link
    complaint_unlink(complaint=first, actor=qa_lead, interaction=interaction)
    assert flag(interaction) is True  # the second complaint still holds it
    complaint_unlink(complaint=second, actor=qa_lead, interaction=interaction)
    assert flag(interaction) is False
    assert AuditEvent.objects.filter(action=Action.UNLINK).count() == 2


def test_unlinking_keeps_the_flag_the_helpdesk_had_set(qa_lead, agent) -> None:
    flagged = f.make_interaction(agent, complaint=True)
    complaint = make_complaint(qa_lead, interactions=[flagged])
    complaint_unlink(complaint=complaint, actor=qa_lead, interaction=flagged)
    assert flag(flagged) is True


# --- Overdue ----------------------------------------------------------------------------------------------------------


def test_it_tells_each_owner_once_about_an_overdue_complaint(qa_lead, reviewer) -> None:
    late = make_complaint(qa_lead, owner=reviewer, created_at=timezone.now() - timedelta(hours=100))
    make_complaint(qa_lead, owner=reviewer)  # not due yet
    closed = close(make_complaint(qa_lead, owner=reviewer, created_at=timezone.now() - timedelta(hours=100)), qa_lead)
    Notification.objects.all().delete()
    assert notify_overdue_complaints.call() == 1  # the periodic job the scheduler enqueues every hour
    assert complaints_notify_overdue() == 0
    note = Notification.objects.get(kind="complaint_overdue")
    assert (note.recipient, note.url) == (reviewer, f"/complaints/{late.pk}/")
    assert closed.pk != late.pk


def test_the_timeline_keeps_who_did_what_when(qa_lead) -> None:
    complaint = make_complaint(qa_lead)
    complaint_act(complaint=complaint, actor=qa_lead, kind="remedy", body="  Voucher sent  ")
    action = ComplaintAction.objects.get(complaint=complaint)
    assert (action.actor, action.kind, action.body) == (qa_lead, "remedy", "Voucher sent")
    with pytest.raises(ApplicationError, match="text is required"):
        complaint_act(complaint=complaint, actor=qa_lead, kind="note", body=" ")


def test_status_labels_are_translated() -> None:
    from django.utils import translation

    with translation.override("it"):
        assert str(ComplaintStatus.IN_PROGRESS.label) == "In lavorazione"
