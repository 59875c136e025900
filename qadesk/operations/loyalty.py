"""Does resolution bring loyalty? Pure functions over plain data, no database (docs/operations.md, "Loyalty").

Each customer of the range is read at their last contact in the range (the experience they left with):
- resolved at first contact or not: that contact is resolved, never reopened, and the customer did not write again on
  the same contact reason within FCR's N days (kpis.came_back);
- bad experiences: how many of their contacts in the range went badly (a failed review, a negative customer rating —
  CSAT ≤ 2 —, a complaint, or never resolved): none, one, or repeated (two or more).

The outcome is the customer's **return**: a new contact on another contact reason (a new need, not the same problem
again, which FCR already counts) within `days` days of that last contact. Without imported customer activity (orders,
renewals, cancellations) this is the proxy for "stays active"; a customer who does not return may still be a customer.
Only customers whose last contact is at least `days` old count, so every one was watched for the whole window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from qadesk.scorecards.intervals import percent_interval
from qadesk.scorecards.scoring import rounded

COHORTS = ("fcr", "not_fcr", "bad_0", "bad_1", "bad_repeated")
DAY = 86400.0


@dataclass(frozen=True)
class History:
    """What the loyalty figures read of one customer: their last contact in the range (when it was created, whether it
    was resolved at first contact), how many of their contacts in the range went badly, and how many days after that
    last contact they next wrote on another contact reason (None: not (yet) seen)."""

    last_contact_at: datetime
    first_contact_resolved: bool
    bad_experiences: int
    returned_after_days: float | None = None


@dataclass(frozen=True)
class Cohort:
    """The customers of one group: how many, how many returned within the window, the share in percent with its Wilson
    95 % interval, and the curve: the share returned by the end of each day 1 … `days` (cumulative, in percent)."""

    key: str
    customers: int
    returned: int
    return_rate: float | None
    return_rate_low: float | None
    return_rate_high: float | None
    curve: tuple[float, ...]


def cohort_of_bad(bad_experiences: int) -> str:
    """The bad-experience group: none, one, or repeated (two or more)."""
    return "bad_0" if bad_experiences <= 0 else "bad_1" if bad_experiences == 1 else "bad_repeated"


def watched(history: History, *, days: int, now: datetime) -> bool:
    """Whether the customer's whole return window (`days` after the last contact) has passed."""
    return history.last_contact_at.timestamp() + days * DAY <= now.timestamp()


def returned_within(history: History, days: float) -> bool:
    """Came back on another contact reason within `days` days of the last contact (at `days` exactly included)."""
    return history.returned_after_days is not None and history.returned_after_days <= days


def cohort(key: str, histories: Sequence[History], *, days: int) -> Cohort:
    """The return figures of one group of customers (every history already watched for `days`)."""
    n = len(histories)
    returned = sum(returned_within(h, days) for h in histories)
    if not n:
        return Cohort(key, 0, 0, None, None, None, ())
    low, high = rounded(percent_interval(returned, n))
    curve = tuple(round(100 * sum(returned_within(h, d) for h in histories) / n, 2) for d in range(1, days + 1))
    return Cohort(key, n, returned, round(100 * returned / n, 2), low, high, curve)


def cohorts(histories: Iterable[History], *, days: int, now: datetime) -> list[Cohort]:
    """The five groups, in COHORTS' order: resolved at first contact, not; no, one, repeated bad experiences. Customers
    whose window has not passed yet are left out."""
    seen = [h for h in histories if watched(h, days=days, now=now)]
    groups: dict[str, list[History]] = {key: [] for key in COHORTS}
    for h in seen:
        groups["fcr" if h.first_contact_resolved else "not_fcr"].append(h)
        groups[cohort_of_bad(h.bad_experiences)].append(h)
    return [cohort(key, groups[key], days=days) for key in COHORTS]


def next_other_reason_days(
    last_at: datetime, last_reason: int | None, later: Iterable[tuple[datetime, int | None]]
) -> float | None:
    """Days from the last contact to the customer's first strictly later contact on another reason (a contact without
    a reason counts as another); None without one."""
    gaps = [
        (at.timestamp() - last_at.timestamp()) / DAY
        for at, reason in later
        if at.timestamp() > last_at.timestamp() and (reason is None or reason != last_reason)
    ]
    return min(gaps) if gaps else None
