"""The review workflow through the API door: queue, acknowledgement, coaching notes, revisions, audit, reopening."""

import pytest
from django.test import Client

from qadesk.accounts.models import Role
from qadesk.accounts.services import api_token_create
from qadesk.disputes.services import ContestedCriterion, dispute_decide, dispute_open
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
JSON = "application/json"


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def review(default_scorecard, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(default_scorecard, empathy=2))
    return review_submit(review=review, actor=reviewer)


# --- Assignments -------------------------------------------------------------------------------------------------------


def test_a_qa_lead_assigns_in_bulk_and_the_reviewer_sees_the_queue(agent, interaction, reviewer, qa_lead) -> None:
    second = f.make_interaction(agent)
    api = bearer(qa_lead)
    payload = {"interactions": [interaction.pk, second.pk], "reviewer": "dario", "due_at": "2031-01-31T17:00:00Z"}
    created = api.post("/api/v1/reviews/assignments", payload, content_type=JSON)
    assert created.status_code == 201, created.content
    assert sorted(a["interaction"] for a in created.json()) == sorted([interaction.pk, second.pk])
    assert {(a["reviewer"], a["assigned_by"], a["status"]) for a in created.json()} == {("dario", "elena", "open")}
    again = api.post(
        "/api/v1/reviews/assignments", {"interactions": [interaction.pk], "reviewer": str(reviewer.pk)}, content_type=JSON
    )
    assert (again.status_code, again.json()) == (201, [])
    queue = session(reviewer).get("/api/v1/reviews/assignments?mine=true").json()
    assert queue["count"] == 2
    assert {a["external_id"] for a in queue["items"]} == {interaction.external_id, second.external_id}


def test_only_qa_leads_assign_and_unknown_ids_answer_404(interaction, reviewer, qa_lead) -> None:
    payload = {"interactions": [interaction.pk], "reviewer": "dario"}
    refused = bearer(reviewer).post("/api/v1/reviews/assignments", payload, content_type=JSON)
    assert refused.status_code == 403 and refused.json()["detail"]
    api = bearer(qa_lead)
    assert (
        api.post(
            "/api/v1/reviews/assignments", {**payload, "interactions": [interaction.pk + 999]}, content_type=JSON
        ).status_code
        == 404
    )
    assert api.post("/api/v1/reviews/assignments", {**payload, "reviewer": "nobody"}, content_type=JSON).status_code == 404


def test_the_queue_is_the_callers_unless_a_qa_lead_asks_for_everyones(interaction, reviewer, qa_lead) -> None:
    colleague = f.make_user("ugo", Role.REVIEWER)
    second = f.make_interaction(interaction.agent)  # one interaction stays in one queue at a time
    for who, item in (("dario", interaction), ("ugo", second)):
        response = bearer(qa_lead).post(
            "/api/v1/reviews/assignments", {"interactions": [item.pk], "reviewer": who}, content_type=JSON
        )
        assert response.status_code == 201, response.content
    assert [a["reviewer"] for a in bearer(colleague).get("/api/v1/reviews/assignments?mine=false").json()["items"]] == ["ugo"]
    assert bearer(qa_lead).get("/api/v1/reviews/assignments").json()["count"] == 0
    assert bearer(qa_lead).get("/api/v1/reviews/assignments?mine=false").json()["count"] == 2


# --- Acknowledgement and coaching notes --------------------------------------------------------------------------------


def test_the_agent_acknowledges_and_others_cannot(review, agent_user, other_team_agent_user, reviewer) -> None:
    url = f"/api/v1/reviews/{review.pk}/acknowledge"
    assert session(other_team_agent_user).post(url).status_code == 404
    assert bearer(reviewer).post(url).status_code == 403
    response = session(agent_user).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_at"] is not None
    assert bearer(agent_user).get(f"/api/v1/reviews/{review.pk}").json()["acknowledged_at"] == response.json()["acknowledged_at"]


