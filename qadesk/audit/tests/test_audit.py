"""The audit trail: every change to a review or dispute writes an event, and nothing can change or delete one."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, QuerySet

from qadesk.audit import triggers
from qadesk.audit.models import Action, AppendOnlyError, AuditEvent
from qadesk.disputes.services import (
    ContestedCriterion,
    dispute_comment,
    dispute_decide,
    dispute_escalate,
    dispute_open,
    review_reopen,
)
from qadesk.reviews.models import Review
from qadesk.reviews.services import coaching_note_add, review_acknowledge, review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(default_scorecard, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2))
    return review_submit(review=review, actor=reviewer)


def test_every_step_of_the_workflow_is_audited_with_actor_and_changes(
    default_scorecard, review, reviewer, agent_user, team_lead, qa_lead
) -> None:
    empathy = criteria_by_code(default_scorecard)["empathy"].pk
    review_acknowledge(review=review, actor=agent_user)
    note = coaching_note_add(review=review, actor=team_lead, body="Mind the empathy.")
    first = dispute_open(review=review, actor=agent_user, argument="I did.", items=[ContestedCriterion(empathy, 5)])
    message = dispute_comment(dispute=first, actor=reviewer, body="Where?")
    dispute_escalate(dispute=first, actor=agent_user)
    dispute_decide(dispute=first, actor=qa_lead, accepted={}, note="No.")
    review.refresh_from_db()
    review_reopen(review=review, actor=qa_lead)
    second = dispute_open(review=review, actor=agent_user, argument="Again.", items=[ContestedCriterion(empathy, 4)])
    dispute_decide(dispute=second, actor=qa_lead, accepted={empathy: True}, note="Fair.")

    trail = list(AuditEvent.objects.filter(review=review).order_by("created_at", "id"))
    assert [(e.action, e.actor) for e in trail] == [
        (Action.CREATE, reviewer),
        (Action.SAVE, reviewer),
        (Action.SUBMIT, reviewer),
        (Action.ACKNOWLEDGE, agent_user),
        (Action.COACH, team_lead),
        (Action.DISPUTE, agent_user),
        (Action.COMMENT, reviewer),
        (Action.ESCALATE, agent_user),
        (Action.DECIDE, qa_lead),
        (Action.REOPEN, qa_lead),
        (Action.DISPUTE, agent_user),
        (Action.REVISE, qa_lead),
        (Action.DECIDE, qa_lead),
    ]
    by_step = dict(enumerate(trail[:1] + trail[2:]))  # the SAVE event: test_it_records_what_each_draft_save_changed
    assert set(trail[1].changes) == {"rated"} and len(trail[1].changes["rated"]) == len(criteria_by_code(default_scorecard))
    assert by_step[0].changes == {"scorecard_version": default_scorecard.pk, "agent": "a.rossi"}
    assert by_step[1].changes == {"score": 95.31}
    assert by_step[3].changes == {"note": note.pk}
    assert (by_step[4].dispute, by_step[4].changes) == (first, {"kind": "criteria", "criteria": [empathy]})
    assert by_step[5].changes == {"message": message.pk}
    assert by_step[6].changes == {"assignee": qa_lead.username}
    assert by_step[7].changes == {"outcome": "rejected", "changes": {}}
    assert by_step[10].dispute == second
    assert by_step[10].changes["ratings"] == {str(empathy): [2, 4]}
    assert (by_step[10].changes["score"], by_step[10].changes["reason"]) == (pytest.approx((1600 - 25) / 16, abs=0.01), "Fair.")
    assert by_step[11].changes == {"outcome": "accepted", "changes": {str(empathy): 4}}
    assert all(e.created_at is not None for e in trail)


def test_an_event_cannot_be_changed_or_deleted(review) -> None:
    event = AuditEvent.objects.filter(review=review).first()
    event.changes = {"score": 100}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(changes={})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(review=review).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).changes != {"score": 100}
    assert AuditEvent.objects.filter(review=review).count() == 3


def test_the_trail_is_seen_by_whoever_sees_the_review(review, agent_user, other_team_agent_user, team_lead, manager) -> None:
    assert AuditEvent.objects.visible_to(agent_user).filter(review=review).count() == 3
    assert AuditEvent.objects.visible_to(team_lead).filter(review=review).count() == 3
    assert AuditEvent.objects.visible_to(manager).filter(review=review).count() == 3
    assert not AuditEvent.objects.visible_to(other_team_agent_user).exists()


# --- The database's own guard (audit.triggers) ----------------------------------------------------------------------------


def _refused(statement) -> None:
    """The statement fails with an integrity error and, rolled back to a savepoint, leaves the test's transaction usable."""
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        statement()


def test_the_database_refuses_to_change_or_delete_an_event_through_the_orm(review) -> None:
    plain = QuerySet(model=AuditEvent)  # past the queryset's own refusal, straight to SQL
    _refused(lambda: plain.filter(review=review).update(changes={"score": 100}))
    _refused(lambda: plain.filter(review=review).delete())
    events = AuditEvent.objects.filter(review=review)
    _refused(lambda: events._raw_delete(events.db))
    assert [e.changes.get("score") for e in AuditEvent.objects.filter(review=review, action=Action.SUBMIT)] == [95.31]
    assert AuditEvent.objects.filter(review=review).count() == 3


def test_the_database_refuses_to_change_or_delete_an_event_through_raw_sql(review) -> None:
    event = AuditEvent.objects.filter(review=review).first()

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])

    _refused(lambda: run("UPDATE audit_auditevent SET action = 'create' WHERE id = %s"))
    _refused(lambda: run("DELETE FROM audit_auditevent WHERE id = %s"))
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_guard_is_put_back_after_every_migrate(review) -> None:
    triggers.remove(connection)  # as a SQLite table rebuild would
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    _refused(lambda: QuerySet(model=AuditEvent).filter(review=review).update(changes={}))


def test_users_and_reviews_with_a_trail_cannot_be_deleted(review, reviewer) -> None:
    with pytest.raises(ProtectedError):
        reviewer.delete()
    with pytest.raises(ProtectedError):
        Review.objects.filter(pk=review.pk).delete()
