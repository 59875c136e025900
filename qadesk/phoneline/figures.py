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


@dataclass
class Sums:
    """What the figures of a set of calls are made of: counts and sums, additive, so that groups combine. The pure
    `figures()` adds them up call by call; the reports get them from one GROUP BY in the database (selectors.py)."""

    attempts: int = 0
    busy: int = 0  # busy or blocked
    connected: int = 0  # neither busy nor blocked
    answered: int = 0
    abandoned: int = 0
    wait_total: int = 0  # of the answered calls
    measured_mos: int = 0  # connected calls with a MOS
    low_mos: int = 0
    mos_total: float = 0.0
    noise_known: int = 0  # connected calls with a noise flag
    noisy: int = 0
    billed_seconds: int = 0  # of the connected calls
    cost: float = 0.0  # of the connected calls

    def add(self, other: Sums) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def call_sums(calls: Iterable[Call], *, tariffs: dict[str, float] | None = None, mos_below: float = DEFAULT_MOS_BELOW) -> Sums:
    """The counts and sums of `calls` by the definitions in docs/phoneline.md (busy and blocked calls count as attempts
    and busy signals only)."""
    tariffs = tariffs or {}
    s = Sums()
    for call in calls:
        s.attempts += 1
        if call.outcome in (BUSY, BLOCKED):
            s.busy += 1
            continue
        s.connected += 1
        if call.outcome == ANSWERED:
            s.answered += 1
            s.wait_total += call.wait_seconds or 0
        elif call.outcome == ABANDONED:
            s.abandoned += 1
        if call.mos is not None:
            s.measured_mos += 1
            s.mos_total += call.mos
            s.low_mos += call.mos < mos_below
        if call.noisy is not None:
            s.noise_known += 1
            s.noisy += call.noisy
        s.billed_seconds += billed_seconds(call)
        s.cost += call_cost(call, tariffs)
    return s


def from_sums(s: Sums) -> Figures:
    """The delivery figures from the counts and sums of a set of calls."""
    minutes = s.billed_seconds / 60
    return Figures(
        attempts=s.attempts,
        busy=s.busy,
        busy_rate=_rate(s.busy, s.attempts),
        answered=s.answered,
        abandoned=s.abandoned,
        abandonment_rate=_rate(s.abandoned, s.answered + s.abandoned),
        asa_seconds=s.wait_total / s.answered if s.answered else None,
        measured_mos=s.measured_mos,
        low_mos=s.low_mos,
        low_mos_rate=_rate(s.low_mos, s.measured_mos),
        mean_mos=s.mos_total / s.measured_mos if s.measured_mos else None,
        noise_known=s.noise_known,
        noisy=s.noisy,
        noise_rate=_rate(s.noisy, s.noise_known),
        cost=round(s.cost, 4),
        billed_minutes=round(minutes, 2),
        cost_per_call=s.cost / s.connected if s.connected else None,
        cost_per_minute=s.cost / minutes if minutes else None,
    )


def figures(calls: Iterable[Call], *, tariffs: dict[str, float] | None = None, mos_below: float = DEFAULT_MOS_BELOW) -> Figures:
    """All the delivery figures of `calls` (see docs/phoneline.md for each definition)."""
    return from_sums(call_sums(calls, tariffs=tariffs, mos_below=mos_below))


def interval_start(minutes_of_day: int, minutes: int) -> str:
    """The interval of the day a minute of the day falls in, as "09:30" for 30-minute intervals."""
    start = minutes_of_day // minutes * minutes
    return f"{start // 60:02d}:{start % 60:02d}"


def interval_key(minutes: int) -> Callable[[Call], str]:
    """Group calls by the interval of the day they were offered in ("09:30" for 30-minute intervals)."""

    def key(call: Call) -> str:
        return interval_start(call.offered_at.hour * 60 + call.offered_at.minute, minutes)

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
