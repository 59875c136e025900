"""Pure scoring functions: the one implementation of FORMULAS.md "Review quality".

They take plain data and return plain data, so UI, API, CLI and reports all share them and tests need
no database.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qadesk.scorecards.intervals import INDEPENDENT, DesignEffects, ScoreSums, mean_interval

# Rating range of each scale: criterion score = (rating - min) / (max - min) * 100.
SCALE_RANGES: dict[str, tuple[int, int]] = {
    "binary": (0, 1),
    "three": (1, 3),
    "four": (1, 4),
    "five": (1, 5),
    "ten": (0, 10),
}
FAIL_BELOW = 50.0  # a criterion scoring under this has failed (and a critical one zeroes the review)

# Level of measurement of a criterion's answers: what counts as a small or a large disagreement between reviewers
# (Krippendorff's alpha per level, docs/calibration-statistics.md). A criterion may declare it; by default a 2-point
# (pass/fail) scale is nominal — two categories, where every level gives the same alpha and nominal says what it is —
# and the point scales are ordinal: their points are ordered ("3 is better than 2") but nothing says the step from
# 1 to 2 equals the step from 4 to 5, so interval would assume more than a reviewer's scale promises and nominal would
# count a 4-for-5 the same as a 1-for-5. A scale whose points are categories (a root cause, a contact reason) must
# declare nominal: ordinal would then depend on an arbitrary order. The review score (0–100) is interval.
LEVELS = ("nominal", "ordinal", "interval", "ratio")
LEVEL_BY_SCALE: dict[str, str] = {"binary": "nominal", "three": "ordinal", "four": "ordinal", "five": "ordinal", "ten": "ordinal"}
SCORE_LEVEL = "interval"  # 0–100 review scores


def default_level(scale: str) -> str:
    """The level of measurement a criterion on this scale has unless it declares one (interval for 0–100 scores)."""
    return LEVEL_BY_SCALE.get(scale, SCORE_LEVEL)


@dataclass(frozen=True)
class CriterionSpec:
    """What scoring needs to know about one criterion."""

    key: str
    scale: str
    weight: float = 1.0
    section: str = ""
    impact: str = "low"  # "high" or "low": the error class a failure counts in
    critical: bool = False  # auto-fail: a failure sets the review score to 0
    fail_section: bool = False  # a failure sets its section's contribution to 0
    bonus: bool = False  # adds to the numerator only; never an error
    na_allowed: bool = True


@dataclass(frozen=True)
class ReviewResult:
    """A review's score (None when every criterion is N/A) and its high/low-impact error counts."""

    score: float | None
    criterion_scores: dict[str, float | None]
    failed: tuple[str, ...]
    high_impact_errors: int
    low_impact_errors: int
    auto_failed: bool = False
    failed_sections: frozenset[str] = field(default_factory=frozenset)


class ScoringError(ValueError):
    """A rating does not fit its criterion (out of range, or N/A where N/A is not allowed)."""


def criterion_score(scale: str, rating: int) -> float:
    """Map a rating on its scale to 0-100."""
    low, high = SCALE_RANGES[scale]
    if not low <= rating <= high:
        raise ScoringError(f"rating {rating} is outside {low}-{high}")
    return (rating - low) / (high - low) * 100


def score_review(
    criteria: Sequence[CriterionSpec],
    ratings: Mapping[str, int | None],
    *,
    allow_above_100: bool = False,
) -> ReviewResult:
    """Score one review.

    Review score = sum(criterion score x weight) / sum(weight) over rated, non-bonus criteria; N/A
    (None) leaves both sums. Bonus criteria add score x weight to the numerator only, and the result
    is capped at 100 unless `allow_above_100`. A failed fail-section criterion counts its whole section
    as 0; a failed critical criterion sets the score to 0. Every failed non-bonus criterion is one
    error of its impact class.
    """
    scores: dict[str, float | None] = {}
    for spec in criteria:
        rating = ratings.get(spec.key)
        if rating is None:
            if not spec.na_allowed:
                raise ScoringError(f"criterion {spec.key} must be rated")
            scores[spec.key] = None
        else:
            scores[spec.key] = criterion_score(spec.scale, rating)

    failed = tuple(s.key for s in criteria if not s.bonus and _failed(scores[s.key]))
    failed_specs = [s for s in criteria if s.key in failed]
    failed_sections = frozenset(s.section for s in failed_specs if s.fail_section)
    auto_failed = any(s.critical for s in failed_specs)
    high = sum(1 for s in failed_specs if s.impact == "high")
    low = len(failed_specs) - high

    numerator = denominator = 0.0
    for spec in criteria:
        value = scores[spec.key]
        if value is None:
            continue
        contribution = 0.0 if spec.section in failed_sections else value * spec.weight
        numerator += contribution
        if not spec.bonus:
            denominator += spec.weight
    if denominator == 0:
        score = None
    elif auto_failed:
        score = 0.0
    else:
        score = numerator / denominator
        if not allow_above_100:
            score = min(score, 100.0)
    return ReviewResult(
        score=None if score is None else round(score, 2),
        criterion_scores=scores,
        failed=failed,
        high_impact_errors=high,
        low_impact_errors=low,
        auto_failed=auto_failed,
        failed_sections=failed_sections,
    )


