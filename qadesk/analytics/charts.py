"""What the charts draw, as plain data: period labels in the reader's language, every period between the first and the
last (a period without reviews is a gap, never a line drawn through it), and which points fall below the pass mark.

Pure functions of the report's rows; the pages put the result in a json_script block for quality.js and my_trend.js."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.utils import formats

# How each period is written on an axis: "set 2026" for a month, "31 ago 2026" for a week or a day (Italian).
PERIOD_FORMATS = {"month": "M Y", "week": "j M Y", "day": "j M Y"}


def period_label(start: date, period: str) -> str:
    """A period (by its first day) as people read it in the active language, never ISO."""
    return formats.date_format(start, PERIOD_FORMATS.get(period, "j M Y"))


def period_starts(first: date, last: date, period: str) -> list[date]:
    """Every period from the one starting on `first` to the one starting on `last`, in order."""
    starts, current = [], first
    while current <= last:
        starts.append(current)
        current = next_period(current, period)
    return starts


def next_period(start: date, period: str) -> date:
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7 if period == "week" else 1)


def period_series(rows: Iterable[Any], *, period: str, pass_mark: float, starts: Sequence[date] | None = None) -> dict[str, Any]:
    """Points of one line over time: rows are GroupRows of a by=period report (key = ISO first day). Periods without a
    row get None (a gap); `starts` fixes the periods (several lines on one chart share them)."""
    by_start = {date.fromisoformat(row.key): row for row in rows if row.key}
    if starts is None:
        starts = period_starts(min(by_start), max(by_start), period) if by_start else []
    points = [by_start.get(start) for start in starts]
    return {
        "labels": [period_label(start, period) for start in starts],
        "iqs": [_round(p.iqs) if p else None for p in points],
        "ciLow": [_round(p.ci_low) if p else None for p in points],
        "ciHigh": [_round(p.ci_high) if p else None for p in points],
        "n": [p.n if p else 0 for p in points],
        "below": [bool(p and p.iqs is not None and p.iqs < pass_mark) for p in points],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
