"""What the PostgreSQL benchmarks share: the server (BENCH_PG_URL), a throwaway database by name, and the machine's
facts printed with every result. Imported by the scripts beside it (`python benchmarks/<script>.py` puts this
directory first on the path)."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

BASE_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parent.parent


def admin(sql: str) -> Any:
    """Run one statement on the server's maintenance database; a SELECT's rows."""
    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        return conn.execute(sql).fetchall() if sql.lstrip().upper().startswith("SELECT") else conn.execute(sql)


def database_exists(name: str) -> bool:
    return bool(admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def recreate_database(name: str) -> None:
    drop_database(name)
    admin(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def django_on(name: str, *, fresh: bool = True, keep: bool = False) -> Iterator[str]:
    """Django set up on the database `name` of the server (made anew first when `fresh`); yields its URL. Afterwards
    Django's connections are closed and the database dropped, unless `keep`."""
    if fresh:
        recreate_database(name)
    url = os.environ["DATABASE_URL"] = f"{BASE_URL}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(name)


def machine() -> dict[str, Any]:
    """CPU model, cores, the load average (1, 5, 15 minutes), Python and PostgreSQL versions."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line), ""
    )
    with psycopg.connect(f"{BASE_URL}/postgres") as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "load": load, "python": platform.python_version(), "postgresql": server}


def median_seconds(call: Callable[[], Any], repeat: int, warm: bool = True) -> float:
    """The median of `repeat` timed calls of `call` (after one untimed call that warms the caches, unless not `warm`)."""
    if warm:
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples), 4)