def _failed(value: float | None) -> bool:
    return value is not None and value < FAIL_BELOW


DEFAULT_MAX_WIDTH = 20.0  # points: a conclusive IQS's 95 % interval is at most this wide (OrgSettings.max_interval_width)


@dataclass(frozen=True)
class GroupStats:
    """IQS of a group of reviews with its sample size, 95 % interval and conclusiveness."""

    n: int
    iqs: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool


def iqs(scores: Iterable[float]) -> float | None:
    """Internal Quality Score: the unweighted mean of review scores (None for no reviews)."""
    values = list(scores)
    return round(statistics.fmean(values), 2) if values else None


def score_sums(scores: Iterable[float]) -> ScoreSums:
    """The sums a GROUP BY keeps of these scores (n, reviews at 0, Σ, Σ², max): for tests and small in-memory groups."""
    values = [float(v) for v in scores]
    return ScoreSums(
        n=len(values),
        n_zero=sum(1 for v in values if v == 0),
        total=sum(values),
        total_sq=sum(v * v for v in values),
        max_score=max(values) if values else None,
    )


def sd_from_sums(n: int, total: float, total_sq: float) -> float:
    """Sample standard deviation from n, sum and sum of squares (as a GROUP BY returns them)."""
    if n < 2:
        return 0.0
    variance = (total_sq - total * total / n) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def is_conclusive(*, n: int, interval: tuple[float, float] | None, minimum_n: int, max_width: float | None) -> bool:
    """Conclusive = at least `minimum_n` reviews AND a 95 % interval at most `max_width` points wide.

    A group without an interval (fewer than 2 reviews) is never conclusive, so it is never ranked."""
    width = math.nan if interval is None else interval[1] - interval[0]
    return are_conclusive(n=[n], has_interval=[interval is not None], widths=[width], minimum_n=minimum_n, max_width=max_width)[0]


def are_conclusive(
    *, n: list[int], has_interval: list[bool], widths: list[float], minimum_n: int, max_width: float | None
) -> list[bool]:
    """`is_conclusive` of many groups at once: their review counts, whether each has an interval, and its width."""
    least = max(minimum_n, 2)
    return [
        has and count >= least and (max_width is None or width <= max_width)
        for count, has, width in zip(n, has_interval, widths, strict=True)
    ]


def group_stats(
    sums: ScoreSums, *, minimum_n: int, max_width: float | None = DEFAULT_MAX_WIDTH, design: DesignEffects = INDEPENDENT
) -> GroupStats:
    """IQS, 95 % interval (`intervals.mean_interval`) and conclusiveness of a group from its aggregated sums.

    Inputs a rollup must keep: n, n_zero, Σscore, Σscore², max score."""
    if sums.n == 0:
        return GroupStats(0, None, None, None, False)
    interval = mean_interval(sums, design=design)
    return GroupStats(
        n=sums.n,
        iqs=round(sums.total / sums.n, 2),
        ci_low=None if interval is None else round(interval[0], 2),
        ci_high=None if interval is None else round(interval[1], 2),
        conclusive=is_conclusive(n=sums.n, interval=interval, minimum_n=minimum_n, max_width=max_width),
    )


def pass_rate(passed: int, n: int) -> float | None:
    """Share of reviews scoring at least the pass mark, in percent."""
    return round(passed / n * 100, 2) if n else None


def per_100(count: int, n: int) -> float | None:
    """A count expressed per 100 reviews (error rates)."""
    return round(count / n * 100, 2) if n else None


def rounded(interval: tuple[float, float] | None) -> tuple[float | None, float | None]:
    """An interval's ends to 2 decimals, (None, None) when there is none."""
    return (None, None) if interval is None else (round(interval[0], 2), round(interval[1], 2))
