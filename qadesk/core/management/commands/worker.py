"""`qadesk worker`: runs background jobs with the configured tasks backend's worker, and with --scheduler the periodic ones.

Database backend (default): django-tasks-db's `db_worker`. RQ backend (QADESK_TASKS_BACKEND=rq): django-rq's
`rqworker` on the backend's queues, with the job class django-tasks-rq needs and qadesk's worker class (its work horses
die with it). --scheduler runs the scheduler loop (qadesk/core/schedule.py) in a thread beside it, so one process
serves a small install; `qadesk serve` starts it so.

Every worker keeps a heartbeat in the database (core/workers.py) and, as it starts, reclaims the jobs of workers that
died (core/services.py). Started by `qadesk serve` (QADESK_PARENT_PID set), it stops when serve dies, however serve dies.
"""

import logging
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from qadesk.core import lifeline, schedule
from qadesk.core.services import jobs_reclaim
from qadesk.core.workers import Heartbeat, new_worker_id

RQ_BACKEND = "django_tasks_rq.RQBackend"
PARENT_ENV = "QADESK_PARENT_PID"  # set by `qadesk serve` for the worker it starts

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background job worker of the configured tasks backend (database or RQ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run every queued job, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--in-process", action="store_true", help="RQ: run jobs in the worker's own process (no fork), e.g. to debug."
        )
        parser.add_argument(
            "--scheduler",
            action="store_true",
            help="Also enqueue periodic jobs (due sampling plans, calibration reminders); with --batch, one tick first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parent = os.environ.pop(PARENT_ENV, "")
        if parent:
            lifeline.die_with_parent(int(parent))
        backend = settings.TASKS["default"]
        heartbeat = Heartbeat(worker_id=new_worker_id(), backend=str(backend["BACKEND"]))
        heartbeat.start()
        try:
            for job in jobs_reclaim():
                self.stderr.write(f"job {job.pk} ({job.kind}) of a worker that stopped: {job.status}")
            if options["scheduler"]:
                if options["batch"]:
                    schedule.tick()
                else:
                    schedule.start_thread()
            self._work(backend, heartbeat.worker_id, options)
        finally:
            heartbeat.stop()

    def _work(self, backend: dict[str, Any], worker_id: str, options: dict[str, Any]) -> None:
        if backend["BACKEND"] == RQ_BACKEND:
            extra: dict[str, Any] = {"max_jobs": options["max_tasks"]} if options["max_tasks"] else {}
            worker_class = "SimpleWorker" if options["in_process"] else "RQWorker"
            extra["worker_class"] = f"qadesk.core.rq_worker.{worker_class}"
            queues = backend.get("QUEUES", ["default"])
            call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=options["batch"], name=worker_id, **extra)
            return
        if options["verbosity"] == 0:
            _only_warnings()
        extra = {"max_tasks": options["max_tasks"]} if options["max_tasks"] else {}
        # No autoreload even with DEBUG: it would run the jobs in another process, away from this one's heartbeat.
        call_command(
            "db_worker", batch=options["batch"], startup_delay=False, reload=False, worker_id=worker_id, verbosity=1, **extra
        )


# The job queue's loggers: at -v 0 their every start and finish stays off the console, not their warnings and errors
# (db_worker's own -v 0 would hide those too).
JOB_LOGGERS = ("django_tasks", "django.tasks", "django_tasks_db")


def _only_warnings() -> None:
    for name in JOB_LOGGERS:
        logging.getLogger(name).addFilter(lambda record: record.levelno >= logging.WARNING)
