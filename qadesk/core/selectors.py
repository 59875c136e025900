"""Reads about the background machinery: is any worker running?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from qadesk.core.models import WorkerHeartbeat
from qadesk.core.services import lease
from qadesk.core.workers import backend_needs_worker


@dataclass(frozen=True)
class WorkerStatus:
    """Whether jobs can run: `missing` when the job backend needs a worker and none was seen within the lease."""

    needed: bool
    last_seen: datetime | None
    missing: bool
    minutes: int  # since a worker was last seen (0 if never)


def worker_status(*, now: datetime | None = None) -> WorkerStatus:
    """When a worker was last seen, and whether that is too long ago for queued jobs to run."""
    now = now or timezone.now()
    needed = backend_needs_worker(str(settings.TASKS["default"]["BACKEND"]))
    if not needed:
        return WorkerStatus(needed=False, last_seen=None, missing=False, minutes=0)
    seen = WorkerHeartbeat.objects.aggregate(
        last=Max("last_seen_at"), running=Max("last_seen_at", filter=Q(stopped_at__isnull=True))
    )
    last_seen: datetime | None = seen["last"]
    missing = seen["running"] is None or now - seen["running"] > lease()  # a worker that stopped cleanly is not running
    minutes = int((now - last_seen).total_seconds() // 60) if last_seen else 0
    return WorkerStatus(needed=True, last_seen=last_seen, missing=missing, minutes=minutes)
