"""A plan's filters are checked when it is saved (API 422 naming the filter, a form error in the UI), and a plan stored
with a bad filter is reported by the draw (job failed with the reason, CLI exit code 1) instead of crashing it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client
from django.urls import reverse

from qadesk import cli
from qadesk.accounts.models import Team, User
from qadesk.core.models import JobRun
from qadesk.interactions.models import Label
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_enqueue
from qadesk.sampling.tests.conftest import WEEK

pytestmark = pytest.mark.django_db
URL = "/api/v1/sampling/plans"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(user: User, filters: object) -> tuple[int, dict]:
    response = _client(user).post(URL, {"name": "Filtered", "filters": filters}, content_type="application/json")
    return response.status_code, response.json()


def test_it_refuses_team_names_naming_the_id_to_use(qa_lead: User, team: Team) -> None:
    status, body = _create(qa_lead, {"teams": [team.name]})
    assert status == 422
    [error] = body["detail"]
    assert error["loc"] == ["body", "payload", "filters", "teams"]
    assert error["msg"] == f"Teams are given by id, not by name: “{team.name}” is team {team.pk}."
    assert not SamplingPlan.objects.exists()


@pytest.mark.parametrize(
    ("filters", "field", "reason"),
    [
        ({"teams": ["T1"]}, "teams", "Teams are given by id (a number), and “T1” is not one."),
        ({"teams": [987654]}, "teams", "No team has the id: 987654."),
        ({"teams": 3}, "teams", "must be a list of team ids"),
        ({"labels": ["nope"]}, "labels", "No label has the code: nope"),
        ({"date_from": "yesterday"}, "date_from", "is not a date (YYYY-MM-DD)"),
        ({"date_from": "2026-11-09", "date_to": "2026-11-02"}, "date_from", "date_from is after date_to."),
        ({"long_handle_seconds": "long"}, "long_handle_seconds", "must be a whole number of seconds, 1 or more"),
        ({"mood": ["angry"]}, "mood", "mood is not a filter; the filters are: labels, teams, date_from"),
    ],
)
def test_it_refuses_a_bad_filter_with_422_naming_it(qa_lead: User, filters: dict, field: str, reason: str) -> None:
    status, body = _create(qa_lead, filters)
    assert status == 422
    assert body["detail"][0]["loc"][-2:] == ["filters", field] and reason in body["detail"][0]["msg"]


def test_it_accepts_good_filters_and_answers_in_the_users_language(qa_lead: User, team: Team) -> None:
    Label.objects.create(code="billing")
    good = {"teams": [team.pk], "labels": ["billing"], "date_from": "2026-11-01", "long_handle_seconds": 900}
    status, body = _create(qa_lead, good)
    assert status == 201 and body["filters"] == good
    qa_lead.language = "it"
    qa_lead.save()
    status, body = _create(qa_lead, {"teams": ["T1"]})
    assert status == 422 and "T1" in body["detail"][0]["msg"] and "Teams are given" not in body["detail"][0]["msg"]


def test_the_form_puts_a_bad_label_on_its_field(qa_lead: User, reviewer: User) -> None:
    data = {"name": "Typo", "n_per_agent": "3", "period": "week", "labels": "biling", "reviewers": [str(reviewer.pk)]}
    data |= {"due_days": "5", "is_active": "on"}
    response = _client(qa_lead).post(reverse("sampling:plan_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["labels"] == [
        "No label has the code: biling (labels come with imported interactions, or are added in the admin site)."
    ]
    assert not SamplingPlan.objects.filter(name="Typo").exists()


@pytest.fixture
def bad_plan(plan: SamplingPlan) -> SamplingPlan:
    """A plan stored with team names before filters were checked."""
    SamplingPlan.objects.filter(pk=plan.pk).update(filters={"teams": ["T1"]})
    plan.refresh_from_db()
    return plan


def test_the_command_line_reports_a_bad_stored_plan_without_a_traceback(
    bad_plan: SamplingPlan, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Django closes every connection when a command ends, the test's own (inside its transaction) included.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        cli.main(["sample", "run", str(bad_plan.pk), "--period-start", WEEK.isoformat()])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"Plan {bad_plan.pk} has an invalid filter: filters.teams: Teams are given by id" in err
    assert "Traceback" not in err and "ValueError" not in err
    job = JobRun.objects.get()
    assert job.status == "failed" and f"Plan {bad_plan.pk} has an invalid filter" in job.log
    with pytest.raises(CommandError):
        call_command("sample", "run", str(bad_plan.pk))


def test_the_background_job_of_a_bad_stored_plan_fails_saying_why(
    bad_plan: SamplingPlan, qa_lead: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = sampling_plan_enqueue(plan=bad_plan, actor=qa_lead, period_start=WEEK)
    job.refresh_from_db()
    assert job.status == "failed" and "has an invalid filter: filters.teams" in job.log
