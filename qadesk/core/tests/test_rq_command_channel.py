"""A `qadesk worker` on Redis (RQ) stops within about a second of being asked, not a minute later.

RQ listens on each worker's command channel from a thread that waits 60 s for a message; redis-py 8's `stop()` waits
for that thread, so a worker that was asked to stop just after its thread went back to waiting took a minute to exit
(the suite's Redis tests: 60 s each, now and then). qadesk's worker classes wait one second at a time. Runs against the
local Redis (QADESK_REDIS_URL); skipped when it is unreachable."""

from __future__ import annotations

import os
import time

import pytest
from redis import Redis

from qadesk.core.rq_worker import COMMAND_CHANNEL_WAIT, RQWorker, SimpleWorker

REDIS_URL = os.environ.get("QADESK_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis() -> Redis | None:
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        return connection if connection.ping() else None
    except redis.exceptions.RedisError:
        return None


pytestmark = pytest.mark.skipif(_redis() is None, reason=f"Redis is not reachable at {REDIS_URL}")


def _seconds_to_stop_listening(worker_class: type, name: str) -> float:
    worker = worker_class(["default"], connection=_redis(), name=name)
    worker.subscribe()
    time.sleep(0.3)  # the listening thread is now waiting for a message that does not come
    assert worker.pubsub_thread.is_alive()
    began = time.monotonic()
    worker.pubsub_thread.stop()
    stopped = time.monotonic() - began
    worker.pubsub.close()
    return stopped


@pytest.mark.parametrize("worker_class", [SimpleWorker, RQWorker])
def test_qadesks_workers_stop_listening_for_commands_within_about_a_second(worker_class: type) -> None:
    # RQ's own classes took ~60 s here (measured 2026-12-05 with RQ 3.0.0 and redis-py 8.2.0: not a test, it would
    # cost the suite a minute).
    name = f"qadesk-test-{worker_class.__name__}-{os.getpid()}"
    assert _seconds_to_stop_listening(worker_class, name) < 5 * COMMAND_CHANNEL_WAIT
