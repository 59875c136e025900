"""The phone line's delivery figures as pure functions (no Django): busy signals, waits, abandonment, call quality,
noise and cost, from plain call records. Definitions and a worked example: docs/phoneline.md."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

ANSWERED, ABANDONED, BUSY, BLOCKED, CALLBACK = "answered", "abandoned", "busy", "blocked", "callback"
OUTCOMES = (ANSWERED, ABANDONED, BUSY, BLOCKED, CALLBACK)
DEFAULT_MOS_BELOW = 3.5  # ITU-T G.107: below 3.6 many users are dissatisfied; 3.5 is the usual "poor call" line

# The parameters a reasonable level may be set on; for each, lower is better (a level is a ceiling).
PARAMETERS = (
    "busy_rate",
    "abandonment_rate",
    "asa_seconds",
    "low_mos_rate",
    "noise_rate",
    "cost_per_call",
    "cost_per_minute",
)
PERCENT_PARAMETERS = frozenset({"busy_rate", "abandonment_rate", "low_mos_rate", "noise_rate"})


@dataclass(frozen=True)
class Call:
    """One call attempt as the telephone system recorded it; None where it measured nothing."""

    queue: str
    offered_at: datetime
    outcome: str
    trunk: str = ""
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    hold_seconds: int | None = None
    mos: float | None = None
    noisy: bool | None = None
    cost: float | None = None


@dataclass(frozen=True)
class Figures:
    """The delivery figures of a set of calls; a rate is a percentage, None when its denominator is 0."""

    attempts: int
    busy: int
    busy_rate: float | None
    answered: int
    abandoned: int
    abandonment_rate: float | None
    asa_seconds: float | None
    measured_mos: int
    low_mos: int
    low_mos_rate: float | None
    mean_mos: float | None
    noise_known: int
    noisy: int
    noise_rate: float | None
    cost: float
    billed_minutes: float
    cost_per_call: float | None
    cost_per_minute: float | None


def _rate(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def billed_seconds(call: Call) -> int:
    """The seconds the line was open: wait + talk + hold (a busy or blocked call never connected: 0)."""
    if call.outcome in (BUSY, BLOCKED):
        return 0
    return (call.wait_seconds or 0) + (call.talk_seconds or 0) + (call.hold_seconds or 0)


def call_cost(call: Call, tariffs: dict[str, float]) -> float:
    """The call's own cost when the system gave one; otherwise its billed minutes × its trunk's tariff per minute
    (0 when the trunk has no tariff)."""
    if call.cost is not None:
        return call.cost
    return billed_seconds(call) / 60 * tariffs.get(call.trunk, 0.0)


def figures(calls: Iterable[Call], *, tariffs: dict[str, float] | None = None, mos_below: float = DEFAULT_MOS_BELOW) -> Figures:
    """All the delivery figures of `calls` (see docs/phoneline.md for each definition)."""
    tariffs = tariffs or {}
    attempts = busy = answered = abandoned = connected = measured = low = known = noisy = 0
    wait_total = billed = 0
    mos_total = cost = 0.0
    for call in calls:
        attempts += 1
        if call.outcome in (BUSY, BLOCKED):
            busy += 1
            continue
        connected += 1
        if call.outcome == ANSWERED:
            answered += 1
            wait_total += call.wait_seconds or 0
        elif call.outcome == ABANDONED:
            abandoned += 1
        if call.mos is not None:
            measured += 1
            mos_total += call.mos
            low += call.mos < mos_below
        if call.noisy is not None:
            known += 1
            noisy += call.noisy
        billed += billed_seconds(call)
        cost += call_cost(call, tariffs)
    minutes = billed / 60
    return Figures(
        attempts=attempts,
        busy=busy,
        busy_rate=_rate(busy, attempts),
        answered=answered,
        abandoned=abandoned,
        abandonment_rate=_rate(abandoned, answered + abandoned),
        asa_seconds=wait_total / answered if answered else None,
        measured_mos=measured,
        low_mos=low,
        low_mos_rate=_rate(low, measured),
        mean_mos=mos_total / measured if measured else None,
        noise_known=known,
        noisy=noisy,
        noise_rate=_rate(noisy, known),
        cost=round(cost, 4),
        billed_minutes=round(minutes, 2),
        cost_per_call=cost / connected if connected else None,
        cost_per_minute=cost / minutes if minutes else None,
    )


def interval_key(minutes: int) -> Callable[[Call], str]:
    """Group calls by the interval of the day they were offered in ("09:30" for 30-minute intervals)."""

    def key(call: Call) -> str:
        start = (call.offered_at.hour * 60 + call.offered_at.minute) // minutes * minutes
        return f"{start // 60:02d}:{start % 60:02d}"

    return key


def grouped(
    calls: Iterable[Call],
    key: Callable[[Call], str],
    *,
    tariffs: dict[str, float] | None = None,
    mos_below: float = DEFAULT_MOS_BELOW,
) -> dict[str, Figures]:
    """The figures per group, groups in key order."""
    groups: dict[str, list[Call]] = {}
    for call in calls:
        groups.setdefault(key(call), []).append(call)
    return {k: figures(groups[k], tariffs=tariffs, mos_below=mos_below) for k in sorted(groups)}


def level_met(value: float | None, ceiling: float) -> bool | None:
    """A level is a ceiling (every parameter is better lower): met when the value is at most the level; None (no
    verdict) when there was nothing to measure."""
    if value is None:
        return None
    return value <= ceiling + 1e-9


def month_start(moment: datetime | date) -> date:
    return date(moment.year, moment.month, 1)
