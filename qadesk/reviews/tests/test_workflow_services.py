"""Review workflow services: revisions, acknowledgement, coaching notes and the reviewer's queue."""

import pytest

from qadesk.accounts.models import Role
from qadesk.audit.models import Action, AuditEvent
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.notifications.models import Notification
from qadesk.reviews import services
from qadesk.reviews.models import AssignmentStatus, ReviewAssignment
from qadesk.reviews.services import (
    assignments_create,
    coaching_note_add,
    review_acknowledge,
    review_create,
    review_revise,
    review_save,
    review_submit,
)
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.scorecards.scoring import score_review
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def submitted(version, interaction, reviewer, **overrides):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, **overrides))
    return review_submit(review=review, actor=reviewer)


# --- Revisions ---------------------------------------------------------------------------------------------------------


def test_it_revises_into_a_new_revision_and_keeps_the_original(default_scorecard, interaction, reviewer, qa_lead) -> None:
    # empathy (five-point, weight 1 of 16) at 2 scores 25: (1600 - 75) / 16 = 95.3125, stored rounded
    review = submitted(default_scorecard, interaction, reviewer, empathy=2)
    empathy = criteria_by_code(default_scorecard)["empathy"]
    review_revise(review=review, actor=qa_lead, values={empathy.pk: 5}, reason="Empathy was there")
    review.refresh_from_db()
    assert (review.revision, review.score) == (2, 100)
    assert review.original_score == 95.31
    assert review.ratings.get(criterion=empathy).value == 5
    first, second = review.revisions.order_by("number")
    assert (first.number, first.score, first.reason, first.created_by) == (1, 95.31, "", reviewer)
    assert {r["code"]: r["value"] for r in first.ratings}["empathy"] == 2
    assert (second.number, second.score, second.reason, second.created_by) == (2, 100, "Empathy was there", qa_lead)
    assert {r["code"]: r["value"] for r in second.ratings}["empathy"] == 5


def test_revising_scores_with_the_one_scoring_function(default_scorecard, interaction, reviewer, qa_lead, monkeypatch) -> None:
    review = submitted(default_scorecard, interaction, reviewer, warmth=3)
    calls = []

    def spy(*args, **kwargs):
        calls.append(args)
        return score_review(*args, **kwargs)

    monkeypatch.setattr(services, "score_review", spy)
    criteria = criteria_by_code(default_scorecard)
    review_revise(review=review, actor=qa_lead, values={criteria["workflow"].pk: 2, criteria["warmth"].pk: 5}, reason="r")
    assert len(calls) == 1
    _specs, values = calls[0]
    assert values[str(criteria["workflow"].pk)] == 2 and values[str(criteria["warmth"].pk)] == 5
    review.refresh_from_db()
    assert review.score == pytest.approx(score_review(*calls[0], allow_above_100=False).score)
    assert review.low_impact_errors == 1  # workflow at 2 of 4 fails; warmth no longer does


def test_a_draft_cannot_be_revised(default_scorecard, interaction, reviewer) -> None:
    draft = review_create(interaction=interaction, actor=reviewer)
    with pytest.raises(ApplicationError):
        review_revise(review=draft, actor=reviewer, values={}, reason="")


# --- Acknowledgement ---------------------------------------------------------------------------------------------------


def test_only_the_credited_agent_acknowledges(default_scorecard, interaction, reviewer, other_team_agent_user, team_lead) -> None:
    review = submitted(default_scorecard, interaction, reviewer)
    for someone in (reviewer, other_team_agent_user, team_lead):
        with pytest.raises(PermissionDenied):
            review_acknowledge(review=review, actor=someone)
    review.refresh_from_db()
    assert review.acknowledged_at is None


def test_it_acknowledges_once_and_audits_it_once(default_scorecard, interaction, reviewer, agent_user) -> None:
    review = submitted(default_scorecard, interaction, reviewer)
    first = review_acknowledge(review=review, actor=agent_user).acknowledged_at
    assert first is not None
    review_acknowledge(review=review, actor=agent_user)
    review.refresh_from_db()
    assert review.acknowledged_at == first
    events = AuditEvent.objects.filter(review=review, action=Action.ACKNOWLEDGE)
    assert [e.actor for e in events] == [agent_user]


