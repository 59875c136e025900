"""What the database-kept rollups share (costs 0003, operations 0005 on PostgreSQL): each keeps its days local to one
time zone, recorded in a one-row state table when it was built; a page may read it only while that is the zone its own
days are in (after QADESK_TIME_ZONE changes, until the rollup is rebuilt, pages read the contacts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone


def rollup_zone(state_table: str) -> str | None:
    """The zone the rollup whose state is in `state_table` (a constant) keeps its days in; None on SQLite or when it
    was never built."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT time_zone FROM {state_table} LIMIT 1")  # noqa: S608 — a constant table name
        row = cursor.fetchone()
    return str(row[0]) if row else None


def rollup_in_current_zone(state_table: str) -> bool:
    """Whether that rollup's days are local to the zone the current request's days are in."""
    zone = rollup_zone(state_table)
    return zone is not None and zone == timezone.get_current_timezone_name()


# The tables the database's triggers keep from the contacts, in dependency order (the contact links first: the KPI
# rollup reads them), each as its migration module: its TRIGGERS (name, table, event, transition tables) keep it and
# its `fill(cursor, zone)` builds it again from every contact. Not the messages' text search trigger: it has its own
# deferral (qadesk/interactions/search.py).
DERIVED = [
    "qadesk.operations.migrations.0002_contact_links_postgresql",
    "qadesk.costs.migrations.0003_work_rollup_postgresql",
    "qadesk.operations.migrations.0005_kpi_rollup_postgresql",
    "qadesk.operations.migrations.0006_kpi_rollup_paths_postgresql",
]


def derived_triggers() -> list[tuple[str, str]]:
    """(trigger, table) of every trigger that keeps a DERIVED table, in DERIVED's order."""
    return [(name, table) for module in DERIVED for name, table, _event, _tables in import_module(module).TRIGGERS]


@contextmanager
def derived_tables_filled_at_the_end(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """On PostgreSQL, inside a transaction: the DERIVED tables' triggers off during the block, and when it ends each
    table filled once, set-based, by its migration's fill (for the installation's zone, as the rebuilds), then the
    triggers on again.

    For a load into an empty interaction table (the import's `_keys_checked_once_when_empty`): there each batch's
    statement-level triggers did the work of the fill again and again, over the rows of one batch at a time. `ALTER
    TABLE … DISABLE TRIGGER` is transactional: if the block, a fill or the commit fails, the rollback enables the
    triggers again, as it removes everything written. The fills empty their tables (TRUNCATE/DELETE) and take SHARE
    locks on the tables they read, which the transaction that writes those tables already holds more strongly.
    Another session's write of the contacts waits for those locks until the commit, so it never goes unrecorded."""
    if connection.vendor != "postgresql":
        yield
        return
    triggers = derived_triggers()
    with connection.cursor() as cursor:
        for name, table in triggers:  # names from the migrations, not from input
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
    yield
    with connection.cursor() as cursor:
        for module in DERIVED:
            import_module(module).fill(cursor, settings.TIME_ZONE)
        for name, table in triggers:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
