"""A real qadesk server for the race tests: gunicorn (2 processes × 4 threads) in a subprocess, on its own database.

pytest-django's live_server is not enough: on SQLite it shares one in-memory connection between threads, so requests
never truly overlap. This server runs like production: on SQLite a file database in a temporary data directory (WAL,
IMMEDIATE transactions), on PostgreSQL a database of its own (`<test database>_race`, created and dropped here), chosen
by the same DATABASE_URL the suite runs with. QADESK_RACE_SOURCE may name another checkout whose code is served (to
measure how often an older version loses a race); the tests then report, rather than hide, every broken round.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qadesk.testing.databases import MigratedDatabase, postgres_admin_dsn
from tests.concurrency.harness import Server

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("QADESK_RACE_ROUNDS", "20"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres(db: dict[str, Any]) -> tuple[str, str]:
    """(admin connection string, DATABASE_URL) for a fresh database beside the test database."""
    name = f"{db['NAME']}_race".removeprefix("test_")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return postgres_admin_dsn(db), f"postgres://{auth}@{host}/{name}"


@pytest.fixture(scope="session")
def race_server(tmp_path_factory: pytest.TempPathFactory, migrated_database: MigratedDatabase) -> Iterator[Server]:
    source = Path(os.environ.get("QADESK_RACE_SOURCE", ROOT))
    # This checkout's code: a copy of the test database as migrated (no migration in a new process, ~20 s of CPU).
    # Another checkout's code may have other migrations: its own `migrate` makes its database.
    template = migrated_database if source == ROOT else MigratedDatabase()
    data = tmp_path_factory.mktemp("race")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        QADESK_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="qadesk.settings",
        QADESK_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        QADESK_ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(source),
    )
    db = settings.DATABASES["default"]
    admin_dsn = None
    if db["ENGINE"] == "django.db.backends.postgresql":
        import psycopg

        admin_dsn, env["DATABASE_URL"] = _postgres(db)
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if template.postgres_template:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.postgres_template}"')
            else:
                conn.execute(f'CREATE DATABASE "{name}"')
            # A throwaway database: commits need not wait for the disk (locks and visibility are the same).
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    else:
        env.pop("DATABASE_URL", None)
    python = sys.executable

    def run(*args: str) -> str:
        done = subprocess.run([python, *args], cwd=source, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"{args} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    if template.sqlite and not admin_dsn:
        shutil.copyfile(template.sqlite, data / "qadesk.sqlite3")
        (data / "qadesk.sqlite3").chmod(0o600)
    elif not template.postgres_template:
        run("manage.py", "migrate", "--no-input", "-v", "0")
    seed = json.loads(run(str(ROOT / "tests" / "concurrency" / "seed.py"), str(ROUNDS)))
    port = _free_port()
    log = (data / "server.log").open("w")
    gunicorn = [python, "-m", "gunicorn", "qadesk.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "60"]
    process = subprocess.Popen(gunicorn, cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(base=f"http://127.0.0.1:{port}", seed=seed, log=data / "server.log")
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if admin_dsn is not None:
            import psycopg

            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{env["DATABASE_URL"].rsplit("/", 1)[1]}" WITH (FORCE)')


def _wait_until_up(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{server.log.read_text()}")
        try:
            urllib.request.urlopen(server.base + "/login/", timeout=10).close()  # noqa: S310 (our own local server)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"the server did not start:\n{server.log.read_text()}")
