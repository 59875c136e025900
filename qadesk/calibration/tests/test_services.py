"""The rules of calibration: who opens, who scores, once, on the scale, before the deadline; agreed answers; closing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qadesk.calibration.models import AgreedAnswer, CalibrationScore, SessionStatus
from qadesk.calibration.selectors import calibration_results
from qadesk.calibration.services import (
    calibration_agreed_answer_clear,
    calibration_agreed_answer_set,
    calibration_score_submit,
    calibration_session_close,
    calibration_session_create,
)
from qadesk.calibration.tests.helpers import criteria, open_session, top_ratings
from qadesk.core.errors import ApplicationError, PermissionDenied
from qadesk.notifications.models import Notification
from qadesk.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_it_opens_a_session_and_notifies_participants_and_the_expert(session, reviewer, reviewer2, expert) -> None:
    assert session.items.count() == 2
    assert set(session.participants.all()) == {reviewer, reviewer2, expert}
    assert set(Notification.objects.filter(kind="calibration_opened").values_list("recipient__username", flat=True)) == {
        "dario",
        "gina",
        "ines",
    }


@pytest.mark.parametrize("persona", ["reviewer", "manager", "team_lead"])
def test_it_lets_only_a_qa_lead_open_a_session(request, persona, default_scorecard, interaction, reviewer, reviewer2) -> None:
    with pytest.raises(PermissionDenied):
        open_session(request.getfixturevalue(persona), default_scorecard, [interaction], [reviewer, reviewer2])


def test_it_refuses_a_session_with_one_participant_or_a_past_deadline(
    qa_lead, default_scorecard, interaction, reviewer, reviewer2
) -> None:
    with pytest.raises(ApplicationError):
        open_session(qa_lead, default_scorecard, [interaction], [reviewer])
    with pytest.raises(ApplicationError):
        calibration_session_create(
            actor=qa_lead,
            title="late",
            scorecard_version=default_scorecard,
            interactions=[interaction],
            participants=[reviewer, reviewer2],
            deadline=timezone.now() - timedelta(hours=1),
        )


def test_it_stores_a_participants_score_outside_the_reviews(session, reviewer, default_scorecard) -> None:
    item = session.items.first()
    score = calibration_score_submit(item=item, actor=reviewer, ratings=top_ratings(default_scorecard, empathy=None))
    assert score.ratings.count() == 10
    assert score.ratings.get(criterion__code="empathy").value is None
    assert not Review.objects.exists()  # never enters the IQS or the agent's record


def test_it_accepts_one_score_per_reviewer_and_item(session, reviewer, default_scorecard) -> None:
    item = session.items.first()
    calibration_score_submit(item=item, actor=reviewer, ratings=top_ratings(default_scorecard))
    with pytest.raises(ApplicationError) as exc:
        calibration_score_submit(item=item, actor=reviewer, ratings=top_ratings(default_scorecard))
    assert exc.value.status_code == 409
    assert CalibrationScore.objects.count() == 1


def test_it_refuses_scores_from_non_participants(session, qa_lead, team_lead, default_scorecard) -> None:
    for actor in (qa_lead, team_lead):
        with pytest.raises(PermissionDenied):
            calibration_score_submit(item=session.items.first(), actor=actor, ratings=top_ratings(default_scorecard))


def test_it_refuses_scores_after_the_deadline_or_the_close(session, reviewer, reviewer2, qa_lead, default_scorecard) -> None:
    session.deadline = timezone.now() - timedelta(minutes=1)
    session.save()
    with pytest.raises(ApplicationError, match="deadline"):
        calibration_score_submit(item=session.items.first(), actor=reviewer, ratings=top_ratings(default_scorecard))
    session.deadline = timezone.now() + timedelta(days=1)
    session.save()
    calibration_session_close(session=session, actor=qa_lead)
    with pytest.raises(ApplicationError, match="closed"):
        calibration_score_submit(item=session.items.first(), actor=reviewer2, ratings=top_ratings(default_scorecard))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"empathy": 6}, "not a rating"), ({"right_sop": None}, "N/A is not allowed"), ({"right_label": 2}, "not a rating")],
)
def test_it_validates_ratings_on_the_criterion_scale(session, reviewer, default_scorecard, overrides, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        calibration_score_submit(item=session.items.first(), actor=reviewer, ratings=top_ratings(default_scorecard, **overrides))


def test_it_requires_every_criterion(session, reviewer, default_scorecard) -> None:
    ratings = top_ratings(default_scorecard)
    ratings.pop(criteria(default_scorecard)["warmth"].pk)
    with pytest.raises(ApplicationError, match="missing"):
        calibration_score_submit(item=session.items.first(), actor=reviewer, ratings=ratings)


def test_it_lets_the_qa_lead_record_and_correct_an_agreed_answer(session, qa_lead, reviewer, default_scorecard) -> None:
    item, empathy = session.items.first(), criteria(default_scorecard)["empathy"]
    calibration_agreed_answer_set(item=item, criterion=empathy, actor=qa_lead, value=3, note="per SOP")
    calibration_agreed_answer_set(item=item, criterion=empathy, actor=qa_lead, value=4)
    assert AgreedAnswer.objects.get().value == 4
    with pytest.raises(PermissionDenied):
        calibration_agreed_answer_set(item=item, criterion=empathy, actor=reviewer, value=3)
    with pytest.raises(ApplicationError):
        calibration_agreed_answer_set(item=item, criterion=empathy, actor=qa_lead, value=9)


def test_it_lets_the_qa_lead_clear_an_agreed_answer_back_to_none(session, qa_lead, reviewer, expert, default_scorecard) -> None:
    item, empathy = session.items.first(), criteria(default_scorecard)["empathy"]
    calibration_score_submit(item=item, actor=expert, ratings=top_ratings(default_scorecard))
    calibration_agreed_answer_set(item=item, criterion=empathy, actor=qa_lead, value=None)  # N/A is an answer
    assert calibration_results(session=session, actor=qa_lead)["benchmark"] == "agreed_answers"
    with pytest.raises(PermissionDenied):
        calibration_agreed_answer_clear(item=item, criterion=empathy, actor=reviewer)
    assert calibration_agreed_answer_clear(item=item, criterion=empathy, actor=qa_lead) is True
    assert not AgreedAnswer.objects.exists()
    assert calibration_results(session=session, actor=qa_lead)["benchmark"] == "benchmark_reviewer"
    assert calibration_agreed_answer_clear(item=item, criterion=empathy, actor=qa_lead) is False


def test_it_closes_a_session_once_and_tells_the_participants(session, qa_lead) -> None:
    calibration_session_close(session=session, actor=qa_lead, scorecard_revision_note="Rewrite empathy guidance")
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.scorecard_revision_note == "Rewrite empathy guidance"
    assert Notification.objects.filter(kind="calibration_results").count() == 3
    with pytest.raises(ApplicationError):
        calibration_session_close(session=session, actor=qa_lead)
