"""SQL pieces the KPI report needs on SQLite and PostgreSQL alike: elapsed seconds and percentiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField, Func


class Seconds(Func):
    """Seconds from `start` to `end` (two date-time columns), as a float.

    PostgreSQL subtracts the instants exactly; SQLite stores UTC text, read by julianday() (a double: about 50 µs of
    precision at today's dates), rounded to the millisecond so that 60 s is 60.0, not 59.99999."""

    output_field = FloatField()
    arg_joiner = " - "
    # date_part gives the double directly; EXTRACT gives an exact numeric since PostgreSQL 14, several times slower
    # to compute, sum and sort (the KPI report reads four durations of every contact). Equal for whole seconds and
    # milliseconds; at most one unit in the last place of a double apart for microseconds.
    template = "date_part('epoch', %(expressions)s)"

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)", arg_joiner=") - julianday("
        )


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (kpis.percentile_cont is the same in Python); NULLs are left out."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def came_back_ids(*, fcr_days: int, since: datetime | None = None) -> tuple[str, list[Any]]:
    """The ids of the contacts whose customer wrote again on the same contact reason after the contact was created and
    no later than N days after its resolution (FCR's "came back"; kpis.came_back is the same in Python).

    One pass in time order over each customer's contacts of each reason (the index on customer, label, created_at):
    the next contact strictly later (FIRST_VALUE over the following rows, peers at the same instant excluded) decides,
    instead of a lookup per contact. Every contact counts as the later one, whoever may see it; `since` (the report's
    first instant) only leaves out contacts that cannot be later than any contact of the report."""
    since_sql, params = ("AND created_at >= %s", [since]) if since is not None else ("", [])
    if connection.vendor == "postgresql":
        within = "later.next_at <= later.resolved_at + %s * INTERVAL '1 day'"
    else:  # SQLite keeps UTC text: compare as Julian days (the same function on both sides)
        within = "julianday(later.next_at) <= julianday(later.resolved_at) + %s"
    # Only constant fragments are formatted in; the values travel as parameters.
    sql = f"""
        SELECT later.id FROM (
            SELECT id, resolved_at, FIRST_VALUE(created_at) OVER (
                PARTITION BY customer_id, label_id ORDER BY created_at
                RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS next_at
            FROM interactions_interaction
            WHERE customer_id IS NOT NULL AND label_id IS NOT NULL {since_sql}
        ) AS later
        WHERE later.resolved_at IS NOT NULL AND {within}"""  # noqa: S608
    return sql, [*params, int(fcr_days)]


def contact_links_verify() -> int:
    """How many contacts' stored links (`operations_contactlink`, kept by the triggers of migration operations 0002)
    differ from a fresh computation: FCR's next contact of the same customer and reason, and the last handler's
    position. 0 when they agree; always 0 on SQLite, which stores none (the report computes them every time)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH fresh AS (
                SELECT i.id,
                    CASE WHEN i.customer_id IS NOT NULL AND i.label_id IS NOT NULL THEN FIRST_VALUE(i.created_at) OVER (
                        PARTITION BY i.customer_id, i.label_id ORDER BY i.created_at
                        RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP) END AS next_at,
                    (SELECT max(a.position) FROM interactions_interactionagent AS a WHERE a.interaction_id = i.id) AS last
                FROM interactions_interaction AS i
            )
            SELECT count(*) FROM fresh FULL JOIN operations_contactlink AS l ON l.interaction_id = fresh.id
            WHERE fresh.id IS NULL AND (l.next_at IS NOT NULL OR l.handler_last IS NOT NULL)
               OR fresh.id IS NOT NULL
                  AND (fresh.next_at IS DISTINCT FROM l.next_at OR fresh.last IS DISTINCT FROM l.handler_last)
        """)
        return int(cursor.fetchone()[0])
