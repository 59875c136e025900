"""The Redis-backed tasks backend (django-tasks-rq): a sampling job enqueued in Redis and run by an RQ worker.

Runs against the local Redis (QADESK_REDIS_URL, default redis://127.0.0.1:6379/15); skipped when it is unreachable.
"""

import os
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction

from qadesk.accounts.models import Agent, User
from qadesk.reviews.models import ReviewAssignment
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_enqueue
from qadesk.sampling.tests.conftest import WEEK
from qadesk.testing.rq import django_rq_admin_forgotten

REDIS_URL = os.environ.get("QADESK_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL}")


@pytest.fixture
def rq_backend(settings: object) -> Iterator[None]:
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}  # type: ignore[attr-defined]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}  # type: ignore[attr-defined]
    with django_rq_admin_forgotten():
        if "django_rq" not in settings.INSTALLED_APPS:  # type: ignore[attr-defined]
            settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]  # type: ignore[attr-defined]
        yield


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_sampling_job_queued_in_redis(
    rq_backend: None, plan: SamplingPlan, week_interactions: list[Agent], qa_lead: User
) -> None:
    import django_rq

    queue = django_rq.get_queue("default")
    before = queue.count
    with transaction.atomic():
        job = sampling_plan_enqueue(plan=plan, actor=qa_lead, period_start=WEEK)
    assert ReviewAssignment.objects.count() == 0 and queue.count == before + 1  # waiting in Redis, not run
    # In process: the test database (in-memory on SQLite) is not shared with a forked work horse.
    call_command("worker", batch=True, in_process=True)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.counts["assigned"] == 8
    assert ReviewAssignment.objects.count() == 8 and queue.count == 0


@pytest.mark.django_db(transaction=True)
def test_it_draws_an_automatic_plan_through_the_scheduler_and_an_rq_worker(
    rq_backend: None, plan: SamplingPlan, qa_lead: User
) -> None:
    import django_rq

    from qadesk.core.models import JobRun

    plan.auto_run = True
    plan.save()
    call_command("scheduler", "--once")
    assert django_rq.get_queue("default").count >= 2  # the two periodic jobs, waiting in Redis
    call_command("worker", batch=True, in_process=True)
    assert plan.runs.count() == 1 and JobRun.objects.get(kind="sampling").status == "succeeded"
