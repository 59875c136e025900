"""Jobs outlive their worker: a job whose worker stopped is queued again or failed with the reason, the task queue's own
record agrees, and the pages say when no worker runs. (The same with real processes: test_processes.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from qadesk.core.management.commands.serve import WorkerSupervisor
from qadesk.core.models import JobRun, JobStatus, WorkerHeartbeat
from qadesk.core.selectors import worker_status
from qadesk.core.services import job_enqueue, jobs_reclaim
from qadesk.core.tests.jobs import slow_job
from qadesk.core.workers import Heartbeat, current_worker_id

pytestmark = pytest.mark.django_db

SLOW = "qadesk.core.tests.jobs.slow_job"


@pytest.fixture(autouse=True)
def _database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.QADESK_WORKER_LEASE_SECONDS = 60


def heartbeat(worker_id: str, *, seconds_ago: float, stopped: bool = False) -> WorkerHeartbeat:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, host="web-1", pid=4242, backend="db", started_at=seen, last_seen_at=seen,
        stopped_at=seen if stopped else None,
    )  # fmt: skip


def queued_job(capture: Any, *, max_attempts: int = 2, **fields: Any) -> JobRun:
    with capture(execute=True):
        job = JobRun.objects.create(kind="test", **fields)
        job_enqueue(job=job, task=slow_job, args=[job.pk, 0], max_attempts=max_attempts)
    job.refresh_from_db()
    return job


def running_job(capture: Any, worker_id: str, **kwargs: Any) -> JobRun:
    """A job a worker took: its task result claimed by the worker, the JobRun started by it."""
    job = queued_job(capture, **kwargs)
    DBTaskResult.objects.get(pk=job.task_id).claim(worker_id)
    JobRun.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker_id=worker_id, started_at=timezone.now())
    job.refresh_from_db()
    return job


def test_it_queues_again_the_job_of_a_worker_silent_beyond_the_lease(django_capture_on_commit_callbacks) -> None:
    heartbeat("dead", seconds_ago=90)
    job = running_job(django_capture_on_commit_callbacks, "dead")
    first_task = job.task_id
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reclaim() == [job]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker_id, job.started_at) == (JobStatus.QUEUED, 2, "", None)
    assert "The worker running this job stopped (last seen" in job.log and "Queued again (attempt 2 of 2)." in job.log
    # The first task is failed, saying why; the job has a new task waiting with the same arguments.
    old = DBTaskResult.objects.get(pk=first_task)
    assert old.status == "FAILED" and old.exception_class_path == "qadesk.core.services.WorkerLost"
    assert job.task_id != first_task
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
    assert DBTaskResult.objects.get(pk=job.task_id).args_kwargs["args"] == [job.pk, 0]


def test_it_fails_the_job_when_no_attempt_is_left(django_capture_on_commit_callbacks) -> None:
    heartbeat("dead", seconds_ago=90)
    job = running_job(django_capture_on_commit_callbacks, "dead", max_attempts=1)
    jobs_reclaim()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "The worker running this job stopped (last seen" in job.log and "Queued again" not in job.log


def test_it_leaves_alone_the_jobs_of_a_worker_seen_within_the_lease(django_capture_on_commit_callbacks) -> None:
    heartbeat("alive", seconds_ago=30)
    job = running_job(django_capture_on_commit_callbacks, "alive")
    assert jobs_reclaim() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and DBTaskResult.objects.get(pk=job.task_id).status == "RUNNING"


def test_a_worker_that_stopped_cleanly_mid_job_gives_its_job_back(django_capture_on_commit_callbacks) -> None:
    """A worker told twice to stop cuts its job short; it stopped cleanly but the job did not end."""
    heartbeat("stopped", seconds_ago=1, stopped=True)
    job = running_job(django_capture_on_commit_callbacks, "stopped")
    assert jobs_reclaim() == [job]


def test_a_queued_job_whose_task_failed_before_it_started_is_queued_again(django_capture_on_commit_callbacks) -> None:
    job = queued_job(django_capture_on_commit_callbacks)
    JobRun.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reclaim() == [job]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 2
    assert "The job's task ended before the job started (failed)." in job.log


def test_a_queued_job_still_waiting_in_the_queue_is_left_alone(django_capture_on_commit_callbacks) -> None:
    job = queued_job(django_capture_on_commit_callbacks)
    JobRun.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=5))
    assert jobs_reclaim() == []


def test_the_reason_is_written_in_the_language_of_who_started_the_job(django_capture_on_commit_callbacks, qa_lead: Any) -> None:
    qa_lead.language = "it"
    qa_lead.save()
    heartbeat("dead", seconds_ago=90)
    job = running_job(django_capture_on_commit_callbacks, "dead", max_attempts=1, created_by=qa_lead)
    jobs_reclaim()
    job.refresh_from_db()
    with translation.override("it"):
        assert translation.gettext("The worker running this job stopped (last seen {time}).").split("{")[0] in job.log
    assert "The worker running" not in job.log


def test_a_worker_records_itself_and_the_jobs_it_runs() -> None:
    beat = Heartbeat(worker_id="web-1.1.abc", backend="db", interval=3600)
    beat.start()
    try:
        assert current_worker_id() == "web-1.1.abc"
        job = JobRun.objects.create(kind="test")
        job.start()
        assert JobRun.objects.get(pk=job.pk).worker_id == "web-1.1.abc"
        assert worker_status().missing is False
    finally:
        beat.stop()
    assert current_worker_id() is None
    row = WorkerHeartbeat.objects.get(worker_id="web-1.1.abc")
    assert row.stopped_at is not None
    assert worker_status().missing is True  # the only worker stopped


def test_it_says_when_no_worker_was_seen_for_a_while(settings: Any) -> None:
    assert worker_status() == worker_status().__class__(needed=True, last_seen=None, missing=True, minutes=0)
    heartbeat("old", seconds_ago=5 * 60 + 5)
    assert worker_status().missing is True and worker_status().minutes == 5
    heartbeat("fresh", seconds_ago=5)
    assert worker_status().missing is False
    WorkerHeartbeat.objects.all().delete()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert worker_status().needed is False and worker_status().missing is False  # jobs run in the request


def test_old_heartbeats_are_pruned_but_the_last_one_is_kept() -> None:
    heartbeat("older", seconds_ago=20 * 86400)
    heartbeat("old", seconds_ago=10 * 86400)
    jobs_reclaim()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["old"]


def test_admins_are_warned_on_every_page_when_no_worker_runs(client, admin_user, qa_lead) -> None:
    client.force_login(admin_user)
    page = client.get("/account/settings/").content.decode()
    assert "No background worker has been seen yet" in page and "qadesk worker" in page
    heartbeat("fresh", seconds_ago=5)
    assert "No background worker" not in client.get("/account/settings/").content.decode()
    WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=3))
    assert "No background worker has been seen for 3 minutes" in client.get("/interactions/").content.decode()
    client.force_login(qa_lead)  # not an admin: warned on the page of a waiting job only
    assert "No background worker" not in client.get("/interactions/").content.decode()


@pytest.mark.parametrize(
    ("lived", "expected"),
    [
        # seconds each worker ran before dying → wait before each restart
        ([0, 0, 0, 0, 0, 0, 0, 0], [1, 2, 4, 8, 16, 32, 60, 60]),
        ([0, 0, 0, 61, 0], [1, 2, 4, 1, 2]),  # a minute of healthy running resets the wait
    ],
)
def test_the_supervisor_waits_longer_while_the_worker_keeps_dying(lived: list[float], expected: list[float]) -> None:
    supervisor = WorkerSupervisor(base_delay=1)
    delay, waits = 1.0, []
    for seconds in lived:
        wait, delay = supervisor.next_delay(delay, seconds)
        waits.append(wait)
    assert waits == expected
