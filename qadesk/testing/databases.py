"""A migrated, empty database kept for the tests that run real servers on a database of their own (see conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class MigratedDatabase:
    """A SQLite file to copy, or the name of a PostgreSQL template database (neither: nothing was kept, migrate)."""

    sqlite: Path | None = None
    postgres_template: str | None = None


def postgres_admin_dsn(db: dict[str, Any]) -> str:
    """A connection string to the server's `postgres` database (for CREATE/DROP DATABASE), from Django's settings_dict."""
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/postgres"


def kept_for_the_module(django_db_blocker: Any, load: Callable[[], T]) -> Iterator[T]:
    """Data loaded once for a whole test module (a module-scoped fixture `yield from`s this), as Django's
    TestCase.setUpTestData keeps class data: `load` runs inside an outer transaction that each test's own transaction
    nests in as a savepoint, so a test's writes are rolled back to the loaded data, and the outer transaction is rolled
    back when the module ends. For loads that cost seconds (the demo) and tests that only read them or roll back.
    Not for transactional (`transaction=True`) tests, which would flush under it."""
    from django.conf import settings
    from django.db import transaction
    from django.test import override_settings
    from django.utils import translation

    # As each test runs (qadesk/conftest.py's autouse fixtures): fast password hashes, the default language.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, translation.override(settings.LANGUAGE_CODE):
        outer = transaction.atomic()
        outer._from_testcase = True  # type: ignore[attr-defined]  # durable blocks inside act as under a TestCase
        outer.__enter__()
        try:
            value = load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
