"""Periodic background work: a registry of tasks to enqueue every so often, and the loop that enqueues them.

An app declares a periodic job in its `tasks.py`:

    @periodic(every=timedelta(minutes=10))
    @task()
    def enqueue_due_sampling_plans() -> int: ...

`qadesk scheduler` (or `qadesk worker --scheduler`, which `qadesk serve` starts) ticks every minute; a tick
reclaims the jobs of workers that died (core/services.py) and enqueues, with the configured django-tasks backend, each
job whose interval has passed. The interval is kept
in the database (PeriodicJobState), so several schedulers enqueue a job once per interval between them, and the
jobs themselves are idempotent, so an extra run does no harm.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from qadesk.core.models import PeriodicJobState
from qadesk.core.services import jobs_reclaim

logger = logging.getLogger(__name__)

TICK_SECONDS = 60.0
TaskT = TypeVar("TaskT", bound=Task[Any, Any])


@dataclass(frozen=True)
class PeriodicJob:
    """A task the scheduler enqueues (without arguments) every `every`."""

    name: str
    task: Task[Any, Any]
    every: timedelta


_registry: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta) -> Callable[[TaskT], TaskT]:
    """Register a task (declared with @task(), taking no arguments) to be enqueued every `every`."""

    def register(task: TaskT) -> TaskT:
        _registry[task.module_path] = PeriodicJob(name=task.module_path, task=task, every=every)
        return task

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Every registered periodic job, after importing each app's `tasks` module where they are declared."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda job: job.name)


def _claim(job: PeriodicJob, now: datetime) -> bool:
    """Take this interval's turn of the job; of several schedulers, only the one whose UPDATE changes the row wins."""
    following = now + job.every
    _state, created = PeriodicJobState.objects.get_or_create(
        name=job.name, defaults={"next_run_at": following, "last_enqueued_at": now}
    )
    if created:
        return True
    due = PeriodicJobState.objects.filter(name=job.name, next_run_at__lte=now)
    return due.update(next_run_at=following, last_enqueued_at=now) == 1


def tick(*, now: datetime | None = None) -> list[str]:
    """Reclaim the jobs of dead workers, then enqueue the periodic jobs that are due; returns their names."""
    now = now or timezone.now()
    try:
        jobs_reclaim(now=now)
    except Exception:  # the periodic jobs are still queued
        logger.exception("scheduler: could not reclaim the jobs of stopped workers")
    enqueued = []
    for job in periodic_jobs():
        try:
            # Claim and enqueue together: if the queue refuses the job, the claim rolls back and the next tick retries.
            with transaction.atomic():
                if not _claim(job, now):
                    continue
                job.task.enqueue()
        except Exception:
            logger.exception("scheduler: could not queue %s", job.name)
            continue
        enqueued.append(job.name)
        logger.info("scheduler: queued %s", job.name)
    return enqueued


def run(*, stop: threading.Event, tick_seconds: float = TICK_SECONDS) -> None:
    """Tick until `stop` is set; a failing tick (database locked, queue down) is logged and retried next time."""
    while not stop.is_set():
        try:
            tick()
        except Exception:
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick_seconds)
    connections.close_all()  # this thread's connections


def start_thread(*, tick_seconds: float = TICK_SECONDS) -> tuple[threading.Thread, threading.Event]:
    """Run the loop in a daemon thread (beside a worker); set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=run, kwargs={"stop": stop, "tick_seconds": tick_seconds}, name="qadesk-scheduler")
    thread.daemon = True
    thread.start()
    return thread, stop
