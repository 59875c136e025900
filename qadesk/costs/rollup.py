"""The contacts' daily counts the costs page reads on PostgreSQL (migration costs 0003): kept by the database's triggers,
rebuilt and verified here. SQLite has none; the page reads the contacts there."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import connection, transaction

from qadesk.core.rollups import rollup_in_current_zone, rollup_zone

schema = import_module("qadesk.costs.migrations.0003_work_rollup_postgresql")

# False: the page reads the contacts on PostgreSQL too (the tests compare both paths).
ENABLED = True
# The dimension numbers of `costs_workday.dim`.
DIMS = {"team": 1, "site": 2, "channel": 3, "label": 4, "phase": 5, "segment": 6}


def work_rollup_zone() -> str | None:
    """The zone the rollup's days are local to; None on SQLite or when it was never built."""
    return rollup_zone(schema.STATE)


def work_rollup_usable() -> bool:
    """Whether the page may read the rollup: PostgreSQL, and days local to the zone the period's bounds are in."""
    return ENABLED and rollup_in_current_zone(schema.STATE)


def work_rollup_rebuild() -> dict[str, int]:
    """Count every contact again into the rollup, for the installation's zone (after QADESK_TIME_ZONE changed, or to
    repair it). Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return {}
    with transaction.atomic(), connection.cursor() as cursor:
        schema.fill(cursor, settings.TIME_ZONE)
        cursor.execute(f"SELECT (SELECT count(*) FROM {schema.DAYS}), (SELECT count(*) FROM {schema.CUSTOMERS})")  # noqa: S608
        days, customers = cursor.fetchone()
    return {"days": int(days), "customers": int(customers)}


def work_rollup_verify() -> int:
    """How many rows of the rollup (daily counts and customers' incidents) differ from a fresh count of the contacts,
    rows that count nothing left aside: 0 when they agree. Always 0 on SQLite, and when it was never built."""
    zone = work_rollup_zone()
    if zone is None:
        return 0
    fresh, kept = (", ".join(f"{side}.{m}" for m in ("resolved", "handle", "timed", "received")) for side in ("fresh", "kept"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS (SELECT * FROM costs_work_fresh(%s) WHERE resolved <> 0 OR received <> 0),
            kept AS (SELECT * FROM {schema.DAYS} WHERE resolved <> 0 OR received <> 0 OR handle <> 0 OR timed <> 0),
            fresh_customers AS ({schema.FRESH_CUSTOMERS}),
            kept_customers AS (SELECT * FROM {schema.CUSTOMERS} WHERE incidents <> 0)
            SELECT (SELECT count(*) FROM fresh FULL JOIN kept USING (dim, day, key_id, code)
                    WHERE ({fresh}) IS DISTINCT FROM ({kept}))
                + (SELECT count(*) FROM fresh_customers AS f FULL JOIN kept_customers AS k USING (customer_id)
                    WHERE f.incidents IS DISTINCT FROM k.incidents)
            """,  # noqa: S608 — table names from the migration, the zone a parameter
            [zone],
        )
        return int(cursor.fetchone()[0])


def work_rollup_differences() -> list[str]:
    """What `qadesk report verify` lists: a rollup built for another zone than the installation's (the page then reads
    the contacts), and how many rows differ from a fresh count."""
    zone = work_rollup_zone()
    if zone is None:
        return [] if connection.vendor != "postgresql" else ["the costs page's daily counts were never built"]
    out = [f"days local to {zone}, the installation's zone is {settings.TIME_ZONE}"] if zone != settings.TIME_ZONE else []
    differing = work_rollup_verify()
    return out + ([f"{differing} rows of the costs page's daily counts or customers' incidents differ"] if differing else [])
