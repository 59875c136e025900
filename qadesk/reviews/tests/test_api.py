"""Reviews through the API door: token auth, visibility (404 for the unseen), the full scoring flow."""

import pytest
from django.test import Client

from qadesk.accounts.services import api_token_create
from qadesk.reviews.services import review_create, review_save, review_submit
from qadesk.reviews.tests.helpers import criteria_by_code, perfect_ratings

pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def submitted_review(version, interaction, reviewer):
    review = review_create(interaction=interaction, actor=reviewer)
    review_save(review=review, actor=reviewer, ratings=perfect_ratings(version, empathy=2))
    return review_submit(review=review, actor=reviewer)


def test_it_refuses_calls_without_credentials(db) -> None:
    assert Client().get("/api/v1/reviews").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer qad_wrong").get("/api/v1/reviews").status_code == 401


def test_a_reviewer_scores_an_interaction_end_to_end(default_scorecard, interaction, reviewer) -> None:
    api = bearer(reviewer)
    created = api.post("/api/v1/reviews", {"interaction": interaction.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    review_id = created.json()["id"]
    criteria = criteria_by_code(default_scorecard)
    ratings = [{"criterion": c.pk, "value": c.rating_choices()[-1]} for code, c in criteria.items() if code != "right_sop"]
    ratings.append({"criterion": criteria["right_sop"].pk, "value": 0, "root_causes": ["wrong_sop"], "comment": "SOP-RPL used"})
    response = api.put(
        f"/api/v1/reviews/{review_id}/ratings",
        {"ratings": ratings, "comment": "ok", "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["score"] == 0  # right_sop is critical
    assert body["high_impact_errors"] == 1
    failed = [r for r in body["ratings"] if r["failed"]]
    assert [(r["criterion_code"], r["root_causes"]) for r in failed] == [("right_sop", ["wrong_sop"])]


def test_a_rule_broken_answers_400_with_the_reason_in_the_users_language(default_scorecard, interaction, reviewer) -> None:
    reviewer.language = "it"
    reviewer.save()
    api = bearer(reviewer)
    review_id = api.post("/api/v1/reviews", {"interaction": interaction.pk}, content_type="application/json").json()["id"]
    response = api.post(f"/api/v1/reviews/{review_id}/submit")
    assert response.status_code == 400
    assert response.json()["detail"]  # the catalogue provides the Italian text once compiled


def test_an_agent_sees_only_their_own_submitted_reviews(
    default_scorecard, interaction, other_interaction, reviewer, agent_user
) -> None:
    mine = submitted_review(default_scorecard, interaction, reviewer)
    theirs = submitted_review(default_scorecard, other_interaction, reviewer)
    api = bearer(agent_user)
    listed = api.get("/api/v1/reviews").json()
    assert [r["id"] for r in listed["items"]] == [mine.pk]
    assert api.get(f"/api/v1/reviews/{mine.pk}").status_code == 200
    assert api.get(f"/api/v1/reviews/{theirs.pk}").status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_other_team"), [("team_lead", False), ("qa_lead", True), ("manager", True), ("reviewer", True)]
)
def test_visibility_per_persona(
    request, persona, sees_other_team, default_scorecard, interaction, other_interaction, reviewer
) -> None:
    own_team = submitted_review(default_scorecard, interaction, reviewer)
    other = submitted_review(default_scorecard, other_interaction, reviewer)
    api = bearer(request.getfixturevalue(persona))
    assert api.get(f"/api/v1/reviews/{own_team.pk}").status_code == 200
    assert api.get(f"/api/v1/reviews/{other.pk}").status_code == (200 if sees_other_team else 404)


def test_an_agent_cannot_create_a_review_of_an_unseen_interaction(default_scorecard, other_interaction, agent_user) -> None:
    response = bearer(agent_user).post("/api/v1/reviews", {"interaction": other_interaction.pk}, content_type="application/json")
    assert response.status_code == 404


def test_another_reviewer_cannot_rate_a_draft(default_scorecard, interaction, reviewer, qa_lead) -> None:
    review = review_create(interaction=interaction, actor=reviewer)
    response = bearer(qa_lead).put(f"/api/v1/reviews/{review.pk}/ratings", {"ratings": []}, content_type="application/json")
    assert response.status_code == 403
    assert "reviewer who started" in response.json()["detail"]


def test_the_list_costs_three_queries_for_one_review_or_many(default_scorecard, agent, reviewer, qa_lead) -> None:
    """The token, the count, the page: the names a row shows come with it (no query per row), and nothing is written."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qadesk.testing import factories as f

    api = bearer(qa_lead)
    submitted_review(default_scorecard, f.make_interaction(agent), reviewer)
    review_create(interaction=f.make_interaction(agent), actor=reviewer)  # a draft: other columns empty
    api.get("/api/v1/reviews")  # the token's first use writes its last_used_at (at most once a minute)
    for _ in range(8):
        submitted_review(default_scorecard, f.make_interaction(agent), reviewer)
    with CaptureQueriesContext(connection) as ctx:
        rows = api.get("/api/v1/reviews").json()["items"]
    assert len(rows) == 10
    assert len(ctx.captured_queries) == 3
    assert all(not q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) for q in ctx.captured_queries)
    assert {row["reviewer"] for row in rows} == {reviewer.username}
    assert {row["agent"] for row in rows} == {agent.username}
