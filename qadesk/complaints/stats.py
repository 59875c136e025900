"""The complaint register's figures as pure functions: plain data in, plain data out (docs/complaints.md).

- **Time to resolve** of a closed complaint = closed − logged, in hours; the report gives the median and the 90th
  percentile (FORMULAS.md, operations: medians and 90th percentiles, not only means).
- **Closed within target** = complaints closed by their due date / complaints closed, in percent, with its Wilson
  95 % interval (`scorecards.intervals.percent_interval`); below the minimum n it is marked not conclusive.
- **Repeat complainants** = customers with more than one complaint logged in the period.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from qadesk.scorecards.intervals import percent_interval

K = TypeVar("K", bound=Hashable)


def hours_between(start: datetime, end: datetime) -> float:
    """Hours from `start` to `end`."""
    return (end - start).total_seconds() / 3600


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between closest ranks (numpy's default, Excel's
    PERCENTILE.INC); None for no values. [1, 2, 3, 4] → median 2.5, p90 3.7."""
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0–100")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class ResolutionTimes:
    """Median and 90th percentile of the hours to resolve, over n closed complaints."""

    n: int
    median_hours: float | None
    p90_hours: float | None


def resolution_times(hours: Iterable[float]) -> ResolutionTimes:
    values = list(hours)
    return ResolutionTimes(n=len(values), median_hours=percentile(values, 50), p90_hours=percentile(values, 90))


@dataclass(frozen=True)
class WithinTarget:
    """Share of closed complaints closed by their due date, in percent, with its Wilson 95 % interval."""

    n: int
    within: int
    share: float | None
    low: float | None
    high: float | None
    conclusive: bool


def within_target(closed: Iterable[tuple[datetime, datetime]], *, minimum_n: int) -> WithinTarget:
    """`closed` holds (closed at, due at) pairs; closed at the due moment counts as within."""
    pairs = list(closed)
    n, within = len(pairs), sum(1 for closed_at, due_at in pairs if closed_at <= due_at)
    interval = percent_interval(within, n)
    return WithinTarget(
        n=n,
        within=within,
        share=within / n * 100 if n else None,
        low=interval[0] if interval else None,
        high=interval[1] if interval else None,
        conclusive=n >= minimum_n,
    )


def repeat_complainants(customers: Iterable[K | None]) -> dict[K, int]:
    """Customers with more than one complaint, and how many each has (complaints without a customer are ignored)."""
    counts = Counter(c for c in customers if c is not None)
    return {customer: n for customer, n in counts.items() if n > 1}
