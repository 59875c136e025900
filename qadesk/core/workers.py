"""The running `qadesk worker` process: its id, the heartbeat it keeps in the database, and RQ's worker class for it.

The heartbeat lets anyone tell a dead worker from a busy one: a worker refreshes its WorkerHeartbeat row every
QADESK_WORKER_HEARTBEAT_SECONDS from a thread of its own, whatever job it runs. `jobs_reclaim` (core/services.py) takes a
worker not seen for QADESK_WORKER_LEASE_SECONDS for dead; the job pages warn when no worker has been seen lately.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from qadesk.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

_current: str | None = None


def current_worker_id() -> str | None:
    """The id of the `qadesk worker` this code runs in (an RQ work horse shares its worker's), else None."""
    return _current


def new_worker_id() -> str:
    """A unique id naming the host and process, e.g. "web-1.12345.a1b2c3" (≤ 64 characters, as task tables keep)."""
    return f"{socket.gethostname()[:40]}.{os.getpid()}.{get_random_string(6)}"


def backend_needs_worker(backend_path: str) -> bool:
    """False for the backends that run a job in the caller (immediate) or never (dummy): no worker to miss."""
    return backend_path not in {
        "django_tasks.backends.immediate.ImmediateBackend",
        "django_tasks.backends.dummy.DummyBackend",
    }


class Heartbeat:
    """This process's WorkerHeartbeat row, refreshed from a daemon thread until `stop()`."""

    def __init__(self, *, worker_id: str, backend: str, interval: float | None = None) -> None:
        self.worker_id = worker_id
        self.backend = backend
        self.interval = interval if interval is not None else float(settings.QADESK_WORKER_HEARTBEAT_SECONDS)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Record the worker as running, make it the current one, and keep the record fresh."""
        global _current
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "backend": self.backend,
                "started_at": now,
                "last_seen_at": now,
                "stopped_at": None,
            },
        )
        _current = self.worker_id
        self._thread = threading.Thread(target=self._run, name="qadesk-heartbeat", daemon=True)
        self._thread.start()

    def beat(self) -> None:
        """Say this worker is alive (again: the row may have been pruned while the database was unreachable)."""
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(last_seen_at=now, stopped_at=None):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                backend=self.backend,
                started_at=now,
                last_seen_at=now,
            )

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception:  # the database is locked or down: say so, try again at the next beat
                logger.exception("worker heartbeat failed")
            finally:
                close_old_connections()
        connections.close_all()  # this thread's connections

    def stop(self) -> None:
        """Stop refreshing and record the worker as stopped (a clean exit)."""
        global _current
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        if _current == self.worker_id:
            _current = None
        now = timezone.now()
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(last_seen_at=now, stopped_at=now)
        except Exception:
            logger.exception("could not record worker %s as stopped", self.worker_id)
