"""Disputes through the API door: visibility per persona (404 for the unseen), the whole flow, filters."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qadesk.accounts.services import api_token_create
from qadesk.disputes.models import Dispute
from qadesk.interactions.models import InteractionAgent
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


def submitted(version, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, empathy=2, warmth=3))
    return review_submit(review=review, actor=reviewer)


@pytest.fixture
def review(default_scorecard, interaction, reviewer):
    return submitted(default_scorecard, interaction, reviewer)


@pytest.fixture
def other_review(default_scorecard, other_interaction, reviewer):
    return submitted(default_scorecard, other_interaction, reviewer)


@pytest.fixture
def criteria(default_scorecard):
    return criteria_by_code(default_scorecard)


def open_payload(review, criteria, *codes: str) -> dict:
    items = [{"criterion": criteria[c].pk, "proposed_value": 5} for c in codes]
    return {"review": review.pk, "argument": "I acknowledged the customer twice.", "items": items}


def test_the_whole_dispute_flow(review, criteria, agent_user, reviewer, qa_lead) -> None:
    agent_api, reviewer_api, lead_api = bearer(agent_user), session(reviewer), bearer(qa_lead)
    opened = agent_api.post("/api/v1/disputes", open_payload(review, criteria, "empathy", "warmth"), content_type=JSON)
    assert opened.status_code == 201, opened.content
    dispute = opened.json()
    assert (dispute["status"], dispute["assignee"], dispute["agent"], dispute["overdue"]) == ("open", "dario", "a.rossi", False)
    assert [(i["criterion_code"], i["original_value"], i["proposed_value"]) for i in dispute["items"]] == [
        ("empathy", 2, 5),
        ("warmth", 3, 5),
    ]
    url = f"/api/v1/disputes/{dispute['id']}"
    said = reviewer_api.post(f"{url}/messages", {"body": "Where exactly?"}, content_type=JSON)
    assert said.status_code == 201 and said.json()["author"] == "dario"
    assert agent_api.post(f"{url}/escalate").json()["assignee"] == "elena"
    decision = {"accepted": [{"criterion": criteria["empathy"].pk}], "note": "Empathy yes, warmth no."}
    decided = lead_api.post(f"{url}/decide", decision, content_type=JSON)
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert (body["status"], body["outcome"], body["decided_by"], body["decision_note"]) == (
        "decided",
        "partial",
        "elena",
        "Empathy yes, warmth no.",
    )
    assert [(i["criterion_code"], i["accepted"], i["decided_value"]) for i in body["items"]] == [
        ("empathy", True, 5),
        ("warmth", False, 3),
    ]
    seen = agent_api.get(url).json()
    assert [m["body"] for m in seen["thread"]] == ["Where exactly?"]
    after = agent_api.get(f"/api/v1/reviews/{review.pk}").json()
    assert (after["revision"], after["original_score"], after["score"]) == (2, 92.19, pytest.approx((1600 - 50) / 16, abs=0.01))
    assert [e["action"] for e in agent_api.get(f"/api/v1/reviews/{review.pk}/audit").json()][-5:] == [
        "dispute",
        "comment",
        "escalate",
        "revise",
        "decide",
    ]


def test_an_agent_cannot_see_or_dispute_another_agents_review(
    review, other_review, criteria, agent_user, other_team_agent_user
) -> None:
    theirs = bearer(other_team_agent_user).post(
        "/api/v1/disputes", open_payload(other_review, criteria, "empathy"), content_type=JSON
    )
    api = bearer(agent_user)
    assert api.post("/api/v1/disputes", open_payload(other_review, criteria, "empathy"), content_type=JSON).status_code == 404
    assert api.get(f"/api/v1/disputes/{theirs.json()['id']}").status_code == 404
    assert api.post(f"/api/v1/disputes/{theirs.json()['id']}/messages", {"body": "hi"}, content_type=JSON).status_code == 404
    assert api.get("/api/v1/disputes").json()["count"] == 0


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("agent_user", {"a.rossi"}),
        ("team_lead", {"a.rossi"}),
        ("reviewer", {"a.rossi", "b.martin"}),
        ("qa_lead", {"a.rossi", "b.martin"}),
        ("manager", {"a.rossi", "b.martin"}),
        ("other_team_agent_user", {"b.martin"}),
    ],
)
def test_dispute_visibility_per_persona(
    request, persona, sees, review, other_review, criteria, agent_user, other_team_agent_user, qa_lead, manager
) -> None:
    for who, r in ((agent_user, review), (other_team_agent_user, other_review)):
        assert bearer(who).post("/api/v1/disputes", open_payload(r, criteria, "empathy"), content_type=JSON).status_code == 201
    listed = session(request.getfixturevalue(persona)).get("/api/v1/disputes").json()["items"]
    assert {d["agent"] for d in listed} == sees


def test_a_broken_rule_answers_400_with_the_reason(review, criteria, agent_user) -> None:
    response = bearer(agent_user).post(
        "/api/v1/disputes", {**open_payload(review, criteria, "empathy"), "argument": " "}, content_type=JSON
    )
    assert response.status_code == 400
    assert "argument" in response.json()["detail"]
    assert not Dispute.objects.exists()


def test_only_the_assignee_or_a_qa_lead_decides(review, criteria, agent_user, team_lead) -> None:
    dispute_id = (
        bearer(agent_user).post("/api/v1/disputes", open_payload(review, criteria, "empathy"), content_type=JSON).json()["id"]
    )
    decision = {"accepted": [{"criterion": criteria["empathy"].pk}], "note": ""}
    assert bearer(agent_user).post(f"/api/v1/disputes/{dispute_id}/decide", decision, content_type=JSON).status_code == 403
    assert bearer(team_lead).post(f"/api/v1/disputes/{dispute_id}/decide", decision, content_type=JSON).status_code == 403


def test_a_decision_can_set_a_rating_or_na(review, criteria, agent_user, reviewer) -> None:
    payload = open_payload(review, criteria, "empathy", "warmth")
    dispute_id = bearer(agent_user).post("/api/v1/disputes", payload, content_type=JSON).json()["id"]
    accepted = [{"criterion": criteria["empathy"].pk, "value": 4}, {"criterion": criteria["warmth"].pk, "value": None}]
    body = (
        bearer(reviewer)
        .post(f"/api/v1/disputes/{dispute_id}/decide", {"accepted": accepted, "note": "ok"}, content_type=JSON)
        .json()
    )
    assert body["outcome"] == "accepted"
    assert {i["criterion_code"]: i["decided_value"] for i in body["items"]} == {"empathy": 4, "warmth": None}


def test_a_wrong_agent_dispute_recredits_the_review(review, agent_user, reviewer, team) -> None:
    InteractionAgent.objects.create(interaction=review.interaction, agent=f.make_agent("c.bianchi", team), position=1)
    payload = {"review": review.pk, "kind": "wrong_agent", "argument": "Carla answered this one."}
    dispute_id = bearer(agent_user).post("/api/v1/disputes", payload, content_type=JSON).json()["id"]
    decided = bearer(reviewer).post(
        f"/api/v1/disputes/{dispute_id}/decide", {"note": "Yes.", "credit_agent": "c.bianchi"}, content_type=JSON
    )
    assert decided.json()["outcome"] == "accepted"
    assert session(reviewer).get(f"/api/v1/reviews/{review.pk}").json()["agent"] == "c.bianchi"


def test_it_lists_overdue_and_filters_by_status(
    review, other_review, criteria, agent_user, other_team_agent_user, qa_lead
) -> None:
    late = bearer(agent_user).post("/api/v1/disputes", open_payload(review, criteria, "empathy"), content_type=JSON).json()["id"]
    fresh = (
        bearer(other_team_agent_user)
        .post("/api/v1/disputes", open_payload(other_review, criteria, "empathy"), content_type=JSON)
        .json()["id"]
    )
    Dispute.objects.filter(pk=late).update(due_at=timezone.now() - timedelta(hours=1))
    api = bearer(qa_lead)
    overdue = api.get("/api/v1/disputes?overdue=true").json()["items"]
    assert [(d["id"], d["overdue"]) for d in overdue] == [(late, True)]
    assert [d["id"] for d in api.get("/api/v1/disputes?overdue=false").json()["items"]] == [fresh]
    api.post(f"/api/v1/disputes/{fresh}/decide", {"accepted": [], "note": "No."}, content_type=JSON)
    assert [d["id"] for d in api.get("/api/v1/disputes?status=decided").json()["items"]] == [fresh]
    assert [d["id"] for d in api.get("/api/v1/disputes?status=open").json()["items"]] == [late]
    assert api.get("/api/v1/disputes?status=nonsense").status_code == 422


def test_the_list_costs_the_same_queries_for_one_dispute_or_many(
    default_scorecard, agent, reviewer, agent_user, criteria, qa_lead
) -> None:
    api = bearer(qa_lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/disputes").status_code == 200
        return len(ctx.captured_queries)

    def dispute_one() -> None:
        review = submitted(default_scorecard, f.make_interaction(agent), reviewer)
        bearer(agent_user).post("/api/v1/disputes", open_payload(review, criteria, "empathy"), content_type=JSON)

    dispute_one()
    queries()  # the token's first use writes its last_used_at (at most once a minute): count the requests after it
    one = queries()
    for _ in range(3):
        dispute_one()
    assert queries() == one
