"""Sampling over the API, per persona."""

import pytest
from django.test import Client

from qadesk.accounts.models import Agent, User
from qadesk.reviews.models import AssignmentStatus, ReviewAssignment
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_run
from qadesk.sampling.tests.conftest import WEEK

pytestmark = pytest.mark.django_db
URL = "/api/v1/sampling"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lets_a_qa_lead_create_and_update_a_plan(qa_lead: User, reviewer: User) -> None:
    client = _client(qa_lead)
    body = {
        "name": "Phones",
        "n_per_agent": 3,
        "reviewers": [reviewer.pk],
        "strata": {"by": ["channel"], "proportions": {"phone": 1}},
    }
    created = client.post(f"{URL}/plans", body, content_type="application/json")
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["reviewers"] == [reviewer.pk] and isinstance(plan["seed"], int)
    updated = client.put(f"{URL}/plans/{plan['id']}", {**body, "n_per_agent": 6}, content_type="application/json")
    assert updated.json()["n_per_agent"] == 6
    assert client.delete(f"{URL}/plans/{plan['id']}").json()["is_active"] is False


@pytest.mark.parametrize("persona", ["reviewer", "team_lead", "agent_user", "manager"])
def test_it_refuses_plan_changes_to_everyone_else(persona: str, request: pytest.FixtureRequest) -> None:
    response = _client(request.getfixturevalue(persona)).post(f"{URL}/plans", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_it_rejects_an_unknown_stratum_dimension(qa_lead: User) -> None:
    body = {"name": "x", "strata": {"by": ["mood"]}}
    response = _client(qa_lead).post(f"{URL}/plans", body, content_type="application/json")
    assert response.status_code == 400 and "mood" in response.json()["detail"]


@pytest.mark.parametrize(
    ("strata", "said"),
    [
        ({"by": ["channel"]}, "“phone = 50”"),  # stratified, but no share for any stratum
        ({"by": ["site", "channel"], "proportions": {"phone": 1, "Milano|chat": 1}}, "phone: each stratum needs one value"),
        ({"proportions": {"phone": 1}}, "Choose what to stratify by"),
    ],
)
def test_it_refuses_strata_the_draw_could_not_follow(qa_lead: User, strata: dict[str, object], said: str) -> None:
    response = _client(qa_lead).post(f"{URL}/plans", {"name": "x", "strata": strata}, content_type="application/json")
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"][-2:] == ["strata", "proportions"] and said in error["msg"]
    assert not SamplingPlan.objects.exists()


@pytest.mark.parametrize(
    ("persona", "count"), [("qa_lead", 1), ("manager", 1), ("reviewer", 1), ("team_lead", 0), ("agent_user", 0)]
)
def test_it_shows_plans_to_who_may_see_them(persona: str, count: int, plan: SamplingPlan, request: pytest.FixtureRequest) -> None:
    assert len(_client(request.getfixturevalue(persona)).get(f"{URL}/plans").json()) == count


def test_it_runs_a_plan_now_and_lists_the_run(
    plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User, django_capture_on_commit_callbacks: object
) -> None:
    client = _client(qa_lead)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(f"{URL}/plans/{plan.pk}/run", {"period_start": WEEK.isoformat()}, content_type="application/json")
    assert response.status_code == 202
    job = client.get(f"{URL}/jobs/{response.json()['id']}").json()
    assert job["status"] == "succeeded" and job["counts"]["assigned"] == 8 and job["warning"] is None
    runs = client.get(f"{URL}/runs", {"plan": plan.pk}).json()
    assert [(r["drawn"], r["assigned"], r["per_stratum"]["counts"]["phone"]) for r in runs] == [(8, 8, 4)]


def test_run_now_warns_when_no_worker_will_pick_the_job_up(plan: SamplingPlan, qa_lead: User, settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]
    response = _client(qa_lead).post(f"{URL}/plans/{plan.pk}/run", {}, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["attempts"] == 1
    assert body["warning"] == "No background worker has been seen lately: start one with `qadesk worker`."


def test_it_refuses_run_now_to_a_reviewer(plan: SamplingPlan, reviewer: User) -> None:
    response = _client(reviewer).post(f"{URL}/plans/{plan.pk}/run", {}, content_type="application/json")
    assert response.status_code == 403


def test_it_reports_coverage_and_strata_never_sampled(plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User) -> None:
    plan.strata = {"by": ["channel"], "proportions": {"phone": 1, "email": 1}}
    plan.save()
    sampling_plan_run(plan=plan, actor=qa_lead, period_start=WEEK)
    ReviewAssignment.objects.filter(interaction__agent=week_interactions[0]).update(status=AssignmentStatus.DONE)
    report = _client(qa_lead).get(f"{URL}/plans/{plan.pk}/coverage").json()
    by_agent = {row["key"]: (row["planned"], row["done"], row["coverage"]) for row in report["groups"]["agent"]}
    assert by_agent == {"a.rossi": (4, 4, 100.0), "b.martin": (4, 0, 0.0)}  # percent, like every other rate
    assert {row["key"] for row in report["groups"]["team"]} == {"Milano Ordini", "Lyon Livraisons"}
    assert report["never_sampled"] == [{"stratum": "chat", "interactions": 8}]


def test_it_hides_coverage_from_agents(plan: SamplingPlan, agent_user: User) -> None:
    assert _client(agent_user).get(f"{URL}/plans/{plan.pk}/coverage").status_code == 404
