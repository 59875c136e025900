"""Calendar arithmetic for plan periods."""

from datetime import date, datetime, timedelta

from qadesk.core.days import day_start as core_day_start


def period_floor(period: str, day: date) -> date:
    """The first day of the period (day, ISO week from Monday, calendar month) containing `day`."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(period: str, start: date) -> date:
    """The first day after the period that starts on `start`."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def last_complete_period(period: str, today: date) -> date:
    """The start of the latest period that has fully ended before `today`."""
    return period_floor(period, period_floor(period, today) - timedelta(days=1))


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the installation's time zone."""
    return core_day_start(day)
