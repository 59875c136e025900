"""The RQ worker class `qadesk worker` runs with the Redis job backend (QADESK_TASKS_BACKEND=rq)."""

from __future__ import annotations

import os
import signal
from typing import Any

from rq.worker import Worker as _RQWorker

from qadesk.core import lifeline


class RQWorker(_RQWorker):  # type: ignore[misc]
    """RQ's forking worker, whose work horses die with it: killed mid-job, it leaves no horse running the job on.

    Without this a horse (its own process group) finishes its job after its worker is gone, while the job is already
    being queued again as abandoned.
    """

    def fork_work_horse(self, job: Any, queue: Any) -> None:
        self._qadesk_worker_pid = os.getpid()
        super().fork_work_horse(job, queue)

    def setup_work_horse_signals(self) -> None:
        super().setup_work_horse_signals()
        # RQ has just set SIGTERM back to its default in the horse: it ends the horse at once (the job's transaction
        # rolls back, so nothing half-done is kept).
        lifeline.die_with_parent(self._qadesk_worker_pid, sig=signal.SIGTERM, grace=0)
