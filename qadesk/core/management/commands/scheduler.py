"""`qadesk scheduler`: enqueue periodic background jobs (due sampling plans, calibration reminders) as they fall due."""

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qadesk.core import schedule


class Command(BaseCommand):
    help = "Enqueue periodic jobs every minute for the worker (--once: one tick, e.g. from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue the jobs that are due now, then exit.")
        parser.add_argument(
            "--tick", type=float, default=schedule.TICK_SECONDS, help="Seconds between ticks (default: %(default)s)."
        )

    def handle(self, *args: Any, once: bool, tick: float, **options: Any) -> None:
        if once:
            for name in schedule.tick():
                self.stdout.write(f"queued {name}")
            return
        jobs = ", ".join(f"{job.name} every {job.every}" for job in schedule.periodic_jobs())
        self.stdout.write(f"scheduler: {jobs}")
        stop = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        schedule.run(stop=stop, tick_seconds=tick)
