"""Local days as instants, for date filters: midnight at the start of a day in the installation's time zone.

A date typed in a filter may be any day of the calendar, 0001-01-01 to 9999-12-31 (the date inputs and the API accept
them all); the first and last day are clamped so that the day after, or the instant in UTC, still exists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

FIRST_DAY = date(1, 1, 2)
LAST_DAY = date(9999, 12, 30)


def clamped(day: date) -> date:
    return min(max(day, FIRST_DAY), LAST_DAY)


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` (clamped to FIRST_DAY…LAST_DAY) in the installation's time zone."""
    return timezone.make_aware(datetime.combine(clamped(day), time.min))


def next_day_start(day: date) -> datetime:
    """Midnight at the end of `day`: the exclusive upper bound of a filter that ends on `day`."""
    return day_start(clamped(day) + timedelta(days=1))


def shifted(day: date, days: int) -> date:
    """`day` moved by `days`, stopping at the calendar's first and last days instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
