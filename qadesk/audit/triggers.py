"""The database's own guard of the append-only audit trail: a trigger refuses UPDATE and DELETE of audit events,
whoever sends them (the ORM, raw SQL, a database shell), with an integrity error (SQLSTATE 23001 restrict_violation on
PostgreSQL, SQLITE_CONSTRAINT_TRIGGER on SQLite).

TRUNCATE is not refused (a row trigger does not fire on it); only the test runner empties the table that way. The one
deletion the application makes, the trail of the synthetic demo reviews replaced by `qadesk demo --force`, suspends
the trigger inside its own transaction (`suspended`). Installed by migration audit 0003 and checked again after every
migrate: on SQLite, a migration that rebuilds the table would drop its triggers with the old table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

_POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    """
    CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]
_POSTGRESQL_REMOVE = ["DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent"]
_SQLITE_INSTALL = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END
    """,
]
_SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_auditevent_no_update", "DROP TRIGGER IF EXISTS audit_auditevent_no_delete"]
_SQL = {"postgresql": (_POSTGRESQL_INSTALL, _POSTGRESQL_REMOVE), "sqlite": (_SQLITE_INSTALL, _SQLITE_REMOVE)}


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)  # no parameters: the % of RAISE is literal


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or re-create) the trigger; other database vendors are left as they are."""
    _execute(connection, _SQL.get(connection.vendor, ([], []))[0])


def remove(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _SQL.get(connection.vendor, ([], []))[1])


@contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Lift the guard for the block, inside one transaction: no other connection ever sees the table unguarded (the
    trigger's removal is not committed before it is back)."""
    with transaction.atomic(using=connection.alias):
        remove(connection)
        yield
        install(connection)
