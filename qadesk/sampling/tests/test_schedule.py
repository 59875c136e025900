"""Automatic plans: which periods are due, queued once, and drawn by `qadesk scheduler --once` then `qadesk worker --batch`."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from qadesk.accounts.models import Agent, User
from qadesk.core.models import JobRun, JobStatus
from qadesk.sampling.models import SamplingPlan, SamplingRun
from qadesk.sampling.periods import last_complete_period
from qadesk.sampling.selectors import sampling_plans_due
from qadesk.sampling.services import sampling_plan_create
from qadesk.sampling.tasks import enqueue_due_sampling_plans
from qadesk.sampling.tests.conftest import WEEK
from qadesk.testing import factories as f

pytestmark = pytest.mark.django_db
NEXT_MONDAY = WEEK + timedelta(days=7)


def _plan(actor: User, reviewers: list[User], **extra: Any) -> SamplingPlan:
    extra = {"name": "Auto", "n_per_agent": 4, "period": "week", "seed": 7, "auto_run": True} | extra
    return sampling_plan_create(actor=actor, reviewers=reviewers, **extra)


def test_it_finds_the_ended_period_of_active_automatic_plans_only(qa_lead: User, reviewer: User) -> None:
    auto = _plan(qa_lead, [reviewer])
    _plan(qa_lead, [reviewer], name="By hand", auto_run=False)
    _plan(qa_lead, [reviewer], name="Paused", is_active=False)
    assert sampling_plans_due(today=NEXT_MONDAY) == [(auto, WEEK)]
    assert sampling_plans_due(today=NEXT_MONDAY - timedelta(days=1)) == [(auto, WEEK - timedelta(days=7))]


def test_it_skips_a_drawn_period(qa_lead: User, reviewer: User) -> None:
    auto = _plan(qa_lead, [reviewer])
    SamplingRun.objects.create(plan=auto, period_start=WEEK, period_end=NEXT_MONDAY, seed=7)
    assert sampling_plans_due(today=NEXT_MONDAY) == []


def test_it_catches_up_on_days_missed_within_a_week_but_not_older(qa_lead: User, reviewer: User) -> None:
    daily = _plan(qa_lead, [reviewer], period="day")
    SamplingRun.objects.create(plan=daily, period_start=WEEK, period_end=WEEK + timedelta(days=1), seed=7)
    days = [start for _plan_, start in sampling_plans_due(today=WEEK + timedelta(days=4))]
    assert days == [WEEK + timedelta(days=n) for n in (1, 2, 3)]
    days = [start for _plan_, start in sampling_plans_due(today=WEEK + timedelta(days=30))]
    assert days == [WEEK + timedelta(days=n) for n in range(22, 30)]  # periods that ended in the last 7 days


def test_it_queues_a_due_period_once_and_retries_a_failed_one_hours_later(
    qa_lead: User, reviewer: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _plan(qa_lead, [reviewer])
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due_sampling_plans.call() == 1
        assert enqueue_due_sampling_plans.call() == 0  # still queued: a second scheduler or tick adds nothing
    assert [r.task.name for r in task_backends["default"].results] == ["run_sampling_plan"]  # type: ignore[attr-defined]
    job = JobRun.objects.get()
    job.status = JobStatus.FAILED
    job.save()
    assert enqueue_due_sampling_plans.call() == 0
    JobRun.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=7))
    assert enqueue_due_sampling_plans.call() == 1


@pytest.fixture
def last_week_interactions(agent: Agent, other_team_agent: Agent) -> None:
    """Each agent: 12 interactions in the last complete week before today (phone, email, chat in turn)."""
    start = last_complete_period("week", timezone.localdate())
    first = timezone.make_aware(datetime.combine(start, datetime.min.time())) + timedelta(hours=9)
    for a in (agent, other_team_agent):
        for i in range(12):
            f.make_interaction(a, channel=["phone", "email", "chat"][i % 3], created_at=first + timedelta(hours=i), messages=[])


@pytest.mark.django_db(transaction=True)
def test_it_draws_a_due_plan_through_the_scheduler_and_the_database_worker(
    qa_lead: User, reviewer: User, last_week_interactions: None, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = _plan(qa_lead, [reviewer])
    call_command("scheduler", "--once")
    assert "queued qadesk.sampling.tasks.enqueue_due_sampling_plans" in capsys.readouterr().out
    assert not plan.runs.exists()
    call_command("worker", "--batch")
    run = plan.runs.get()
    assert run.period_start == last_complete_period("week", timezone.localdate())
    assert (run.candidates, run.drawn, run.assigned) == (24, 8, 8)
    assert JobRun.objects.get(kind="sampling").status == JobStatus.SUCCEEDED
    call_command("scheduler", "--once")
    call_command("worker", "--batch")
    assert plan.runs.count() == 1 and JobRun.objects.filter(kind="sampling").count() == 1


def test_it_sets_auto_run_through_the_api(qa_lead: User, reviewer: User) -> None:
    client = Client()
    client.force_login(qa_lead)
    body = {"name": "Weekly", "reviewers": [reviewer.pk], "auto_run": True}
    created = client.post("/api/v1/sampling/plans", body, content_type="application/json").json()
    assert created["auto_run"] is True and "schedule" not in created
    updated = client.put(f"/api/v1/sampling/plans/{created['id']}", {**body, "auto_run": False}, content_type="application/json")
    assert updated.json()["auto_run"] is False and SamplingPlan.objects.get().auto_run is False


def test_it_says_on_the_plan_page_when_the_plan_draws(qa_lead: User, reviewer: User) -> None:
    client = Client()
    client.force_login(qa_lead)
    auto, by_hand = _plan(qa_lead, [reviewer]), _plan(qa_lead, [reviewer], name="Hand", auto_run=False)
    assert "Automatically when each week ends" in client.get(reverse("sampling:plan", args=[auto.pk])).content.decode()
    assert "By hand (Run now)" in client.get(reverse("sampling:plan", args=[by_hand.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_turns_every_old_schedule_but_none_into_auto_run(qa_lead: User) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("sampling", "0001_initial")])
    old = executor.loader.project_state([("sampling", "0001_initial")]).apps.get_model("sampling", "SamplingPlan")
    for schedule in ("none", "daily", "weekly", "monthly"):
        old.objects.create(name=schedule, schedule=schedule, seed=1, created_by_id=qa_lead.pk)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app: going back unapplied their later migrations too
    assert dict(SamplingPlan.objects.values_list("name", "auto_run")) == {
        "none": False,
        "daily": True,
        "weekly": True,
        "monthly": True,
    }
