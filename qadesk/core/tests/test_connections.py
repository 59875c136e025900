"""A server process keeps its database connection between requests (QADESK_DB_CONN_MAX_AGE, default 300 s) instead of
opening one per request, and checks it before reuse; checked in a fresh process as `qadesk serve` starts one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Two requests' worth of Django's request signals around the connection: is it the same one afterwards?
TWO_REQUESTS = """
import json, django
django.setup()
from django.conf import settings
from django.core import signals
from django.db import connection

def one_request():
    signals.request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    signals.request_finished.send(sender=None)
    return connection.connection

first = one_request()
kept = first is not None and one_request() is first
database = settings.DATABASES["default"]
print(json.dumps({"kept": kept, "max_age": database["CONN_MAX_AGE"], "health_checks": database["CONN_HEALTH_CHECKS"]}))
"""


def environment(tmp_path: Path, **env: str) -> dict[str, str]:
    """The install's environment; a PostgreSQL DATABASE_URL points at the server's `postgres` database (it exists
    before the suite creates its own, and these requests only SELECT 1)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QADESK_")}
    if environ.get("DATABASE_URL", "").startswith("postgres"):
        environ["DATABASE_URL"] = environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    return environ | {"DJANGO_SETTINGS_MODULE": "qadesk.settings", "QADESK_DATA_DIR": str(tmp_path / "data"), **env}


def two_requests(tmp_path: Path, **env: str) -> dict[str, object]:
    environ = environment(tmp_path, **env)
    done = subprocess.run([sys.executable, "-c", TWO_REQUESTS], env=environ, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_it_keeps_the_connection_between_requests_by_default(tmp_path: Path) -> None:
    # SQLite by default; with DATABASE_URL set (the PostgreSQL run of the suite), PostgreSQL.
    assert two_requests(tmp_path) == {"kept": True, "max_age": 300, "health_checks": True}


def test_it_opens_one_per_request_when_told_0(tmp_path: Path) -> None:
    assert two_requests(tmp_path, QADESK_DB_CONN_MAX_AGE="0") == {"kept": False, "max_age": 0, "health_checks": False}


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs DATABASE_URL=postgres://…")
def test_a_broken_postgresql_connection_is_replaced_not_used(tmp_path: Path) -> None:
    """The server ended the kept connection (a restart, an idle timeout): the next request opens a new one."""
    script = TWO_REQUESTS.replace(
        "kept = first is not None and one_request() is first",
        "other = connection.get_new_connection(connection.get_connection_params())\n"
        "other.execute('SELECT pg_terminate_backend(%s)', (first.info.backend_pid,))\n"
        "second = one_request()\nkept = second is first",
    )
    done = subprocess.run([sys.executable, "-c", script], env=environment(tmp_path), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kept"] is False
