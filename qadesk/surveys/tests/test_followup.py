"""Closing the loop: the follow-up list (owner, "followed up") and the customers' ratings beside reviews."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review
from qadesk.surveys.models import SurveyInvitation, SurveyResponse
from qadesk.surveys.services import response_answer, response_for_invitation
from qadesk.testing import factories as f
from qadesk.testing.clients import page_client


def answer(invitation: SurveyInvitation, csat: int, comment: str = "") -> SurveyResponse:
    response = response_for_invitation(invitation=invitation)
    questions = {q.code: q for q in response.version.questions.all()}
    response_answer(response=response, question=questions["csat"], raw=str(csat))
    if comment:
        response_answer(response=response, question=questions["comment"], raw=comment)
    response.refresh_from_db()
    return response


@pytest.fixture
def unhappy(invitation: SurveyInvitation, team_lead) -> SurveyResponse:
    return answer(invitation, 1, "<i>Nobody called</i>")


def test_a_low_rating_waits_in_the_list_with_the_team_lead_as_owner(unhappy, team_lead, qa_lead) -> None:
    assert unhappy.followup_owner == team_lead
    for user in (team_lead, qa_lead):
        page = page_client(user).get("/surveys/follow-up/").content.decode()
        assert f"/surveys/responses/{unhappy.pk}/follow-up/" in page and "CSAT 1" in page
        assert "&lt;i&gt;Nobody called&lt;/i&gt;" in page and "<i>Nobody called</i>" not in page


def test_following_up_moves_it_to_done_once(unhappy, team_lead, qa_lead) -> None:
    answer_ = page_client(team_lead).post(f"/surveys/responses/{unhappy.pk}/follow-up/", {"note": "Called, refunded."})
    assert answer_.status_code == 302
    unhappy.refresh_from_db()
    assert unhappy.followed_up_by == team_lead and unhappy.followup_note == "Called, refunded."
    assert f"/surveys/responses/{unhappy.pk}/follow-up/" not in page_client(qa_lead).get("/surveys/follow-up/").content.decode()
    done = page_client(qa_lead).get("/surveys/follow-up/?status=done").content.decode()
    assert "Called, refunded." in done
    again = page_client(qa_lead).post(f"/surveys/responses/{unhappy.pk}/follow-up/", follow=True).content.decode()
    assert "already followed this response up" in again
    unhappy.refresh_from_db()
    assert unhappy.followed_up_by == team_lead


def test_a_happy_customer_is_not_in_the_list(invitation, qa_lead) -> None:
    happy = answer(invitation, 5)
    assert happy.flagged_at is None
    page = page_client(qa_lead).get("/surveys/follow-up/").content.decode()
    assert f"/surveys/responses/{happy.pk}/follow-up/" not in page and "Nobody is waiting for a call back." in page


@pytest.mark.parametrize("persona", ["agent_user", "reviewer"])
def test_agents_and_reviewers_get_404(unhappy, persona, request) -> None:
    user = request.getfixturevalue(persona)
    assert page_client(user).get("/surveys/follow-up/").status_code == 404
    assert page_client(user).post(f"/surveys/responses/{unhappy.pk}/follow-up/").status_code == 404
    unhappy.refresh_from_db()
    assert unhappy.followed_up_at is None


def test_another_teams_lead_neither_sees_nor_closes_it(unhappy, other_team) -> None:
    lead = f.make_user("olga", "team_lead", other_team)
    assert f"/surveys/responses/{unhappy.pk}/" not in page_client(lead).get("/surveys/follow-up/").content.decode()
    assert page_client(lead).post(f"/surveys/responses/{unhappy.pk}/follow-up/").status_code == 404


def test_the_agent_sees_the_customers_rating_beside_the_review(
    unhappy, interaction: Interaction, agent, agent_user, other_team_agent_user, default_scorecard, reviewer
) -> None:
    review = Review.objects.create(
        interaction=interaction,
        scorecard_version=default_scorecard,
        reviewer=reviewer,
        agent=agent,
        status="submitted",
        score=90,
        submitted_at=timezone.now(),
    )
    page = page_client(agent_user).get(f"/reviews/{review.pk}/").content.decode()
    assert "What the customer said" in page and "&lt;i&gt;Nobody called&lt;/i&gt;" in page
    mine = page_client(agent_user).get("/reviews/mine/").content.decode()
    assert "Your customers' ratings" in mine and "&lt;i&gt;Nobody called&lt;/i&gt;" in mine
    assert "Nobody called" not in page_client(other_team_agent_user).get("/reviews/mine/").content.decode()


def test_the_results_page_shows_the_trend_per_week_and_month(post_contact, agent, qa_lead) -> None:
    from datetime import timedelta

    from qadesk.surveys.rollup import survey_rollup_kept
    from qadesk.surveys.selectors import survey_trend
    from qadesk.surveys.services import invitation_create

    now = timezone.now()
    for days, csat in [(0, 5), (0, 4), (40, 1)]:
        invitation = invitation_create(survey=post_contact, interaction=f.make_interaction(agent), language="en")
        response = answer(invitation, csat)
        moved = SurveyResponse.objects.filter(pk=response.pk)
        with survey_rollup_kept(responses=moved):  # written past the services: the results' rollup follows the move
            moved.update(started_at=now - timedelta(days=days))
    months = survey_trend(actor=qa_lead, survey=post_contact, period="month")
    assert [(t.csat.n, t.csat.value) for t in months if t.csat] == [(1, 0.0), (2, 100.0)]
    weeks = survey_trend(actor=qa_lead, survey=post_contact, period="week")
    assert sum(t.csat.n for t in weeks if t.csat) == 3 and all(t.start.weekday() == 0 for t in weeks)
    page = page_client(qa_lead).get(f"/surveys/{post_contact.pk}/?period=week")
    assert page.status_code == 200 and 'id="survey-trend"' in page.content.decode()


def test_following_up_writes_one_audit_event_shown_on_the_response_page(unhappy, team_lead, qa_lead, other_team) -> None:
    from qadesk.audit.models import AppendOnlyError, AuditEvent

    before = page_client(qa_lead).get(f"/surveys/responses/{unhappy.pk}/").content.decode()
    assert "Audit trail" in before and "Not followed up yet." in before
    page_client(team_lead).post(f"/surveys/responses/{unhappy.pk}/follow-up/", {"note": "Called <b>back</b>"})
    page_client(qa_lead).post(f"/surveys/responses/{unhappy.pk}/follow-up/")  # refused: already done, nothing recorded
    events = list(AuditEvent.objects.filter(survey_response=unhappy))
    assert [(e.actor, e.action) for e in events] == [(team_lead, "follow_up")]
    assert events[0].changes == {"interaction": unhappy.interaction_id, "owner": team_lead.pk, "note": "Called <b>back</b>"}
    page = page_client(qa_lead).get(f"/surveys/responses/{unhappy.pk}/").content.decode()
    assert "followed up the customer" in page and "Called &lt;b&gt;back&lt;/b&gt;" in page
    assert "Not followed up yet." not in page
    lead = f.make_user("olga", "team_lead", other_team)
    assert page_client(lead).get(f"/surveys/responses/{unhappy.pk}/").status_code == 404
    with pytest.raises(AppendOnlyError):
        events[0].delete()
