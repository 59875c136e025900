"""Background jobs that survive their worker: queue a JobRun's task, and reclaim the jobs of workers that died.

A worker killed mid-job (out of memory, kill -9, the machine rebooting) leaves its job "running" forever unless someone
notices. Every worker keeps a heartbeat (core/workers.py); `jobs_reclaim` — run at each scheduler tick and when a worker
starts — takes a worker whose heartbeat is older than the lease for dead, and for each job it was running:
- queues it again when its kind allows another attempt (JobRun.max_attempts; a sampling draw does: see
  sampling/services.py), saying so in the job's log,
- or marks it failed with the reason.
The task queue's own record agrees: the database backend's task result is marked failed too (RQ moves the job of a
dead worker to its failed registry by itself).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

from qadesk.core.models import JobRun, JobStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)

# Heartbeat rows of workers gone this long are deleted (the newest one is kept: it says when a worker was last seen).
HEARTBEAT_KEPT = timedelta(days=7)
# Queued jobs whose task is looked up in the queue at one reclaim (a long backlog is looked at over several ticks).
LOOKUPS_PER_TICK = 200


class WorkerLost(Exception):
    """The worker running a task stopped before the task ended (recorded on the task queue's own result)."""


def lease() -> timedelta:
    """How long a worker may stay silent before it is taken for dead."""
    return timedelta(seconds=settings.QADESK_WORKER_LEASE_SECONDS)


def job_enqueue(*, job: JobRun, task: Task[Any, Any], args: list[Any], max_attempts: int = 1) -> JobRun:
    """Queue `task(*args)` for `job` once the current transaction commits; it may be queued up to `max_attempts` times.

    Only jobs safe to run twice should allow more than one attempt: a job is queued again when its worker died
    mid-way, without knowing how far it got.
    """
    job.task_path, job.task_args, job.max_attempts, job.attempts = task.module_path, args, max_attempts, 1
    job.save(update_fields=["task_path", "task_args", "max_attempts", "attempts"])
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    """Hand the job's task to the queue and note the task's id; a queue that refuses it fails the job, saying why."""
    job = JobRun.objects.get(pk=job_id)
    try:
        result = import_string(job.task_path).enqueue(*job.task_args)
    except Exception as exc:
        logger.exception("could not queue job %s", job_id)
        with _language_of(job):
            job.finish(status=JobStatus.FAILED, log=_("The job could not be queued: {error}").format(error=exc))
        return
    JobRun.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def jobs_reclaim(*, now: datetime | None = None) -> list[JobRun]:
    """Queue again, or fail, the jobs whose worker stopped and the queued jobs whose task is gone; returns them."""
    now = now or timezone.now()
    reclaimed: list[JobRun] = []
    with transaction.atomic():
        gone = {
            w.worker_id: w
            for w in WorkerHeartbeat.objects.select_for_update().filter(
                Q(last_seen_at__lt=now - lease()) | Q(stopped_at__isnull=False)
            )
        }
        for job in JobRun.objects.select_for_update().filter(status=JobStatus.RUNNING, worker_id__in=list(gone)):
            with _language_of(job):
                reason = _("The worker running this job stopped (last seen {time}).").format(
                    time=_when(gone[job.worker_id].last_seen_at)
                )
                reclaimed.append(_retry_or_fail(job, reason))
        _fail_task_results(gone, now)
    reclaimed += _reclaim_lost_tasks(now)
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - HEARTBEAT_KEPT).exclude(
        pk=WorkerHeartbeat.objects.order_by("-last_seen_at").values("pk")[:1]
    ).delete()
    for job in reclaimed:
        logger.warning("reclaimed job %s (%s): %s", job.pk, job.kind, job.status)
    return reclaimed


def _retry_or_fail(job: JobRun, reason: str) -> JobRun:
    if job.task_path and job.attempts < job.max_attempts:
        job.attempts += 1
        job.status, job.worker_id, job.started_at, job.progress = JobStatus.QUEUED, "", None, 0
        note = _("Queued again (attempt {n} of {most}).").format(n=job.attempts, most=job.max_attempts)
        job.log = "\n".join(line for line in (job.log, reason, note) if line)
        job.save(update_fields=["attempts", "status", "worker_id", "started_at", "progress", "log"])
        transaction.on_commit(lambda: _send(job.pk))
        return job
    job.finish(status=JobStatus.FAILED, log=reason)
    return job


def _reclaim_lost_tasks(now: datetime) -> list[JobRun]:
    """Queued jobs (older than the lease) whose task the queue no longer has waiting: it failed before the job started
    (the worker died between taking it and starting it) or was lost (Redis emptied)."""
    backend = task_backends["default"]
    reclaimed = []
    queued = JobRun.objects.filter(status=JobStatus.QUEUED, created_at__lt=now - lease()).exclude(task_id="")
    for job in queued.order_by("created_at")[:LOOKUPS_PER_TICK]:
        try:
            status = str(backend.get_result(job.task_id).status)
        except TaskResultDoesNotExist:
            status = "lost"
        except NotImplementedError:
            return []
        if status in {"READY", "RUNNING"}:
            continue
        with transaction.atomic(), _language_of(job):
            locked = JobRun.objects.select_for_update().filter(pk=job.pk, status=JobStatus.QUEUED, task_id=job.task_id).first()
            if locked is not None:
                reason = _("The job's task ended before the job started ({status}).").format(status=status.lower())
                reclaimed.append(_retry_or_fail(locked, reason))
    return reclaimed


def _fail_task_results(gone: dict[str, WorkerHeartbeat], now: datetime) -> None:
    """Mark failed the database backend's task results left running by a worker that is gone (as RQ does for its own)."""
    if not gone:
        return
    from django_tasks_db.models import DBTaskResult

    for result in DBTaskResult.objects.select_for_update().filter(status="RUNNING"):
        worker = (result.worker_ids or [""])[-1]
        if worker in gone:
            result.set_failed(WorkerLost(f"worker {worker} stopped (last seen {gone[worker].last_seen_at.isoformat()})"))


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _language_of(job: JobRun) -> translation.override:
    """The job's log in the words of who started it (the default language for scheduled jobs)."""
    user = job.created_by if job.created_by_id else None
    return translation.override((getattr(user, "language", "") or "") or settings.LANGUAGE_CODE)
