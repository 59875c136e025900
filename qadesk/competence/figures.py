"""Pure functions for the competence figures (FORMULAS.md "Competence", docs/competence.md): no Django, plain data in
and out, so the page, the API, the CLI and the executive summary share one implementation and tests need no database.

Training score = required days covered by a valid completion / required days × 100 (an expired certification counts
as missing). Delivery score = mean of the available sources among (competence criteria mean score, survey competence
question on 0–100). Each part = 50 × score / benchmark; rating = training part + delivery part, so an agent exactly at
both benchmarks rates 100 and below 100 is below the benchmark."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from qadesk.scorecards.intervals import t_quantile, z_quantile

PART_POINTS = 50.0  # each part is worth 50 at its benchmark: the rating at both benchmarks is 100
AT_BENCHMARK = 2 * PART_POINTS
SURVEY_LOW, SURVEY_HIGH = 1, 5  # the competence question is a 1–5 (CSAT-kind) question


@dataclass(frozen=True)
class RequiredCourse:
    """A course an agent must have: its code and length in days."""

    code: str
    days: float


@dataclass(frozen=True)
class Completion:
    """A completion of a course by an agent; `expires_on` None for a course that never expires."""

    course: str
    completed_on: date
    expires_on: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or self.expires_on >= day)


def training_score(required: Sequence[RequiredCourse], completions: Iterable[Completion], *, on: date) -> float | None:
    """Share of the required days covered by a completion valid on `on`, × 100; None when nothing is required.

    Example: required A (2 days) and B (3 days); A done, B's certificate expired → 2 / 5 × 100 = 40."""
    total = sum(course.days for course in required)
    if not required or total <= 0:
        return None
    valid = {c.course for c in completions if c.valid_on(on)}
    return 100.0 * sum(course.days for course in required if course.code in valid) / total


def missing_courses(required: Sequence[RequiredCourse], completions: Iterable[Completion], *, on: date) -> list[str]:
    """Codes of the required courses with no completion valid on `on` (never done, or expired)."""
    valid = {c.course for c in completions if c.valid_on(on)}
    return [course.code for course in required if course.code not in valid]


def survey_to_100(mean_rating: float) -> float:
    """A 1–5 mean rating on the 0–100 scale of criterion scores: 1 → 0, 3 → 50, 5 → 100."""
    return (mean_rating - SURVEY_LOW) / (SURVEY_HIGH - SURVEY_LOW) * 100.0


def delivery_score(criteria_mean: float | None, survey_mean: float | None) -> float | None:
    """Mean of the sources present: competence criteria mean score (0–100) and the survey question's mean (1–5,
    rescaled to 0–100); None with neither. Example: criteria 80, survey mean 4.0 (= 75) → 77.5."""
    parts = [criteria_mean] if criteria_mean is not None else []
    if survey_mean is not None:
        parts.append(survey_to_100(survey_mean))
    return statistics.fmean(parts) if parts else None


def organisation_benchmark(scores: Iterable[float | None]) -> float | None:
    """The organisation's own benchmark for a score: the median over the agents who have one."""
    present = [s for s in scores if s is not None]
    return statistics.median(present) if present else None


def normalised(score: float | None, benchmark: float | None) -> float | None:
    """The part's points: 50 × score / benchmark (50 at the benchmark); None without a score or a positive benchmark."""
    if score is None or benchmark is None or benchmark <= 0:
        return None
    return PART_POINTS * score / benchmark


@dataclass(frozen=True)
class Rating:
    """One agent's competence rating with its parts: scores (0–100), points (50 at the benchmark) and the sum."""

    training_score: float | None
    delivery_score: float | None
    training_points: float | None
    delivery_points: float | None

    @property
    def value(self) -> float | None:
        if self.training_points is None or self.delivery_points is None:
            return None
        return self.training_points + self.delivery_points

    @property
    def below_benchmark(self) -> bool:
        return self.value is not None and self.value < AT_BENCHMARK


