"""Blind means blind: while a blind session is open, a participant who has not scored every item learns nothing
derived from the others' ratings (history, leniency, deviation, who has scored what), and while a session hides the
agent no interaction page or API answer names the agent to its participants (issue 15)."""

import pytest
from django.urls import reverse

from qadesk.calibration.selectors import calibration_reviewer_history
from qadesk.calibration.services import calibration_score_submit, calibration_session_close
from qadesk.calibration.tests.helpers import top_ratings
from qadesk.testing.clients import api_client as bearer
from qadesk.testing.clients import page_client as browser

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_scored(session, default_scorecard, reviewer, expert):
    """The expert scored both items; dario only the first, exactly like the expert (leniency 0.0 would say so)."""
    first, second = session.items.all()
    for item in (first, second):
        calibration_score_submit(item=item, actor=expert, ratings=top_ratings(default_scorecard))
    calibration_score_submit(item=first, actor=reviewer, ratings=top_ratings(default_scorecard))
    return session


def test_a_participant_history_hides_a_session_still_blind_to_them(half_scored, reviewer, qa_lead, default_scorecard) -> None:
    mine = bearer(reviewer).get("/api/v1/calibration/reviewers/dario").json()
    assert (mine["sessions"], mine["leniency"], mine["mean_deviation"]) == (1, None, None)
    assert mine["trend"] == [
        {
            "session": half_scored.pk,
            "title": half_scored.title,
            "date": mine["trend"][0]["date"],
            "leniency": None,
            "mean_deviation": None,
            "blinded": True,
        }
    ]
    page = browser(reviewer).get(reverse("calibration:reviewer", args=["dario"])).content.decode()
    assert "data-blinded" in page and "0.0" not in page
    # The QA lead sees the figures all along; dario sees them once he has scored everything.
    assert calibration_reviewer_history(reviewer=reviewer, actor=qa_lead)["leniency"] == 0.0
    calibration_score_submit(item=half_scored.items.all()[1], actor=reviewer, ratings=top_ratings(default_scorecard))
    assert bearer(reviewer).get("/api/v1/calibration/reviewers/dario").json()["trend"][0]["leniency"] == 0.0


def test_a_closed_session_shows_in_the_history_whatever_was_scored(half_scored, reviewer, qa_lead) -> None:
    calibration_session_close(session=half_scored, actor=qa_lead)
    history = calibration_reviewer_history(reviewer=reviewer, actor=reviewer)
    assert (history["leniency"], history["trend"][0]["blinded"]) == (0.0, False)


def test_a_blinded_participant_sees_only_their_own_progress(half_scored, reviewer, reviewer2, qa_lead) -> None:
    url = reverse("calibration:detail", args=[half_scored.pk])
    blinded = browser(reviewer2).get(url).content.decode()  # gina has scored nothing
    assert "gina" in blinded and "dario" not in blinded and "ines" not in blinded
    lead = browser(qa_lead).get(url).content.decode()
    assert all(name in lead for name in ("gina", "dario", "ines"))


def test_a_participant_does_not_learn_the_hidden_agent_from_the_interaction(
    half_scored, reviewer, reviewer2, qa_lead, interaction, agent
) -> None:
    outsider_reviewer_sees = bearer(qa_lead).get(f"/api/v1/interactions/{interaction.pk}").json()
    assert outsider_reviewer_sees["agent"] == agent.username and outsider_reviewer_sees["agents"] == [agent.username]
    detail = bearer(reviewer2).get(f"/api/v1/interactions/{interaction.pk}").json()
    assert (detail["agent"], detail["agents"]) == (None, [])
    assert {m["agent"] for m in detail["messages"]} == {None}
    listed = bearer(reviewer2).get("/api/v1/interactions").json()["items"]
    assert {i["agent"] for i in listed if i["id"] == interaction.pk} == {None}
    by_agent = bearer(reviewer2).get(f"/api/v1/interactions?agent={agent.pk}").json()
    assert interaction.pk not in {i["id"] for i in by_agent["items"]}
    page = browser(reviewer2).get(reverse("interactions:detail", args=[interaction.pk])).content.decode()
    assert "data-agent-hidden" in page and agent.username not in page and str(agent) not in page
    table = browser(reviewer2).get(reverse("interactions:list"), headers={"HX-Request": "true"}).content.decode()
    assert interaction.external_id in table and "hidden (calibration)" in table and str(agent) not in table
    # Closed, the session hides nothing any more.
    calibration_session_close(session=half_scored, actor=qa_lead)
    assert bearer(reviewer2).get(f"/api/v1/interactions/{interaction.pk}").json()["agent"] == agent.username
