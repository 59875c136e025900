"""The KPI report's daily rollup on PostgreSQL (migration operations 0005): kept by the database's triggers, rebuilt and
verified here, read by selectors.py. SQLite has none; the report reads the contacts there."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from qadesk.core.rollups import rollup_in_current_zone, rollup_zone

schema = import_module("qadesk.operations.migrations.0005_kpi_rollup_postgresql")
paths_schema = import_module("qadesk.operations.migrations.0006_kpi_rollup_paths_postgresql")

# False: the report reads the contacts on PostgreSQL too (the tests and the benchmark compare both paths).
ENABLED = True
# The levels of the rollup (`dim`): day × team (the day alone is the sum of its teams).
DIMS = {"team": 1}
# Log buckets of the medians and 90th percentiles: a value in [RATIO^b, RATIO^(b+1)) is read as RATIO^(b+½), within
# √1.01 − 1 < 0.5 % of it.
RATIO = 1.01
RELATIVE_ERROR = RATIO**0.5 - 1
LOG_ZERO = schema.LOG_ZERO
NEVER_BACK = schema.NEVER_BACK
KINDS = {"wait_s": 1, "abandon_s": 2, "answer_wait": 3, "handle": 4, "first_response": 5, "resolution": 6}


def kpi_rollup_zone() -> str | None:
    """The zone the rollup's days are local to; None on SQLite or when it was never built."""
    return rollup_zone(schema.STATE)


def kpi_rollup_usable() -> bool:
    """Whether the report may read the rollup: PostgreSQL, and days local to the zone the report's days are in."""
    return ENABLED and rollup_in_current_zone(schema.STATE)