def rating(
    training: float | None, delivery: float | None, *, training_benchmark: float | None, delivery_benchmark: float | None
) -> Rating:
    """Both parts normalised against their benchmark and summed. Example: training 40 against 80 (25 points) and
    delivery 90 against 75 (60 points) → 85, below the benchmark of 100."""
    return Rating(
        training_score=training,
        delivery_score=delivery,
        training_points=normalised(training, training_benchmark),
        delivery_points=normalised(delivery, delivery_benchmark),
    )


@dataclass(frozen=True)
class CriterionLoss:
    """A competence criterion where the agent loses points: mean score, reviews counted and points lost per review."""

    code: str
    mean: float
    n: int

    @property
    def lost(self) -> float:
        return 100.0 - self.mean


def losses(criteria: Mapping[str, tuple[float, int]], *, top: int = 3) -> list[CriterionLoss]:
    """The criteria (code → (mean score, n)) with the most points lost per review, worst first; full marks omitted."""
    rows = [CriterionLoss(code, mean, n) for code, (mean, n) in criteria.items() if n and mean < 100.0]
    return sorted(rows, key=lambda row: (-row.lost, row.code))[:top]


def group_means(values: Iterable[tuple[str, float | None]]) -> dict[str, tuple[float | None, int]]:
    """Mean of the present values per group key, with how many agents it counts: the team and site views."""
    buckets: dict[str, list[float]] = {}
    for key, value in values:
        bucket = buckets.setdefault(key, [])
        if value is not None:
            bucket.append(value)
    return {key: (statistics.fmean(v) if v else None, len(v)) for key, v in buckets.items()}


@dataclass(frozen=True)
class Association:
    """Pearson correlation of training days with a result over agents, with its 95 % interval (Fisher z)."""

    n: int
    r: float | None
    low: float | None = None
    high: float | None = None
    slope: float | None = None  # result units per training day (least squares)


def correlation(pairs: Sequence[tuple[float, float]], *, confidence: float = 0.95) -> Association:
    """r over (training days, result) pairs with the Fisher-z interval tanh(atanh r ± z/√(n−3)); the interval needs
    n ≥ 4 and r needs both variables to vary. Example: (0, 60), (1, 70), (2, 80) → r = 1, slope 10."""
    n = len(pairs)
    if n < 3:
        return Association(n=n, r=None)
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return Association(n=n, r=None)
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    slope = sxy / sxx
    if n < 4 or abs(r) == 1.0:
        return Association(n=n, r=r, low=r if abs(r) == 1.0 else None, high=r if abs(r) == 1.0 else None, slope=slope)
    half = z_quantile(confidence) / math.sqrt(n - 3)
    z = math.atanh(r)
    return Association(n=n, r=r, low=math.tanh(z - half), high=math.tanh(z + half), slope=slope)


@dataclass(frozen=True)
class BeforeAfter:
    """Mean paired change (after − before) of a result around a course, over the agents measured on both sides."""

    n: int
    change: float | None
    low: float | None = None
    high: float | None = None
    differences: list[float] = field(default_factory=list)


def before_after(pairs: Sequence[tuple[float, float]], *, confidence: float = 0.95) -> BeforeAfter:
    """Mean of after − before with a Student-t interval (n − 1 degrees of freedom); the interval needs n ≥ 2.
    Example: (70, 80), (60, 64) → differences 10 and 4, mean 7, sd 4.24, interval 7 ± 12.71 × 3 = −31.1 … 45.1."""
    differences = [after - before for before, after in pairs]
    n = len(differences)
    if not n:
        return BeforeAfter(n=0, change=None)
    mean = statistics.fmean(differences)
    if n < 2:
        return BeforeAfter(n=n, change=mean, differences=differences)
    half = t_quantile(n - 1, confidence) * statistics.stdev(differences) / math.sqrt(n)
    return BeforeAfter(n=n, change=mean, low=mean - half, high=mean + half, differences=differences)


def productivity(interactions: int, active_days: int) -> float | None:
    """Interactions handled per day with at least one handled interaction; None without any active day."""
    return interactions / active_days if active_days else None