def test_a_team_lead_coaches_only_their_teams_reviews(
    default_scorecard, review, other_interaction, reviewer, team_lead, agent_user
) -> None:
    other_review = review_create(interaction=other_interaction, actor=reviewer)
    review_save(review=other_review, actor=reviewer, ratings=perfect_ratings(default_scorecard))
    review_submit(review=other_review, actor=reviewer)
    api = bearer(team_lead)
    created = api.post(f"/api/v1/reviews/{review.pk}/coaching-notes", {"body": "Warmer closing, please."}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert (created.json()["author"], created.json()["body"]) == ("carla", "Warmer closing, please.")
    other = api.post(f"/api/v1/reviews/{other_review.pk}/coaching-notes", {"body": "Hi"}, content_type=JSON)
    assert other.status_code == 404
    notes = session(agent_user).get(f"/api/v1/reviews/{review.pk}/coaching-notes").json()
    assert [n["body"] for n in notes] == ["Warmer closing, please."]


def test_a_reviewer_who_sees_the_review_still_cannot_coach(review, reviewer) -> None:
    response = bearer(reviewer).post(f"/api/v1/reviews/{review.pk}/coaching-notes", {"body": "x"}, content_type=JSON)
    assert response.status_code == 403


# --- Revisions, audit trail, reopening ---------------------------------------------------------------------------------


def test_revisions_and_the_audit_trail_after_a_dispute(default_scorecard, review, reviewer, agent_user, qa_lead) -> None:
    empathy = criteria_by_code(default_scorecard)["empathy"].pk
    dispute = dispute_open(review=review, actor=agent_user, argument="I was kind.", items=[ContestedCriterion(empathy, 5)])
    dispute_decide(dispute=dispute, actor=reviewer, accepted={empathy: True}, note="Fair point.")
    api = bearer(agent_user)
    revisions = api.get(f"/api/v1/reviews/{review.pk}/revisions").json()
    assert [(r["number"], r["score"], r["reason"], r["dispute"]) for r in revisions] == [
        (1, 95.31, "", None),
        (2, 100, "Fair point.", dispute.pk),
    ]
    assert {r["code"]: r["value"] for r in revisions[0]["ratings"]}["empathy"] == 2
    assert {r["code"]: r["value"] for r in revisions[1]["ratings"]}["empathy"] == 5
    detail = api.get(f"/api/v1/reviews/{review.pk}").json()
    assert (detail["score"], detail["original_score"], detail["revision"]) == (100, 95.31, 2)
    trail = session(qa_lead).get(f"/api/v1/reviews/{review.pk}/audit").json()
    assert [(e["action"], e["actor"]) for e in trail] == [
        ("create", "dario"),
        ("save", "dario"),
        ("submit", "dario"),
        ("dispute", "alice"),
        ("revise", "dario"),
        ("decide", "dario"),
    ]
    assert trail[4]["changes"]["ratings"] == {str(empathy): [2, 5]} and trail[4]["dispute"] == dispute.pk
    assert [e["created_at"] for e in trail] == sorted(e["created_at"] for e in trail)


def test_unseen_reviews_answer_404_on_every_workflow_endpoint(review, other_team_agent_user) -> None:
    api = bearer(other_team_agent_user)
    for suffix in ("revisions", "audit", "coaching-notes"):
        assert api.get(f"/api/v1/reviews/{review.pk}/{suffix}").status_code == 404
    for suffix in ("acknowledge", "reopen"):
        assert api.post(f"/api/v1/reviews/{review.pk}/{suffix}").status_code == 404


def test_a_qa_lead_reopens_a_locked_review(default_scorecard, review, reviewer, agent_user, qa_lead) -> None:
    empathy = criteria_by_code(default_scorecard)["empathy"].pk
    dispute = dispute_open(review=review, actor=agent_user, argument="I was kind.", items=[ContestedCriterion(empathy, 5)])
    dispute_decide(dispute=dispute, actor=reviewer, accepted={}, note="No.")
    assert bearer(agent_user).get(f"/api/v1/reviews/{review.pk}").json()["scores_locked"] is True
    assert bearer(reviewer).post(f"/api/v1/reviews/{review.pk}/reopen").status_code == 403
    response = bearer(qa_lead).post(f"/api/v1/reviews/{review.pk}/reopen")
    assert response.status_code == 200 and response.json()["scores_locked"] is False
    again = bearer(qa_lead).post(f"/api/v1/reviews/{review.pk}/reopen")
    assert again.status_code == 409 and again.json()["detail"]
