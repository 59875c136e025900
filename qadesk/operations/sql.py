"""SQL pieces the KPI report needs on SQLite and PostgreSQL alike: elapsed seconds and percentiles."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, FloatField, Func


class Seconds(Func):
    """Seconds from `start` to `end` (two date-time columns), as a float.

    PostgreSQL subtracts the instants exactly; SQLite stores UTC text, read by julianday() (a double: about 50 µs of
    precision at today's dates), rounded to the millisecond so that 60 s is 60.0, not 59.99999."""

    output_field = FloatField()
    arg_joiner = " - "
    template = "EXTRACT(EPOCH FROM (%(expressions)s))::double precision"

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


class EpochDays(Func):
    """An instant as a number of days (a float), native on both databases: PostgreSQL's epoch / 86400, SQLite's
    julianday(). Only ever compared with the same function, so the two origins never meet.

    FCR compares a customer's later contact with this contact's resolution + N days through it: no Python function
    runs per row on SQLite (Django's datetime + interval does), and PostgreSQL finds the later contact through the
    customer index alone instead of also scanning the created_at index over every contact of the next N days, which
    its planner estimates as cheap (benchmarks/kpi_report.py: 6.5 s → 0.9 s at 20,000 contacts)."""

    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM %(expressions)s)::double precision / 86400.0)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="julianday(%(expressions)s)")
