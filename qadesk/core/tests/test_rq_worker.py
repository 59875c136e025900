"""With the Redis job backend (RQ), a `qadesk worker` killed mid-job leaves no work horse running the job on, and the job
is queued again and finishes.

A real worker process shares the test database, so this runs on PostgreSQL (the CI's Redis pass) with Redis reachable.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from qadesk.core.models import JobRun, JobStatus
from qadesk.core.services import job_enqueue, jobs_reclaim
from qadesk.core.tests.jobs import slow_job
from qadesk.core.tests.processes import QADESK, ROOT, alive, children, environment, wait_for
from qadesk.testing.rq import django_rq_admin_forgotten

REDIS_URL = os.environ.get("QADESK_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs the test database: PostgreSQL"),
    pytest.mark.skipif(not _redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL}"),
]


@pytest.fixture
def rq_backend(settings: Any) -> Iterator[None]:
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.QADESK_WORKER_LEASE_SECONDS = 2
    with django_rq_admin_forgotten():
        if "django_rq" not in settings.INSTALLED_APPS:
            settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
        yield


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_rq_worker_takes_its_horse_with_it_and_the_job_is_queued_again(rq_backend: None, tmp_path: Path) -> None:
    import django_rq

    django_rq.get_queue("default").empty()  # jobs other tests left: this worker runs only ours
    env = environment(
        tmp_path,
        tmp_path,
        DATABASE_URL=_database_url(),
        QADESK_TASKS_BACKEND="rq",
        QADESK_REDIS_URL=REDIS_URL,
        QADESK_WORKER_HEARTBEAT_SECONDS="1",
    )
    worker = subprocess.Popen([*QADESK, "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    horses: list[int] = []
    try:
        with transaction.atomic():
            job = JobRun.objects.create(kind="test")
            job_enqueue(job=job, task=slow_job, args=[job.pk, 600], max_attempts=2)
        wait_for(lambda: JobRun.objects.get(pk=job.pk).status == JobStatus.RUNNING, 60, "the horse to start the job")
        horses += wait_for(lambda: children(worker.pid), 10, "the work horse")
        worker.kill()
        worker.wait()
        wait_for(lambda: not alive(horses[0]), 5, "the horse to die with its worker")
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        for pid in horses:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    time.sleep(2.5)  # the dead worker's lease runs out
    assert jobs_reclaim() == [JobRun.objects.get(pk=job.pk)]
    call_command("worker", batch=True, in_process=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert "The worker running this job stopped" in job.log and job.log.endswith("slept on attempt 2")
