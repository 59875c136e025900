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
