"""The RQ worker class `qadesk worker` runs with the Redis job backend (QADESK_TASKS_BACKEND=rq)."""

from __future__ import annotations

import os
import signal
from typing import Any

from rq.worker import SimpleWorker as _RQSimpleWorker
from rq.worker import Worker as _RQWorker

from qadesk.core import lifeline

# How long the thread listening on the worker's command channel (RQ's pubsub) waits for a message before it looks
# whether it should stop. RQ asks redis-py for 60 s, and redis-py (8.x) stop() waits for that thread: a worker whose
# thread had just gone back to waiting took a minute to exit (a `--batch` run, the suite's Redis tests: 60 s each, now
# and then). One second is one idle socket poll a second.
COMMAND_CHANNEL_WAIT = 1.0


class _QuickToStop:
    """Listen on the command channel (RQ's `subscribe`, otherwise unchanged) with a short wait, so stopping is quick."""

    def subscribe(self) -> None:
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)  # type: ignore[attr-defined]
        self.pubsub = self.connection.pubsub()  # type: ignore[attr-defined]
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})  # type: ignore[attr-defined]
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=COMMAND_CHANNEL_WAIT,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,  # type: ignore[attr-defined]
        )


class SimpleWorker(_QuickToStop, _RQSimpleWorker):  # type: ignore[misc]
    """RQ's in-process worker (`qadesk worker --in-process`), quick to stop."""


class RQWorker(_QuickToStop, _RQWorker):  # type: ignore[misc]
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