def test_a_draft_cannot_be_acknowledged(default_scorecard, interaction, reviewer, agent_user) -> None:
    with pytest.raises(ApplicationError):
        review_acknowledge(review=review_create(interaction=interaction, actor=reviewer), actor=agent_user)


# --- Coaching notes ----------------------------------------------------------------------------------------------------


def test_the_agents_team_lead_and_qa_leads_add_coaching_notes(
    default_scorecard, interaction, reviewer, team_lead, qa_lead
) -> None:
    review = submitted(default_scorecard, interaction, reviewer)
    note = coaching_note_add(review=review, actor=team_lead, body="  Try the warm closing.  ")
    coaching_note_add(review=review, actor=qa_lead, body="Agreed.")
    assert note.body == "Try the warm closing."
    assert [(n.author, n.body) for n in review.coaching_notes.all()] == [
        (team_lead, "Try the warm closing."),
        (qa_lead, "Agreed."),
    ]
    assert Notification.objects.filter(recipient=review.agent.user, kind="coaching_note").count() == 2


def test_other_people_cannot_add_coaching_notes(
    default_scorecard, interaction, reviewer, agent_user, other_team, manager
) -> None:
    review = submitted(default_scorecard, interaction, reviewer)
    other_lead = f.make_user("otto", Role.TEAM_LEAD, other_team)
    for someone in (other_lead, reviewer, agent_user, manager):
        with pytest.raises(PermissionDenied):
            coaching_note_add(review=review, actor=someone, body="note")
    assert not review.coaching_notes.exists()


def test_an_empty_coaching_note_is_refused(default_scorecard, interaction, reviewer, team_lead) -> None:
    with pytest.raises(ApplicationError):
        coaching_note_add(review=submitted(default_scorecard, interaction, reviewer), actor=team_lead, body="   ")


# --- Assignments -------------------------------------------------------------------------------------------------------


def test_only_qa_leads_and_admins_assign(interaction, reviewer, team_lead, manager, admin_user) -> None:
    for someone in (reviewer, team_lead, manager):
        with pytest.raises(PermissionDenied):
            assignments_create(interactions=[interaction], reviewer=reviewer, actor=someone)
    assert len(assignments_create(interactions=[interaction], reviewer=reviewer, actor=admin_user)) == 1


def test_assigning_to_someone_who_cannot_review_is_refused(interaction, qa_lead, agent_user) -> None:
    with pytest.raises(ApplicationError):
        assignments_create(interactions=[interaction], reviewer=agent_user, actor=qa_lead)


def test_assignments_already_open_are_skipped(agent, interaction, reviewer, qa_lead) -> None:
    second = f.make_interaction(agent)
    assert len(assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead)) == 1
    created = assignments_create(interactions=[interaction, second, second], reviewer=reviewer, actor=qa_lead)
    assert [a.interaction for a in created] == [second]
    assert ReviewAssignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.OPEN).count() == 2
    notes = Notification.objects.filter(recipient=reviewer, kind="assigned").order_by("pk")
    assert [n.subject for n in notes] == [
        "1 interactions were added to your review queue",
        "1 interactions were added to your review queue",
    ]


def test_nothing_new_to_assign_notifies_nobody(interaction, reviewer, qa_lead) -> None:
    assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead)
    assert assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead) == []
    assert Notification.objects.filter(recipient=reviewer, kind="assigned").count() == 1


def test_submitting_closes_the_reviewers_assignment_only(default_scorecard, interaction, reviewer, qa_lead) -> None:
    colleague = f.make_user("ugo", Role.REVIEWER)
    mine = assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead)[0]
    # Two open queues for one interaction: made before assignments_create refused it (rows an older install may hold).
    theirs = ReviewAssignment.objects.create(interaction=interaction, reviewer=colleague, assigned_by=qa_lead)
    review = submitted(default_scorecard, interaction, reviewer)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.review, mine.done_at) == (AssignmentStatus.DONE, review, review.submitted_at)
    assert theirs.status == AssignmentStatus.OPEN and theirs.review is None
    with pytest.raises(Conflict, match="already in ugo's review queue"):  # open in another queue: refused
        assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead)
    ReviewAssignment.objects.filter(pk=theirs.pk).update(status=AssignmentStatus.CANCELLED)
    assert assignments_create(interactions=[interaction], reviewer=reviewer, actor=qa_lead)  # may be assigned again
