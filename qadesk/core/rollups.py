"""What the database-kept rollups share (costs 0003, operations 0005 on PostgreSQL): each keeps its days local to one
time zone, recorded in a one-row state table when it was built; a page may read it only while that is the zone its own
days are in (after QADESK_TIME_ZONE changes, until the rollup is rebuilt, pages read the contacts)."""

from __future__ import annotations

from django.db import connection
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
