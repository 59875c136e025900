"""The disputes dashboard's figures as pure functions: plain data in, plain data out (FORMULAS.md style).

- **Resolution time** of a dispute = decided − opened, in hours; the dashboard shows the median.
- **Acceptance rate** of a group (a criterion, a reviewer, a team) = contested criteria accepted /
  contested criteria decided, with n = contested criteria decided. A reviewer whose findings are often
  overturned has a high acceptance rate; below the minimum n the rate is shown but marked not conclusive. Each rate
  has its Wilson 95 % interval (`scorecards.intervals.percent_interval`), like every rate qadesk shows.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from qadesk.scorecards.intervals import percent_interval


@dataclass(frozen=True)
class AcceptanceRow:
    """How often the contested findings of one group were accepted (overturned)."""

    key: str
    label: str
    n: int
    accepted: int
    rate: float | None
    conclusive: bool
    rate_low: float | None = None  # Wilson 95 % interval, in percent
    rate_high: float | None = None


def resolution_hours(opened: datetime, decided: datetime) -> float:
    """Hours from opening a dispute to its decision."""
    return (decided - opened).total_seconds() / 3600


def median_resolution_hours(spans: Iterable[tuple[datetime, datetime]]) -> float | None:
    """The median of (opened, decided) spans in hours; None without any decided dispute."""
    hours = [resolution_hours(opened, decided) for opened, decided in spans]
    return statistics.median(hours) if hours else None


def acceptance_rate(accepted: int, n: int) -> float | None:
    """Accepted / decided × 100; None when nothing was decided."""
    if n < 0 or accepted < 0 or accepted > n:
        raise ValueError("need 0 <= accepted <= n")
    return accepted / n * 100 if n else None


def acceptance_rows(groups: Iterable[tuple[str, str, int, int]], *, minimum_n: int) -> list[AcceptanceRow]:
    """(key, label, n decided, n accepted) per group -> rows, most often overturned first.

    Conclusive groups (n >= minimum_n) come first by descending rate, then the others by descending rate;
    ties by label, so the order is stable."""
    rows = []
    for key, label, n, accepted in groups:
        if not n:
            continue
        low, high = percent_interval(accepted, n) or (None, None)
        rate = acceptance_rate(accepted, n)
        rows.append(AcceptanceRow(key, label, n, accepted, rate, n >= minimum_n, low, high))
    return sorted(rows, key=lambda r: (not r.conclusive, -(r.rate or 0), r.label.casefold(), r.key))


def overturn_flag(row: AcceptanceRow, *, overall_rate: float | None, margin: float = 15.0) -> bool:
    """Whether a conclusive group's findings are overturned clearly more often than overall (rate ≥ overall + margin)."""
    if not row.conclusive or row.rate is None or overall_rate is None:
        return False
    return row.rate >= overall_rate + margin
