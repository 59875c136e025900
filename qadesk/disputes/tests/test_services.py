"""Dispute services: the window, who may dispute and decide, outcomes that revise or lock a review, reopening."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qadesk.accounts.models import OrgSettings, Role
from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.disputes.models import DisputeKind, DisputeStatus, Outcome
from qadesk.disputes.services import (
    ContestedCriterion,
    dispute_comment,
    dispute_decide,
    dispute_escalate,
    dispute_open,
    review_reopen,
)
from qadesk.interactions.models import InteractionAgent
from qadesk.notifications.models import Notification
from qadesk.reviews.models import Review
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db


def submitted(version, interaction, reviewer, **overrides):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, **overrides))
    return review_submit(review=review, actor=reviewer)


@pytest.fixture
def review(default_scorecard, interaction, reviewer):
    """Submitted with empathy at 2 of 5 and warmth at 3 of 5: (1600 - 75 - 50) / 16 = 92.19."""
    return submitted(default_scorecard, interaction, reviewer, empathy=2, warmth=3)


@pytest.fixture
def criteria(default_scorecard):
    return criteria_by_code(default_scorecard)


def contest(review, agent_user, criteria, *codes, proposed=5, argument="I did acknowledge the customer."):
    items = [ContestedCriterion(criteria[c].pk, proposed) for c in codes]
    return dispute_open(review=review, actor=agent_user, argument=argument, items=items)


# --- Opening -----------------------------------------------------------------------------------------------------------


def test_it_opens_a_dispute_to_the_original_reviewer(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    assert (dispute.assignee, dispute.status, dispute.raised_by) == (reviewer, DisputeStatus.OPEN, agent_user)
    assert [(i.criterion.code, i.original_value, i.proposed_value) for i in dispute.items.all()] == [("empathy", 2, 5)]
    assert dispute.due_at == pytest.approx(dispute.created_at + timedelta(days=5), abs=timedelta(seconds=5))
    assert Notification.objects.filter(recipient=reviewer, kind="dispute_opened").exists()


def test_by_setting_disputes_go_to_a_qa_lead(review, agent_user, qa_lead, criteria) -> None:
    OrgSettings.objects.update_or_create(pk=1, defaults={"disputes_go_to_qa_lead": True})
    assert contest(review, agent_user, criteria, "empathy").assignee == qa_lead


def test_it_refuses_a_dispute_after_the_window(review, agent_user, criteria) -> None:
    Review.objects.filter(pk=review.pk).update(submitted_at=timezone.now() - timedelta(days=7, minutes=1))
    review.refresh_from_db()
    with pytest.raises(ApplicationError, match="7 days"):
        contest(review, agent_user, criteria, "empathy")
    OrgSettings.objects.update_or_create(pk=1, defaults={"dispute_window_days": 8})
    assert contest(review, agent_user, criteria, "empathy").pk


def test_the_argument_is_mandatory(review, agent_user, criteria) -> None:
    with pytest.raises(ApplicationError, match="argument"):
        contest(review, agent_user, criteria, "empathy", argument="   ")


def test_criteria_must_be_on_the_review_and_proposals_on_the_scale(review, agent_user, criteria) -> None:
    with pytest.raises(ApplicationError):
        dispute_open(review=review, actor=agent_user, argument="x", items=[])
    with pytest.raises(ApplicationError):
        dispute_open(review=review, actor=agent_user, argument="x", items=[ContestedCriterion(criteria["empathy"].pk + 10_000)])
    with pytest.raises(ApplicationError, match="scale"):
        contest(review, agent_user, criteria, "empathy", proposed=9)


def test_only_the_credited_agent_may_dispute(review, other_team_agent_user, reviewer, team_lead, qa_lead, criteria) -> None:
    for someone in (other_team_agent_user, reviewer, team_lead, qa_lead):
        with pytest.raises(PermissionDenied):
            contest(review, someone, criteria, "empathy")
    assert not review.disputes.exists()


def test_one_open_dispute_per_review(review, agent_user, criteria) -> None:
    contest(review, agent_user, criteria, "empathy")
    with pytest.raises(ApplicationError, match="already"):
        contest(review, agent_user, criteria, "warmth")


def test_a_draft_cannot_be_disputed(default_scorecard, interaction, reviewer, agent_user, criteria) -> None:
    draft = review_create(interaction=interaction, actor=reviewer)
    with pytest.raises(ApplicationError):
        contest(draft, agent_user, criteria, "empathy")


# --- Discussion and escalation ------------------------------------------------------------------------------------------


def test_the_people_in_the_dispute_discuss_it(review, agent_user, reviewer, other_team_agent_user, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    dispute_comment(dispute=dispute, actor=reviewer, body="Where, exactly?")
    dispute_comment(dispute=dispute, actor=agent_user, body="Second message.")
    with pytest.raises(PermissionDenied):
        dispute_comment(dispute=dispute, actor=other_team_agent_user, body="me too")
    with pytest.raises(ApplicationError):
        dispute_comment(dispute=dispute, actor=agent_user, body=" ")
    assert [(m.author, m.body) for m in dispute.thread.all()] == [(reviewer, "Where, exactly?"), (agent_user, "Second message.")]
    assert Notification.objects.filter(recipient=agent_user, kind="dispute_comment").count() == 1


def test_escalation_hands_the_dispute_to_a_qa_lead(review, agent_user, qa_lead, other_team_agent_user, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    with pytest.raises(PermissionDenied):
        dispute_escalate(dispute=dispute, actor=other_team_agent_user)
    dispute_escalate(dispute=dispute, actor=agent_user)
    assert (dispute.status, dispute.assignee) == (DisputeStatus.ESCALATED, qa_lead)
    assert Notification.objects.filter(recipient=qa_lead, kind="dispute_escalated").exists()
    with pytest.raises(ApplicationError):
        dispute_escalate(dispute=dispute, actor=agent_user)


def test_escalation_needs_an_active_qa_lead(review, agent_user, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    with pytest.raises(ApplicationError, match="QA lead"):
        dispute_escalate(dispute=dispute, actor=agent_user)


# --- Decisions ---------------------------------------------------------------------------------------------------------


def test_accepting_revises_the_review_with_a_new_score(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy", "warmth")
    dispute_decide(dispute=dispute, actor=reviewer, accepted={criteria["empathy"].pk: True, criteria["warmth"].pk: 4}, note="ok")
    review.refresh_from_db()
    assert dispute.outcome == Outcome.ACCEPTED and dispute.status == DisputeStatus.DECIDED
    assert (review.revision, review.original_score) == (2, 92.19)
    assert review.score == pytest.approx((1600 - 25) / 16, abs=0.01)  # warmth at 4 of 5 scores 75
    latest = review.revisions.get(number=2)
    assert (latest.dispute, latest.reason, latest.score) == (dispute, "ok", review.score)
    assert review.revisions.get(number=1).score == 92.19
    assert {i.criterion.code: (i.accepted, i.decided_value) for i in dispute.items.all()} == {
        "empathy": (True, 5),
        "warmth": (True, 4),
    }
    assert Notification.objects.filter(recipient=agent_user, kind="dispute_decided").exists()
    assert not review.scores_locked


def test_a_partial_acceptance_changes_only_the_accepted_criteria(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy", "warmth")
    dispute_decide(dispute=dispute, actor=reviewer, accepted={criteria["empathy"].pk: True}, note="warmth stands")
    review.refresh_from_db()
    assert dispute.outcome == Outcome.PARTIAL
    assert {r.criterion.code: r.value for r in review.ratings.filter(criterion__code__in=["empathy", "warmth"])} == {
        "empathy": 5,
        "warmth": 3,
    }
    assert review.score == pytest.approx((1600 - 50) / 16, abs=0.01)
    assert {i.criterion.code: (i.accepted, i.decided_value) for i in dispute.items.all()} == {
        "empathy": (True, 5),
        "warmth": (False, 3),
    }
    assert not review.scores_locked


def test_a_rejection_needs_a_reason_and_locks_the_scores(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    with pytest.raises(ApplicationError, match="reason"):
        dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note=" ")
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="The transcript shows no acknowledgement.")
    review.refresh_from_db()
    assert (dispute.outcome, review.scores_locked, review.revision, review.score) == (Outcome.REJECTED, True, 1, 92.19)
    with pytest.raises(ApplicationError, match="locked"):
        contest(review, agent_user, criteria, "warmth")


def test_a_qa_lead_reopens_a_locked_review_so_it_can_be_disputed_again(review, agent_user, reviewer, qa_lead, criteria) -> None:
    dispute_decide(dispute=contest(review, agent_user, criteria, "empathy"), actor=reviewer, accepted={}, note="no")
    review.refresh_from_db()
    with pytest.raises(PermissionDenied):
        review_reopen(review=review, actor=reviewer)
    review_reopen(review=review, actor=qa_lead)
    assert not Review.objects.get(pk=review.pk).scores_locked
    assert contest(review, agent_user, criteria, "warmth").status == DisputeStatus.OPEN
    with pytest.raises(ApplicationError):
        review_reopen(review=review, actor=qa_lead)  # no longer locked


def test_only_the_assignee_or_a_qa_lead_decides_and_only_once(review, agent_user, qa_lead, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    other_reviewer = f.make_user("ugo", Role.REVIEWER)
    for someone in (other_reviewer, agent_user):
        with pytest.raises(PermissionDenied):
            dispute_decide(dispute=dispute, actor=someone, accepted={criteria["empathy"].pk: True}, note="")
    dispute_decide(dispute=dispute, actor=qa_lead, accepted={criteria["empathy"].pk: True}, note="")
    with pytest.raises(ApplicationError, match="already"):
        dispute_decide(dispute=dispute, actor=qa_lead, accepted={}, note="changed my mind")


def test_only_contested_criteria_can_be_decided(review, agent_user, reviewer, criteria) -> None:
    dispute = contest(review, agent_user, criteria, "empathy")
    with pytest.raises(ApplicationError):
        dispute_decide(dispute=dispute, actor=reviewer, accepted={criteria["warmth"].pk: 5}, note="")
    assert review.revisions.count() == 1


def test_a_wrong_agent_dispute_accepted_recredits_the_review(review, agent_user, reviewer, team) -> None:
    colleague = f.make_agent("c.bianchi", team)
    InteractionAgent.objects.create(interaction=review.interaction, agent=colleague, position=1)
    dispute = dispute_open(
        review=review, actor=agent_user, argument="My colleague answered.", items=[], kind=DisputeKind.WRONG_AGENT
    )
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="Right.", credit_agent=colleague)
    review.refresh_from_db()
    assert (dispute.outcome, review.agent, review.revision) == (Outcome.ACCEPTED, colleague, 2)
    assert review.revisions.get(number=2).dispute == dispute


def test_a_wrong_agent_dispute_without_a_new_agent_is_rejected(review, agent_user, reviewer, agent) -> None:
    dispute = dispute_open(review=review, actor=agent_user, argument="Not me.", items=[], kind=DisputeKind.WRONG_AGENT)
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="It was you.", credit_agent=agent)
    review.refresh_from_db()
    assert (dispute.outcome, review.agent, review.scores_locked) == (Outcome.REJECTED, agent, True)
