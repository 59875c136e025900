"""`qadesk serve`: collect static files and serve the app with gunicorn, with a background worker beside it.

The worker (`qadesk worker --scheduler`) runs queued jobs ("Run now", imports…) and the periodic ones (due
sampling plans, calibration reminders). It is a child process, watched by a supervisor thread: when it dies it is
started again, after 1 s, then 2, 4… up to 60 s if it keeps dying (back to 1 s once it has run for a minute). It stops
when serve stops, and also when serve is killed (it watches its parent: core/lifeline.py). With --no-worker, run
`qadesk worker --scheduler` (or an RQ worker and `qadesk scheduler`) yourself.

gunicorn's run-time files (its control socket, its workers' heartbeat files) go to DATA_DIR/run, not the home directory
that every instance on the host would share.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.wsgiapp import WSGIApplication

from qadesk.core.management.commands.worker import PARENT_ENV

WORKER_COMMAND = [sys.executable, "-m", "qadesk.cli", "worker", "--scheduler"]
STOP_SECONDS = 30  # like gunicorn's graceful timeout: time for a running job to finish
MAX_RESTART_DELAY = 60.0
HEALTHY_AFTER = 60.0  # a worker that ran this long counts as healthy: the next restart waits the base delay again
POLL_SECONDS = 0.5

logger = logging.getLogger(__name__)


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


def run_dir() -> Path:
    """DATA_DIR/run, readable by this user only: the server's run-time files."""
    path = Path(settings.DATA_DIR) / "run"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def start_worker(*, quiet: bool = False) -> subprocess.Popen[bytes]:
    """Start `qadesk worker --scheduler` as a child process with the same settings and environment.

    In its own session, so a Ctrl+C meant for serve does not reach it: serve stops it with one SIGTERM, which lets
    a running job finish (a second signal would cut it short). Told serve's pid, it stops if serve dies.
    """
    env = {**os.environ, PARENT_ENV: str(os.getpid())}
    command = [*WORKER_COMMAND, "-v", "0"] if quiet else WORKER_COMMAND
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 (our own interpreter)


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


class WorkerSupervisor:
    """Keeps one worker running beside the server: starts it, starts it again when it dies, stops it at the end.

    Every start happens on the supervisor's own thread, which lives until the worker is stopped: on Linux the worker's
    parent-death signal fires when the thread that started it ends, not only the process.
    """

    def __init__(
        self,
        *,
        base_delay: float = 1.0,
        max_delay: float = MAX_RESTART_DELAY,
        healthy_after: float = HEALTHY_AFTER,
        quiet: bool = False,
    ):
        self.base_delay, self.max_delay, self.healthy_after = base_delay, max_delay, healthy_after
        self.quiet = quiet  # the worker says only warnings and errors (serve -v 0, as `make run` runs it)
        self.process: subprocess.Popen[bytes] | None = None
        self.started = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="qadesk-worker-supervisor", daemon=True)

    def start(self) -> subprocess.Popen[bytes]:
        self._thread.start()
        self.started.wait(10)
        assert self.process is not None
        return self.process

    def stop(self) -> None:
        """Stop the worker (letting its current job finish, up to STOP_SECONDS) and the supervisor."""
        self._stop.set()
        self._thread.join(STOP_SECONDS + 10)

    def next_delay(self, delay: float, lived: float) -> tuple[float, float]:
        """(wait before this restart, the one after): doubles while the worker keeps dying, resets once it ran a while."""
        if lived >= self.healthy_after:
            delay = self.base_delay
        return delay, min(delay * 2, self.max_delay)

    def _run(self) -> None:
        delay = self.base_delay
        while True:
            self.process = start_worker(quiet=self.quiet)
            self.started.set()
            born = time.monotonic()
            # gunicorn reaps every child of this process too, so the worker's exit code may be lost: poll, don't wait.
            while self.process.poll() is None and not self._stop.wait(POLL_SECONDS):
                pass
            if self._stop.is_set():
                stop_worker(self.process)
                return
            wait, delay = self.next_delay(delay, time.monotonic() - born)
            logger.warning("background worker %s stopped; starting it again in %.1f s", self.process.pid, wait)
            sys.stderr.write(f"qadesk: background worker {self.process.pid} stopped; starting it again in {wait:.1f} s\n")
            if self._stop.wait(wait):
                return


class Command(BaseCommand):
    help = "Serve qadesk over HTTP (gunicorn; static files by whitenoise), with a background job worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="Threads per worker (default 1: gunicorn's sync workers, a request at a time, a connection per request); "
            "more runs gunicorn's threaded workers, which keep connections alive and let a worker answer others while a "
            "request waits for the database.",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background job worker and scheduler (run `qadesk worker --scheduler` elsewhere).",
        )
        parser.add_argument(
            "--worker-restart-delay",
            type=float,
            default=1.0,
            help="Seconds before starting a stopped worker again; doubles while it keeps stopping, up to 60 (default: 1).",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int = 1,
        no_worker: bool,
        worker_restart_delay: float,
        **options: Any,
    ) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        # -v 0 (`make run`): the URL, then the access log, warnings and errors only.
        quiet = options.get("verbosity", 1) == 0
        self.stdout.write(self.style.SUCCESS(f"qadesk is serving on http://{host}:{port}/"))
        if not quiet:
            self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        run = run_dir()
        argv = ["qadesk", "qadesk.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers)]
        argv += ["--threads", str(threads)] if threads > 1 else []
        argv += ["--access-logfile", "-", "--control-socket", str(run / "gunicorn.ctl"), "--worker-tmp-dir", str(run)]
        argv += ["--log-level", "warning"] if quiet else []
        supervisor = None if no_worker else WorkerSupervisor(base_delay=worker_restart_delay, quiet=quiet)
        if supervisor is not None:
            pid = supervisor.start().pid
            if not quiet:
                self.stdout.write(f"Background worker and scheduler: process {pid}")
        server_pid = os.getpid()
        try:
            GunicornApp(argv).run()
        finally:
            # gunicorn's own workers are forks of this process and leave through here too: only the server stops it.
            if supervisor is not None and os.getpid() == server_pid:
                supervisor.stop()
