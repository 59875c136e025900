"""Helpers for tests that run real `qadesk serve` / `qadesk worker` processes on a SQLite database of their own."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
QADESK = [sys.executable, "-m", "qadesk.cli"]
# Variables of the test run that must not reach the processes under test (they use their own SQLite database).
DROPPED = {"DATABASE_URL", "QADESK_TASKS_BACKEND", "QADESK_REDIS_URL", "PYTEST_ADDOPTS", "DJANGO_SETTINGS_MODULE"}


def environment(data_dir: Path, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and not k.startswith("XDG_")}
    return {**env, "QADESK_DATA_DIR": str(data_dir), "HOME": str(home), "PYTHONUNBUFFERED": "1", **extra}


def run_qadesk(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*QADESK, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that does not reap it counts as gone)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in {"Z", "X"}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid and stat[0] not in {"Z", "X"}:
                found.append(int(entry.name))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def worker_children(pid: int) -> list[int]:
    """The `qadesk worker` processes among pid's children."""
    return [child for child in children(pid) if " worker" in cmdline(child)]


def query(database: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute(sql, params).fetchall()


def enqueue_slow_job(env: dict[str, str], *, seconds: float, max_attempts: int = 1) -> int:
    """Queue qadesk.core.tests.jobs.slow_job with a JobRun in the processes' database; returns the JobRun id."""
    code = (
        "from django.db import transaction\n"
        "from qadesk.core.models import JobRun\n"
        "from qadesk.core.services import job_enqueue\n"
        "from qadesk.core.tests.jobs import slow_job\n"
        "with transaction.atomic():\n"
        "    job = JobRun.objects.create(kind='test')\n"
        f"    job_enqueue(job=job, task=slow_job, args=[job.pk, {seconds}], max_attempts={max_attempts})\n"
        "print(job.pk)\n"
    )
    return int(run_qadesk("shell", "-c", code, env=env).stdout.strip().splitlines()[-1])
