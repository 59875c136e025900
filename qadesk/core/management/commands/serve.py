"""`qadesk serve`: collect static files and serve the app with gunicorn, with a background worker beside it.

The worker (`qadesk worker --scheduler`) runs queued jobs ("Run now", imports…) and the periodic ones (due
sampling plans, calibration reminders). It is a child process: it stops when serve stops. With --no-worker,
run `qadesk worker --scheduler` (or an RQ worker and `qadesk scheduler`) yourself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.wsgiapp import WSGIApplication

WORKER_COMMAND = [sys.executable, "-m", "qadesk.cli", "worker", "--scheduler"]
STOP_SECONDS = 30  # like gunicorn's graceful timeout: time for a running job to finish


class GunicornApp(WSGIApplication):  # type: ignore[misc]
    """gunicorn's own application, given its command line as a list."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        super().__init__("%(prog)s [OPTIONS] [APP_MODULE]")

    def load_config(self) -> None:
        saved, sys.argv = sys.argv, self.argv
        try:
            super().load_config()
        finally:
            sys.argv = saved


def start_worker() -> subprocess.Popen[bytes]:
    """Start `qadesk worker --scheduler` as a child process with the same settings and environment.

    In its own session, so a Ctrl+C meant for serve does not reach it: serve stops it with one SIGTERM, which lets
    a running job finish (a second signal would cut it short).
    """
    return subprocess.Popen(WORKER_COMMAND, env=os.environ.copy(), start_new_session=True)  # noqa: S603 (our own interpreter)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish its current job and stop; kill it if it has not stopped after STOP_SECONDS."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(BaseCommand):
    help = "Serve qadesk over HTTP (gunicorn; static files by whitenoise), with a background job worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background job worker and scheduler (run `qadesk worker --scheduler` elsewhere).",
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"qadesk is serving on http://{host}:{port}/"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        argv = ["qadesk", "qadesk.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers)]
        argv += ["--access-logfile", "-"]
        worker = None if no_worker else start_worker()
        if worker is not None:
            self.stdout.write(f"Background worker and scheduler: process {worker.pid}")
        server_pid = os.getpid()
        try:
            GunicornApp(argv).run()
        finally:
            # gunicorn's own workers are forks of this process and leave through here too: only the server stops it.
            if worker is not None and os.getpid() == server_pid:
                stop_worker(worker)
