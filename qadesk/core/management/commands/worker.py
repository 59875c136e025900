"""`qadesk worker`: runs background jobs with the configured tasks backend's worker, and with --scheduler the periodic ones.

Database backend (default): django-tasks-db's `db_worker`. RQ backend (QADESK_TASKS_BACKEND=rq): django-rq's
`rqworker` on the backend's queues, with the job class django-tasks-rq needs. --scheduler runs the scheduler loop
(qadesk/core/schedule.py) in a thread beside it, so one process serves a small install; `qadesk serve` starts it so.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from qadesk.core import schedule

RQ_BACKEND = "django_tasks_rq.RQBackend"


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
        if options["scheduler"]:
            if options["batch"]:
                schedule.tick()
            else:
                schedule.start_thread()
        backend = settings.TASKS["default"]
        if backend["BACKEND"] == RQ_BACKEND:
            extra: dict[str, Any] = {"max_jobs": options["max_tasks"]} if options["max_tasks"] else {}
            if options["in_process"]:
                extra["worker_class"] = "rq.worker.SimpleWorker"
            queues = backend.get("QUEUES", ["default"])
            call_command("rqworker", *queues, job_class="django_tasks_rq.Job", burst=options["batch"], **extra)
            return
        extra = {"max_tasks": options["max_tasks"]} if options["max_tasks"] else {}
        call_command("db_worker", batch=options["batch"], startup_delay=False, **extra)
