"""Forecast and staffing per interval from the history (issue 9 "Staffing"): pure functions, no database.

The forecast of an interval of a day is the mean of the contacts in the same interval of the same weekday over the
last N weeks (a week without any contact in that interval counts 0). The agents needed come from Erlang C
(erlang.staffing_table) on that forecast; "logged in" is what the history shows: the distinct agents who handled a
contact created in the interval (no roster or call records are imported yet, so an agent logged in but idle is not
seen). An interval is under-staffed when fewer agents worked it than Erlang C asks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from qadesk.operations import erlang


def same_weekdays(day: date, weeks: int) -> list[date]:
    """The same weekday in each of the `weeks` weeks before `day`, most recent first."""
    return [day - timedelta(weeks=k) for k in range(1, weeks + 1)]


def forecast(counts: Mapping[tuple[date, int], int], *, day: date, weeks: int, slots: Sequence[int]) -> list[float]:
    """Contacts expected in each slot of `day`: the mean over the same slot of the same weekday of the last `weeks`
    weeks (missing = 0)."""
    if weeks < 1:
        raise ValueError("at least one week of history")
    past = same_weekdays(day, weeks)
    return [sum(counts.get((d, slot), 0) for d in past) / weeks for slot in slots]


@dataclass(frozen=True)
class IntervalRow:
    slot: int  # minutes from midnight
    forecast: float
    needed: int
    needed_with_shrinkage: int
    actual_contacts: int
    logged_in: int
    abandoned: int
    abandonment_rate: float | None  # percent of the interval's queued contacts
    under_staffed: bool

    @property
    def time(self) -> str:
        """The interval's start, HH:MM (local time)."""
        return f"{self.slot // 60:02d}:{self.slot % 60:02d}"


def staffing_rows(
    *,
    slots: Sequence[int],
    expected: Sequence[float],
    actual: Mapping[int, tuple[int, int, int, int]],
    interval_seconds: float,
    aht_seconds: float,
    target_seconds: float,
    target_level: float,
    shrinkage: float = 0.0,
) -> list[IntervalRow]:
    """One row per slot: the forecast, the agents Erlang C asks for, and what happened (`actual[slot]` = contacts,
    distinct agents, abandoned, queued)."""
    needs = erlang.staffing_table(
        expected,
        interval_seconds=interval_seconds,
        aht_seconds=aht_seconds,
        target_seconds=target_seconds,
        target_level=target_level,
        shrinkage=shrinkage,
    )
    rows = []
    for slot, wanted, need in zip(slots, expected, needs, strict=True):
        contacts, agents, abandoned, queued = actual.get(slot, (0, 0, 0, 0))
        rows.append(
            IntervalRow(
                slot=slot,
                forecast=round(wanted, 1),
                needed=need.agents,
                needed_with_shrinkage=need.agents_with_shrinkage,
                actual_contacts=contacts,
                logged_in=agents,
                abandoned=abandoned,
                abandonment_rate=round(100 * abandoned / queued, 1) if queued else None,
                under_staffed=agents < need.agents,
            )
        )
    return rows
