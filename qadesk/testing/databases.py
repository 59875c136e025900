"""A migrated, empty database kept for the tests that run real servers on a database of their own (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class MigratedDatabase:
    """A SQLite file to copy, or the name of a PostgreSQL template database (neither: nothing was kept, migrate)."""

    sqlite: Path | None = None
    postgres_template: str | None = None


def postgres_admin_dsn(db: dict[str, Any]) -> str:
    """A connection string to the server's `postgres` database (for CREATE/DROP DATABASE), from Django's settings_dict."""
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/postgres"
