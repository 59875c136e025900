"""Reliability's figures as pure functions (no Django): a promise kept or broken per contact, the share kept per
period, the share of customers whose expectations were met, and the gaps between promised, delivered and expected.
Definitions and a worked example: docs/reliability.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MET_ANSWERS = frozenset({"met", "above"})  # the expectation survey's choices that mean "as expected or better"


def kept(start: datetime | None, end: datetime | None, *, limit_seconds: float, now: datetime) -> bool | None:
    """Was the promise kept for one contact? Kept when the measured step happened within the limit; broken when it
    happened later, or has not happened and the limit has passed; None (not judged yet, or not measurable) when the
    contact has no start time or is still within its limit."""
    if start is None:
        return None
    if end is not None:
        return (end - start).total_seconds() <= limit_seconds
    return False if (now - start).total_seconds() > limit_seconds else None


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, and the share in percent (None when whole is 0)."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.part / self.whole if self.whole else None


def kept_share(verdicts: Iterable[bool | None]) -> Share:
    """Contacts whose promise was kept, of the contacts judged (the not-yet-judged are left out)."""
    judged = [v for v in verdicts if v is not None]
    return Share(part=sum(judged), whole=len(judged))


def expectation_share(answers: Iterable[str]) -> Share:
    """Customers who said the service met or exceeded their expectations, of those who answered the question."""
    given = list(answers)
    return Share(part=sum(1 for a in given if a in MET_ANSWERS), whole=len(given))


@dataclass(frozen=True)
class Gaps:
    """In percentage points. promise_gap = delivered − promised (below 0: the promise was broken more often than
    allowed); expectation_gap = expectations met − delivered (below 0: customers expected more than the promise kept)."""

    promise_gap: float | None
    expectation_gap: float | None


def gaps(*, promised: float, delivered: float | None, expected: float | None) -> Gaps:
    return Gaps(
        promise_gap=None if delivered is None else delivered - promised,
        expectation_gap=None if delivered is None or expected is None else expected - delivered,
    )


def period_start(day: date, period: str) -> date:
    """The first day of the week (Monday) or month `day` is in."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)