def kpi_rollup_rebuild() -> dict[str, int]:
    """Count every contact again into the rollup, for the installation's zone. Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return {}
    with transaction.atomic(), connection.cursor() as cursor:
        schema.fill(cursor, settings.TIME_ZONE)
        paths_schema.fill(cursor, settings.TIME_ZONE)
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {schema.DAYS}), (SELECT count(*) FROM {schema.HIST}), "  # noqa: S608
            f"(SELECT count(*) FROM {schema.RESOLVED}), (SELECT count(*) FROM {paths_schema.PATHS})"
        )
        days, hist, resolved, paths = cursor.fetchone()
    return {"days": int(days), "histograms": int(hist), "resolved": int(resolved), "paths": int(paths)}


def _differing(table: str, fresh: str, key: str, measures: list[str]) -> str:
    kept_nonzero = " OR ".join(f"{m} <> 0" for m in measures)
    fresh_cols, kept_cols = (", ".join(f"{side}.{m}" for m in measures) for side in ("f", "k"))
    return f"""(SELECT count(*) FROM (SELECT * FROM {fresh}(%s) WHERE {kept_nonzero}) AS f
        FULL JOIN (SELECT * FROM {table} WHERE {kept_nonzero}) AS k USING ({key})
        WHERE ({fresh_cols}) IS DISTINCT FROM ({kept_cols}))"""  # noqa: S608 — names from the migration


def kpi_rollup_verify() -> int:
    """How many rows of the rollup differ from a fresh count of the contacts (rows that count nothing left aside): 0
    when they agree. Always 0 on SQLite, and when it was never built."""
    zone = kpi_rollup_zone()
    if zone is None:
        return 0
    sql = " + ".join(
        [
            _differing(schema.DAYS, "operations_kpi_fresh_days", schema.DAY_KEY, schema.DAY_NAMES),
            _differing(schema.HIST, "operations_kpi_fresh_hist", schema.HIST_KEY, ["n"]),
            _differing(schema.RESOLVED, "operations_kpi_fresh_resolved", schema.RESOLVED_KEY, ["closed", "decided", "once"]),
            _differing(paths_schema.PATHS, "operations_kpi_fresh_paths", paths_schema.KEY, ["n"]),
        ]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SELECT {sql}", [zone] * 4)  # the zone a parameter
        return int(cursor.fetchone()[0])


def kpi_rollup_differences() -> list[str]:
    """What `qadesk report verify` lists: a rollup built for another zone than the installation's (the report then reads
    the contacts), and how many rows differ from a fresh count."""
    zone = kpi_rollup_zone()
    if zone is None:
        return [] if connection.vendor != "postgresql" else ["the KPI report's daily rollup was never built"]
    out = [f"KPI days local to {zone}, the installation's zone is {settings.TIME_ZONE}"] if zone != settings.TIME_ZONE else []
    differing = kpi_rollup_verify()
    return out + ([f"{differing} rows of the KPI report's daily rollup differ"] if differing else [])


# --- reads ----------------------------------------------------------------------------------------------------------

_PERIOD_SQL = {"team": "key_id", "day": "day", "week": "date_trunc('week', day)::date", "month": "date_trunc('month', day)::date"}


def _rows_of(dim: int, keys: list[int] | None, date_from: date | None, date_to: date | None) -> tuple[list[str], list[Any]]:
    """The conditions (to AND) and parameters picking the rollup rows of level `dim`, of `keys` (None: all) and of the
    days from `date_from` to `date_to` (either None: open)."""
    where, params = ["dim = %s"], list[Any]([dim])
    if date_from:
        where.append("day >= %s")
        params.append(date_from)
    if date_to:
        where.append("day <= %s")
        params.append(date_to)
    if keys is not None:
        where.append("key_id = ANY(%s)")
        params.append(keys)
    return where, params


def rollup_groups(
    *,
    by: str,
    dim: int,
    keys: list[int] | None,
    date_from: date | None,
    date_to: date | None,
    service_level_seconds: int,
    short_abandon_seconds: int,
    fcr_days: int,
    closed_before: date,
    decided_before: date,
    kinds: frozenset[int] | None = None,
) -> dict[Any, dict[str, Any]]:
    """Per group of `by` (team id, 0 for none, or the period's first day) over the days of the range, the rollup's
    sums (schema.DAY_NAMES), `answered_within` (⌈wait⌉ ≤ T) and `short_abandoned` (⌊abandon⌋ < S), the log
    histograms (`hist`: kind → {bucket: n}), and the counts by resolution day: `closed` (resolved before the day
    `closed_before`), `decided` and `fcr` (resolved before `decided_before`; FCR: not back within N days). `kinds`:
    only those histograms (None: all; empty: none, and `answered_within` and `short_abandoned` stay 0)."""
    where, params = _rows_of(dim, keys, date_from, date_to)
    condition, group = " AND ".join(where), _PERIOD_SQL[by]
    found: dict[Any, dict[str, Any]] = {}

    def of(key: Any) -> dict[str, Any]:
        return found.setdefault(
            key,
            dict.fromkeys(schema.DAY_NAMES, 0)
            | {"answered_within": 0, "short_abandoned": 0, "closed": 0, "decided": 0, "fcr": 0, "hist": {}},
        )

    sums = ", ".join(f"sum({name})" for name in schema.DAY_NAMES)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SELECT {group}, {sums} FROM {schema.DAYS} WHERE {condition} GROUP BY 1", params)  # noqa: S608
        for key, *values in cursor.fetchall():
            of(key).update(zip(schema.DAY_NAMES, values, strict=True))
        wanted = sorted(KINDS.values() if kinds is None else kinds)
        fetched = []
        if wanted:
            cursor.execute(
                f"""SELECT {group}, kind, CASE WHEN kind = 1 THEN (bucket <= %s)::int WHEN kind = 2
                    THEN (bucket < %s)::int ELSE bucket END AS b, sum(n) FROM {schema.HIST}
                    WHERE {condition} AND kind = ANY(%s) GROUP BY 1, 2, 3""",  # noqa: S608
                [int(service_level_seconds), int(short_abandon_seconds), *params, wanted],
            )
            fetched = cursor.fetchall()
        for key, kind, bucket, n in fetched:
            row = of(key)
            if kind == KINDS["wait_s"]:
                row["answered_within"] += int(n) if bucket == 1 else 0
            elif kind == KINDS["abandon_s"]:
                row["short_abandoned"] += int(n) if bucket == 1 else 0
            else:
                row["hist"].setdefault(kind, {})[bucket] = int(n)
        cursor.execute(
            f"""SELECT {group}, COALESCE(sum(closed) FILTER (WHERE rday < %s), 0),
                COALESCE(sum(decided) FILTER (WHERE rday < %s), 0),
                COALESCE(sum(once) FILTER (WHERE rday < %s AND back > %s), 0)
                FROM {schema.RESOLVED} WHERE {condition} GROUP BY 1""",  # noqa: S608
            [closed_before, decided_before, decided_before, int(fcr_days), *params],
        )
        for key, closed, decided, fcr in cursor.fetchall():
            row = of(key)
            row["closed"], row["decided"], row["fcr"] = int(closed), int(decided), int(fcr)
    return found


def bucket_value(bucket: int) -> float:
    """The value a log bucket stands for: its geometric middle (0 for the bucket of zero)."""
    return 0.0 if bucket == LOG_ZERO else float(RATIO ** (bucket + 0.5))


def rollup_handoffs(
    *, dim: int, keys: list[int] | None, date_from: date | None, date_to: date | None
) -> list[tuple[int, int, int, int]]:
    """The hand-offs of the range (from agent, to agent, label id, count; 0 for none), from the rollup."""
    where, params = _rows_of(dim, keys, date_from, date_to)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT from_agent, to_agent, label_id, sum(n) FROM {paths_schema.PATHS} WHERE {" AND ".join(where)}
            GROUP BY 1, 2, 3 HAVING sum(n) <> 0""",  # noqa: S608 — constant names, values as parameters
            params,
        )
        return [(int(a), int(b), int(c), int(n)) for a, b, c, n in cursor.fetchall()]
