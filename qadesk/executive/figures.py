"""Pure functions behind the executive view (docs/executive.md): a headline's measure with what the significance test
needs, period arithmetic, the comparison of two periods with the statistics page's test, and target checks.

No Django imports: the page, the PDF, the e-mail digest and the CLI share these, and the tests need no database."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from qadesk.analytics import stats

HIGHER = "higher"  # a higher value is better (IQS, CSAT…)
LOWER = "lower"  # a lower value is better (errors per 100 reviews, AHT, cost per incident)
GRANULARITIES = ("week", "month")


@dataclass(frozen=True)
class Measure:
    """A headline's value over a period, with the sample behind it: `n` units (reviews, answers, contacts) whose mean
    is `value` and whose sample standard deviation is `sd`. Without n and sd the value is shown but never tested."""

    value: float
    n: int | None = None
    sd: float | None = None

    @property
    def testable(self) -> bool:
        return self.n is not None and self.sd is not None and self.n >= 2


def sample_sd(n: int, total: float, total_sq: float) -> float | None:
    """Sample standard deviation from n, Σx and Σx²; None below 2 units. Example: 1, 2, 3 → n 3, Σ 6, Σ² 14 → 1.0."""
    if n < 2:
        return None
    variance = (total_sq - total * total / n) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def mean_measure(n: int, total: float, total_sq: float) -> Measure | None:
    """The mean of n units from their sums; None without units."""
    if n <= 0:
        return None
    return Measure(value=total / n, n=n, sd=sample_sd(n, total, total_sq))


def share_measure(hits: int, n: int) -> Measure | None:
    """A share in percent (hits / n × 100) as the mean of n units worth 100 or 0, so Welch's test applies to it.
    Example: 3 of 4 → 75 %, sd = 100 × √(0.75 × 0.25 × 4/3) = 50."""
    if n <= 0:
        return None
    return mean_measure(n, 100.0 * hits, 100.0 * 100.0 * hits)


def scored_measure(counts: Mapping[int, int], worth: Mapping[int, float] | None = None) -> Measure | None:
    """The mean worth of rated answers: {rating: answers}, each answer worth `worth[rating]` (the rating itself by
    default). NPS is this with promoters worth 100, passives 0, detractors −100; CES the mean rating."""
    n = total = total_sq = 0.0
    for rating, count in counts.items():
        value = float(rating if worth is None else worth[rating])
        n += count
        total += value * count
        total_sq += value * value * count
    return mean_measure(int(n), total, total_sq)


def nps_worth(rating: int) -> float:
    """What an answer adds to NPS: promoters (9–10) 100, passives (7–8) 0, detractors (0–6) −100."""
    return 100.0 if rating >= 9 else 0.0 if rating >= 7 else -100.0


def period_bounds(day: date, granularity: str) -> tuple[date, date]:
    """The week (Monday–Sunday) or calendar month holding `day`, as (first day, last day)."""
    if granularity == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if granularity == "month":
        start = day.replace(day=1)
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    raise ValueError(f"unknown granularity {granularity!r}")


def last_complete_period(today: date, granularity: str) -> tuple[date, date]:
    """The last whole week or month before `today`'s (the period a digest sent on `today` reports)."""
    start, _end = period_bounds(today, granularity)
    return period_bounds(start - timedelta(days=1), granularity)


def previous_period(start: date, end: date, granularity: str | None) -> tuple[date, date]:
    """The period before: the previous week or month, or for any other range the same number of days just before it."""
    if granularity:
        return period_bounds(start - timedelta(days=1), granularity)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def period_series(start: date, granularity: str, count: int) -> list[tuple[date, date]]:
    """`count` consecutive periods ending with the one starting on `start`, oldest first."""
    periods = [period_bounds(start, granularity)]
    while len(periods) < count:
        periods.insert(0, period_bounds(periods[0][0] - timedelta(days=1), granularity))
    return periods


@dataclass(frozen=True)
class Change:
    """How a headline moved from a reference period (the previous one, or the baseline) to the current one."""

    difference: float
    p_value: float | None  # None: not testable (no sample behind one of the values)
    p_adjusted: float | None
    significant: bool
    better: bool | None  # None: no change


def compare(reference: Measure | None, current: Measure | None, direction: str) -> tuple[Change | None, stats.Comparison | None]:
    """The change from `reference` to `current` and, when both carry their sample, Welch's t-test (stats.period_change,
    the statistics page's test) before any correction; (None, None) when either value is missing."""
    if reference is None or current is None:
        return None, None
    difference = current.value - reference.value
    test = None
    if reference.testable and current.testable:
        assert reference.n is not None and current.n is not None and reference.sd is not None and current.sd is not None
        test = stats.period_change(
            n_a=reference.n, mean_a=reference.value, sd_a=reference.sd, n_b=current.n, mean_b=current.value, sd_b=current.sd
        )
    better = None if difference == 0 else (difference > 0) == (direction == HIGHER)
    change = Change(difference=difference, p_value=None, p_adjusted=None, significant=False, better=better)
    return change, test


def corrected(pairs: Sequence[tuple[Change | None, stats.Comparison | None]]) -> list[Change | None]:
    """The changes of one family (every headline compared on one page) with Benjamini–Hochberg adjusted p-values, as
    the statistics page corrects its lists; a change is significant when its adjusted p < 0.05."""
    tests = [test for _change, test in pairs if test is not None]
    adjusted = iter(stats.family_corrected(tests))
    result: list[Change | None] = []
    for change, test in pairs:
        if change is None or test is None:
            result.append(change)
            continue
        done = next(adjusted)
        result.append(
            Change(
                difference=change.difference,
                p_value=done.p_value,
                p_adjusted=done.p_adjusted,
                significant=done.significant,
                better=change.better,
            )
        )
    return result


def target_met(value: float | None, target: float | None, direction: str) -> bool | None:
    """Whether a value reaches its target (≥ for higher-is-better, ≤ for lower-is-better); None when either is missing."""
    if value is None or target is None:
        return None
    return value >= target if direction == HIGHER else value <= target
