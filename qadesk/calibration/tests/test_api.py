"""Calibration through the API per persona (404 for the unseen), and the CLI printing the same figures."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qadesk.accounts.services import api_token_create
from qadesk.calibration.tests.helpers import criteria, top_ratings

pytestmark = pytest.mark.django_db
JSON = "application/json"


def bearer(user) -> Client:
    _token, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_session_runs_end_to_end_through_the_api(qa_lead, reviewer, reviewer2, default_scorecard, interaction) -> None:
    lead = bearer(qa_lead)
    body = {
        "title": "API calibration",
        "scorecard_version": default_scorecard.pk,
        "interactions": [interaction.pk],
        "participants": ["dario", "gina"],
        "deadline": (timezone.now() + timedelta(days=2)).isoformat(),
        "blind": False,
    }
    created = lead.post("/api/v1/calibration/sessions", body, content_type=JSON)
    assert created.status_code == 201, created.content
    session_id, item_id = created.json()["id"], created.json()["items"][0]["id"]
    assert created.json()["participants"] == ["dario", "gina"]
    url = f"/api/v1/calibration/sessions/{session_id}"
    for user, overrides in [(reviewer, {"empathy": 3}), (reviewer2, {})]:
        ratings = [{"criterion": pk, "value": v} for pk, v in top_ratings(default_scorecard, **overrides).items()]
        answer = bearer(user).post(f"{url}/items/{item_id}/score", {"ratings": ratings}, content_type=JSON)
        assert answer.status_code == 201, answer.content
    again = bearer(reviewer).post(f"{url}/items/{item_id}/score", {"ratings": ratings}, content_type=JSON)
    assert again.status_code == 409
    empathy = criteria(default_scorecard)["empathy"].pk
    agreed = lead.put(f"{url}/agreed", [{"item": item_id, "criterion": empathy, "value": 5}], content_type=JSON)
    assert agreed.status_code == 200, agreed.content
    results = lead.get(f"{url}/results").json()
    assert results["benchmark"] == "agreed_answers"
    assert results["criteria"][0]["code"] == "empathy"
    assert {r["reviewer"]: r["by_criterion"]["empathy"]["leniency"] for r in results["reviewers"]} == {"dario": -50, "gina": 0}
    assert lead.post(f"{url}/close", {}, content_type=JSON).json()["status"] == "closed"
    assert bearer(reviewer).get("/api/v1/calibration/reviewers/dario").json()["sessions"] == 1


@pytest.mark.parametrize("persona", ["reviewer", "manager", "qa_lead"])
def test_it_lists_and_reads_sessions_for_those_who_see_them(request, session, persona) -> None:
    api = bearer(request.getfixturevalue(persona))
    assert [s["id"] for s in api.get("/api/v1/calibration/sessions").json()] == [session.pk]
    assert api.get(f"/api/v1/calibration/sessions/{session.pk}/results").status_code == 200


@pytest.mark.parametrize("persona", ["agent_user", "team_lead"])
def test_it_answers_404_to_those_who_do_not(request, session, persona, default_scorecard) -> None:
    api = bearer(request.getfixturevalue(persona))
    url = f"/api/v1/calibration/sessions/{session.pk}"
    assert api.get("/api/v1/calibration/sessions").json() == []
    assert api.get(url).status_code == 404
    assert api.get(f"{url}/results").status_code == 404
    item = session.items.first().pk
    ratings = [{"criterion": pk, "value": v} for pk, v in top_ratings(default_scorecard).items()]
    assert api.post(f"{url}/items/{item}/score", {"ratings": ratings}, content_type=JSON).status_code == 404


def test_it_answers_403_when_a_participant_sets_agreed_answers_or_opens_a_session(session, reviewer, default_scorecard) -> None:
    api = bearer(reviewer)
    item, empathy = session.items.first().pk, criteria(default_scorecard)["empathy"].pk
    url = f"/api/v1/calibration/sessions/{session.pk}/agreed"
    assert api.put(url, [{"item": item, "criterion": empathy, "value": 3}], content_type=JSON).status_code == 403
    assert api.post(f"/api/v1/calibration/sessions/{session.pk}/close", {}, content_type=JSON).status_code == 403


def test_a_qa_lead_clears_an_agreed_answer_through_the_api(session, qa_lead, reviewer, default_scorecard) -> None:
    item, empathy = session.items.first().pk, criteria(default_scorecard)["empathy"].pk
    url = f"/api/v1/calibration/sessions/{session.pk}/agreed"
    lead = bearer(qa_lead)
    assert lead.put(url, [{"item": item, "criterion": empathy, "value": 3}], content_type=JSON).status_code == 200
    assert bearer(reviewer).delete(f"{url}/{item}/{empathy}").status_code == 403
    assert lead.delete(f"{url}/{item}/{empathy}").status_code == 204
    assert lead.get(f"/api/v1/calibration/sessions/{session.pk}/results").json()["benchmark"] != "agreed_answers"
    assert lead.delete(f"{url}/{item}/{empathy}").status_code == 404  # nothing left to clear


def test_it_answers_400_for_a_rating_off_the_scale(session, reviewer, default_scorecard) -> None:
    ratings = [{"criterion": pk, "value": v} for pk, v in top_ratings(default_scorecard, empathy=7).items()]
    url = f"/api/v1/calibration/sessions/{session.pk}/items/{session.items.first().pk}/score"
    answer = bearer(reviewer).post(url, {"ratings": ratings}, content_type=JSON)
    assert answer.status_code == 400 and "not a rating" in answer.json()["detail"]


def _score_all(session, default_scorecard, people) -> None:
    from qadesk.calibration.services import calibration_score_submit

    for n, actor in enumerate(people):
        for item in session.items.all():
            calibration_score_submit(item=item, actor=actor, ratings=top_ratings(default_scorecard, empathy=1 + n, warmth=5 - n))


def test_the_cli_report_prints_the_same_figures_as_the_api(
    session, qa_lead, reviewer, reviewer2, expert, default_scorecard
) -> None:
    _score_all(session, default_scorecard, [expert, reviewer, reviewer2])
    api = bearer(qa_lead).get(f"/api/v1/calibration/sessions/{session.pk}/results").json()
    out = io.StringIO()
    call_command("calibration", "report", str(session.pk), "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["overall"] == api["overall"] and printed["criteria"] == api["criteria"]
    assert printed["reviewers"] == api["reviewers"]
    assert [level["level"] for level in api["overall"]["by_level"]] == ["nominal", "ordinal"]
    # Each reviewer's empathy + warmth add up the same (1 + 5, 2 + 4, 3 + 3): equal review scores, alpha undefined.
    assert api["overall"]["review_score"] == {"level": "interval", "units": 2, "alpha": None}


def test_the_cli_csv_holds_overall_criteria_and_reviewers(session, default_scorecard, reviewer, reviewer2, expert) -> None:
    _score_all(session, default_scorecard, [expert, reviewer, reviewer2])
    out = io.StringIO()
    call_command("calibration", "report", str(session.pk), "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["kind"] for r in rows].count("criterion") == 10
    kinds = [(r["kind"], r["name"]) for r in rows[:4]]
    assert kinds == [("level", "nominal"), ("level", "ordinal"), ("review_score", ""), ("overall", "")]
    assert {"kappa", "kappa_kind", "kappa_units"} <= set(rows[0])
    assert {r["name"] for r in rows if r["kind"] == "reviewer"} == {"dario", "gina", "ines"}
    assert float(next(r for r in rows if r["name"] == "dario")["mean_deviation"]) == pytest.approx(2 * 25 / 10)


def test_the_cli_refuses_an_unknown_session_or_a_user_who_cannot_see_it(session, team_lead) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("calibration", "report", "99999")
    with pytest.raises(CommandError):
        call_command("calibration", "report", str(session.pk), "--user", team_lead.username)


def test_the_cli_csv_writes_a_hostile_reviewer_name_as_text(session, default_scorecard, reviewer, reviewer2, expert) -> None:
    from qadesk.accounts.models import User

    User.objects.filter(pk=reviewer2.pk).update(username="=HYPERLINK(1)")
    _score_all(session, default_scorecard, [expert, reviewer, User.objects.get(pk=reviewer2.pk)])
    out = io.StringIO()
    call_command("calibration", "report", str(session.pk), "--format", "csv", stdout=out)
    names = {r["name"] for r in csv.DictReader(io.StringIO(out.getvalue())) if r["kind"] == "reviewer"}
    assert names == {"dario", "'=HYPERLINK(1)", "ines"}
