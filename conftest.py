"""Suite-wide test plumbing (the fixtures tests use are in qadesk/conftest.py).

- The test database, once pytest-django has migrated it, is kept as a template: tests that start real servers on a
  database of their own (the race suite, `qadesk serve` processes) copy it instead of migrating a new one
  (a migration costs ~20 s of CPU in a fresh process: Django's start and every migration).
- Under pytest-xdist (`make test` runs two workers), each worker has its own test database (pytest-django adds the
  worker's name) and its own Redis database, so one worker's queued jobs never reach another's RQ worker.
- Test ids are unique (xdist runs one test per id) and the API fuzz runs a case per API operation, or the run fails
  (qadesk/testing/collection.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from qadesk.testing import collection
from qadesk.testing.databases import MigratedDatabase, postgres_admin_dsn


def _worker_redis_url() -> None:
    """Worker gwN uses the Redis database N below the one configured (QADESK_REDIS_URL, default 15): gw0 the configured
    one. Set here, before any test module reads QADESK_REDIS_URL, and in the settings the RQ backend reads."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not worker[2:].isdigit() or worker == "gw0":
        return
    parts = urlsplit(os.environ.get("QADESK_REDIS_URL", "redis://127.0.0.1:6379/15"))
    db = parts.path.strip("/")
    number = (int(db if db.isdigit() else 0) - int(worker[2:])) % 16
    os.environ["QADESK_REDIS_URL"] = url = urlunsplit(parts._replace(path=f"/{number}"))
    from django.conf import settings

    queues = getattr(settings, "RQ_QUEUES", None)
    if queues:
        settings.RQ_QUEUES = {name: {**queue, "URL": url} for name, queue in queues.items()}


_worker_redis_url()


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(collection.FuzzCount(config), "qadesk-fuzz-count")


def pytest_itemcollected(item: pytest.Item) -> None:
    collection.give_schemathesis_items_their_own_id(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    collection.refuse_duplicate_ids(items)


_MIGRATED = pytest.StashKey[MigratedDatabase]()


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """pytest-django's test database, copied as soon as it is migrated (before any test writes to it).

    SQLite: the in-memory database is backed up into a file (milliseconds). PostgreSQL: a template database is made
    (CREATE DATABASE ... TEMPLATE, about half a second) only when the run includes the race suite, its one user."""
    from django.db import connection, connections

    migrated = MigratedDatabase()
    template = None
    # pytest-django sets up no test database when no selected test uses one: keep nothing then (never the real one).
    set_up = connection.settings_dict["NAME"] == connection.creation._get_test_db_name()
    with django_db_blocker.unblock():
        if not set_up:
            pass
        elif connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("migrated") / "qadesk.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            path.chmod(0o600)
            migrated = MigratedDatabase(sqlite=path)
        elif connection.vendor == "postgresql" and any(item.get_closest_marker("race") for item in request.session.items):
            import psycopg

            db = connection.settings_dict
            template = f"{db['NAME']}_migrated"
            connections.close_all()  # a template may have no other session connected
            with psycopg.connect(postgres_admin_dsn(db), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{db["NAME"]}"')
            migrated = MigratedDatabase(postgres_template=template)
    request.config.stash[_MIGRATED] = migrated
    yield
    if template is not None:
        import psycopg

        with django_db_blocker.unblock(), psycopg.connect(postgres_admin_dsn(connection.settings_dict), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_database(django_db_setup: None, request: pytest.FixtureRequest) -> MigratedDatabase:
    """What django_db_setup kept of the freshly migrated test database (empty fields: nothing was kept)."""
    return request.config.stash.get(_MIGRATED, MigratedDatabase())
