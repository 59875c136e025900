"""Confidence intervals for every figure of the quality report (docs/statistics.md): pure functions, plain numbers.

- **IQS** (the mean of review scores): a *two-part* interval. Scores are bounded (0–100, above only with bonus
  criteria) and lumpy, with a spike at 0 from critical failures. The mean is split as IQS = a · m, where a is the share
  of reviews scoring above 0 and m the mean of those scores; a gets a Wilson interval, m a Student-t interval (capped at
  100 unless a score is above 100), and the two are combined on the log scale by the MOVER method (Zou & Donner 2008,
  "Construction of confidence limits about effect measures: a general approach", Stat Med 27:1693–1702). The interval
  always contains the IQS and never leaves 0–100 (or 0–the highest score, with bonus). `benchmarks/interval_coverage.py`
  shows it covers ~95 % at n = 5, 10, 30 on realistic scores where Student's t covers 65–92 %.
- **Pass rate** (and any share): Wilson score interval (Wilson 1927; Newcombe 1998).
- **Errors per 100 reviews**: the exact Poisson interval of the count (Garwood 1936), divided by the reviews.
- **Totals across agents**: reviews cluster by agent and by reviewer. `design_effects` measures, from per-(agent,
  reviewer) sums, how much the clustering inflates each figure's variance (two-way cluster-robust variance, Cameron,
  Gelbach & Miller 2011) and the intervals above are then computed on the *effective* sample size n / design effect,
  with the Student-t degrees of freedom limited by the number of clusters.

**Inputs a rollup must keep** (all additive, so per-day rollups can be summed): per group n, the number of reviews
scoring exactly 0, Σscore, Σscore², the highest score (or whether any is above 100), passes, and error counts; for
cluster-aware totals the same per (agent, reviewer). No individual score is needed and nothing is resampled, so the page,
the API and the CLI agree to the last digit and one interval costs a few microseconds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

CONFIDENCE = 0.95
MAX_SCORE = 100.0  # the scores' upper bound unless a bonus lifted one above it


# The quantiles are cached: a report computes thousands of intervals with the same few degrees of freedom and counts,
# and a scipy call on one number costs 5–8 µs.
@lru_cache(maxsize=16)
def z_quantile(confidence: float = CONFIDENCE) -> float:
    """The two-sided standard normal quantile (1.96 at 95 %)."""
    from scipy import special  # here, not at import: scipy costs every `qadesk` process ~0.5 s of start-up

    return float(special.ndtri((1 + confidence) / 2))


@lru_cache(maxsize=4096)
def t_quantile(df: float, confidence: float = CONFIDENCE) -> float:
    """The two-sided Student-t quantile with df degrees of freedom (2.776 for df = 4 at 95 %)."""
    from scipy import special

    return float(special.stdtrit(df, (1 + confidence) / 2))


@lru_cache(maxsize=8192)
def _gamma_quantile(shape: float, probability: float) -> float:
    from scipy import special

    return float(special.gammaincinv(shape, probability))


@dataclass(frozen=True)
class ScoreSums:
    """What a GROUP BY (or a rollup) keeps of a group's review scores: the interval needs nothing else."""

    n: int
    n_zero: int  # reviews scoring exactly 0 (critical failures, or everything failed)
    total: float  # Σ score
    total_sq: float  # Σ score²
    max_score: float | None = None  # the highest score; above 100 only with bonus criteria

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None


@dataclass(frozen=True)
class DesignEffects:
    """How much clustering inflates the variance of each figure of a group (1 = reviews as good as independent).

    `clusters` is the fewest clusters of one kind (agents or reviewers): the Student-t degrees of freedom are at most
    clusters − 1."""

    nonzero_share: float = 1.0
    nonzero_mean: float = 1.0
    pass_rate: float = 1.0
    high_impact: float = 1.0
    low_impact: float = 1.0
    clusters: int | None = None


INDEPENDENT = DesignEffects()


def wilson_interval(successes: float, n: float, *, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson score interval of a proportion (0–1); None when n = 0.

    p̂ = x/n; centre = (p̂ + z²/2n) / (1 + z²/n); half-width = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
    Unlike p̂ ± z·√(p̂(1−p̂)/n) it never leaves 0–1 and keeps its coverage near 95 % at small n and near 0 % or 100 %.
    Newcombe (1998), Stat Med 17:857–872, example 81/263 → 0.2553–0.3662; 0/20 → 0–0.1611.
    x and n may be fractional (an effective sample size n / design effect)."""
    if n <= 0:
        return None
    z = z_quantile(confidence)
    p = min(max(successes / n, 0.0), 1.0)
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_interval(count: float, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Exact (Garwood 1936) interval of a Poisson mean from an observed count.

    lower = χ²(α/2; 2k) / 2 (0 when k = 0), upper = χ²(1 − α/2; 2k + 2) / 2. Example: k = 0 → 0–3.689;
    k = 5 → 1.623–11.668; k = 10 → 4.795–18.390. k may be fractional (an effective count)."""
    tail = (1 - confidence) / 2
    lower = 0.0 if count <= 0 else _gamma_quantile(count, tail)
    upper = _gamma_quantile(count + 1, 1 - tail)
    return lower, upper


def percent_interval(
    successes: int, n: int, *, design_effect: float = 1.0, confidence: float = CONFIDENCE
) -> tuple[float, float] | None:
    """A share in percent (pass rate, a criterion's failures per 100 reviews) with its Wilson interval; None for n = 0.

    With a design effect d > 1 the interval is computed on the effective sample (x/d of n/d) (Korn & Graubard 1998)."""
    d = max(design_effect, 1.0)
    interval = wilson_interval(successes / d, n / d, confidence=confidence)
    return None if interval is None else (interval[0] * 100, interval[1] * 100)


def per_100_interval(
    count: int, n: int, *, design_effect: float = 1.0, confidence: float = CONFIDENCE
) -> tuple[float, float] | None:
    """A count of errors per 100 reviews with its exact Poisson interval; None for n = 0.

    Errors are counted as Poisson events over the reviews (several may fall in one review); a design effect d > 1
    (clustering or over-dispersion measured across clusters) widens it to the interval of count/d over n/d reviews."""
    if n <= 0:
        return None
    d = max(design_effect, 1.0)
    low, high = poisson_interval(count / d, confidence=confidence)
    return low * d / n * 100, high * d / n * 100


def mean_interval(
    sums: ScoreSums, *, design: DesignEffects = INDEPENDENT, confidence: float = CONFIDENCE
) -> tuple[float, float] | None:
    """The IQS's 95 % interval (two-part, see the module docstring); None below 2 reviews.

    With k reviews above 0 of n: a = k/n with Wilson (al, au); m = Σscore/k with s² = (Σscore² − (Σscore)²/k)/(k − 1),
    (ml, mu) = m ∓ t(k − 1)·s/√k, mu at most 100 unless a score is above 100. Then on the log scale (MOVER):
    lower = a·m·exp(−√(ln(a/al)² + ln(m/ml)²)), upper = a·m·exp(√(ln(au/a)² + ln(mu/m)²)); lower = 0 when al or ml ≤ 0.
    One review above 0: m is only known to be in 0–100, so lower = 0, upper = au·100. None above 0: 0 to au·100.
    Inputs a rollup must keep: n, n_zero, Σscore, Σscore², max score (and for `design`, see `design_effects`)."""
    n, k = sums.n, sums.n - sums.n_zero
    if n < 2:
        return None
    cap = MAX_SCORE if sums.max_score is None or sums.max_score <= MAX_SCORE else math.inf
    d_a = max(design.nonzero_share, 1.0)
    share = wilson_interval(k / d_a, n / d_a, confidence=confidence)
    assert share is not None
    a, (a_low, a_high) = k / n, share
    if k == 0:
        return 0.0, a_high * MAX_SCORE
    m = sums.total / k
    if k == 1:
        m_low, m_high = 0.0, max(MAX_SCORE, m)
    else:
        variance = max((sums.total_sq - sums.total * sums.total / k) / (k - 1), 0.0)
        df = k - 1 if design.clusters is None else max(1, min(k - 1, design.clusters - 1))
        half = t_quantile(df, confidence) * math.sqrt(max(design.nonzero_mean, 1.0) * variance / k)
        m_low, m_high = m - half, min(m + half, cap)
    mean = a * m
    reachable = a_low > 0 and m_low > 0  # otherwise the lower limit's log is −∞: the interval starts at 0
    lower = mean * math.exp(-math.hypot(math.log(a / a_low), math.log(m / m_low))) if reachable else 0.0
    upper = min(mean * math.exp(math.hypot(math.log(a_high / a), math.log(m_high / m))), cap)  # min: rounding only
    return min(lower, mean), max(upper, mean)


# Many groups at once. A report's group table computes the same intervals for every group: with one array operation per
# step instead of one Python call per group and figure, 40 groups cost ~0.2 ms instead of ~1 ms (benchmarks/README.md).
# + − × ÷ √ and the (shared, cached) quantiles give the same bits in both forms; numpy's logarithms and exponentials may
# differ from the math module's by one unit in the last place, far below the 2 decimals shown (tests compare both).
Floats = np.ndarray  # one float64 per group


def wilson_intervals(successes: Floats, n: Floats, *, confidence: float = CONFIDENCE) -> tuple[Floats, Floats]:
    """`wilson_interval` of each group (0–1); NaN where n ≤ 0."""
    z = z_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.minimum(np.maximum(successes / n, 0.0), 1.0)
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
        low, high = np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)
    none = n <= 0
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


def percent_intervals(successes: Floats, n: Floats, *, confidence: float = CONFIDENCE) -> tuple[Floats, Floats]:
    """`percent_interval` of each group (independent reviews); NaN where n = 0."""
    low, high = wilson_intervals(successes, n, confidence=confidence)
    return low * 100, high * 100


def per_100_intervals(counts: Floats, n: Floats, *, confidence: float = CONFIDENCE) -> tuple[Floats, Floats]:
    """`per_100_interval` of each group (independent reviews); NaN where n ≤ 0."""
    tail = (1 - confidence) / 2
    # Counts repeat from report to report: the cached quantiles of `poisson_interval`, not scipy's for every group.
    low = np.array([0.0 if c <= 0 else _gamma_quantile(c, tail) for c in counts.tolist()])
    high = np.array([_gamma_quantile(c + 1, 1 - tail) for c in counts.tolist()])
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = low / n * 100, high / n * 100
    none = n <= 0
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


def mean_intervals(
    n: Floats, n_zero: Floats, total: Floats, total_sq: Floats, max_score: Floats, *, confidence: float = CONFIDENCE
) -> tuple[Floats, Floats]:
    """`mean_interval` of each group (independent reviews; `max_score` NaN when unknown); NaN where it gives None."""
    k = n - n_zero
    cap = np.where(np.isnan(max_score) | (max_score <= MAX_SCORE), MAX_SCORE, math.inf)
    a_low, a_high = wilson_intervals(k, n, confidence=confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        a, m = k / n, total / k
        variance = np.maximum((total_sq - total * total / k) / (k - 1), 0.0)
        t = np.array([t_quantile(df, confidence) for df in np.maximum(k - 1, 1).tolist()])  # cached, as in mean_interval
        half = t * np.sqrt(variance / k)
        m_low = np.where(k == 1, 0.0, m - half)
        m_high = np.where(k == 1, np.maximum(MAX_SCORE, m), np.minimum(m + half, cap))
        mean = a * m
        reachable = (a_low > 0) & (m_low > 0)
        lower = np.where(reachable, mean * np.exp(-np.hypot(np.log(a / a_low), np.log(m / m_low))), 0.0)
        upper = np.minimum(mean * np.exp(np.hypot(np.log(a_high / a), np.log(m_high / m))), cap)
        lower, upper = np.minimum(lower, mean), np.maximum(upper, mean)
    lower, upper = np.where(k == 0, 0.0, lower), np.where(k == 0, a_high * MAX_SCORE, upper)
    none = n < 2
    return np.where(none, np.nan, lower), np.where(none, np.nan, upper)


@dataclass(frozen=True)
class ClusterCell:
    """The sums of the reviews one agent received from one reviewer (a GROUP BY agent, reviewer row)."""

    agent: Hashable
    reviewer: Hashable
    n: int
    n_zero: int
    total: float
    passed: int = 0
    high: int = 0
    low: int = 0


def design_effects(cells: Sequence[ClusterCell], sums: ScoreSums) -> DesignEffects:
    """Design effects of the IQS parts, the pass rate and the error rates from per-(agent, reviewer) sums.

    Each figure is a ratio R = Σy / Σx over reviews (a: y = 1 if the score is above 0, x = 1; m: y = score, x = 1 if
    above 0; pass rate: y = passed; errors: y = count). Its cluster-robust variance for one clustering (G clusters) is
    V = G/(G − 1) · Σ_g (y_g − R·x_g)² / (Σx)²; two-way (agents and reviewers, Cameron, Gelbach & Miller 2011):
    V = V_agent + V_reviewer − V_agent×reviewer, at least the larger one-way variance. The design effect is V over the
    variance the same figure has when reviews are independent (Bernoulli p(1 − p)/n for shares, s²/k for m from the
    group's `sums`, count/n² for Poisson rates), at least 1. With fewer than 2 agents or 2 reviewers nothing tells
    clusters apart: no effect. Inputs a rollup must keep per (agent, reviewer): n, n_zero, Σscore, passes, errors."""
    agents = {c.agent for c in cells}
    reviewers = {c.reviewer for c in cells}
    n, k = sums.n, sums.n - sums.n_zero
    if len(agents) < 2 or len(reviewers) < 2 or n < 2:
        return INDEPENDENT
    a = k / n
    s2 = (sums.total_sq - sums.total * sums.total / k) / (k - 1) if k >= 2 else 0.0
    passed, high, low = sum(c.passed for c in cells), sum(c.high for c in cells), sum(c.low for c in cells)
    p = passed / n
    return DesignEffects(
        nonzero_share=_effect([(c, c.n - c.n_zero, c.n) for c in cells], a * (1 - a) / n),
        nonzero_mean=_effect([(c, c.total, c.n - c.n_zero) for c in cells], s2 / k if k else 0.0),
        pass_rate=_effect([(c, c.passed, c.n) for c in cells], p * (1 - p) / n),
        high_impact=_effect([(c, c.high, c.n) for c in cells], high / (n * n)),
        low_impact=_effect([(c, c.low, c.n) for c in cells], low / (n * n)),
        clusters=min(len(agents), len(reviewers)),
    )


Row = tuple[ClusterCell, float, float]  # a cell with its y and x sums


def _effect(rows: list[Row], iid_variance: float) -> float:
    """Two-way cluster-robust variance of Σy/Σx over the variance with independent reviews (at least 1)."""
    x_sum = sum(x for _c, _y, x in rows)
    if x_sum <= 0 or iid_variance <= 0:
        return 1.0
    ratio = sum(y for _c, y, _x in rows) / x_sum
    by_agent = _cluster_variance(rows, ratio, x_sum, lambda c: c.agent)
    by_reviewer = _cluster_variance(rows, ratio, x_sum, lambda c: c.reviewer)
    by_cell = _cluster_variance(rows, ratio, x_sum, lambda c: (c.agent, c.reviewer))
    variance = max(by_agent + by_reviewer - by_cell, by_agent, by_reviewer)
    return max(1.0, variance / iid_variance)


def _cluster_variance(rows: list[Row], ratio: float, x_sum: float, key: Callable[[ClusterCell], Hashable]) -> float:
    """G/(G − 1) · Σ_g (y_g − R·x_g)² / (Σx)² over the clusters `key` forms (0 below 2 clusters)."""
    residuals: dict[Hashable, float] = defaultdict(float)
    for cell, y, x in rows:
        residuals[key(cell)] += y - ratio * x
    g = len(residuals)
    if g < 2:
        return 0.0
    return g / (g - 1) * sum(r * r for r in residuals.values()) / (x_sum * x_sum)


def round2(values: Floats) -> list[float | None]:
    """`round(x, 2)` of each value, exactly as Python rounds (None for NaN), for many values at once.

    Python's round finds the nearest multiple k of 0.01 to x's exact binary value, then returns the double nearest to
    k / 100. numpy's `rint(x · 100) / 100` gives the same k unless x · 100 lies within a rounding error of a half (the
    product may be off by half a unit in the last place), and k / 100, one correctly rounded IEEE division of two exact
    integers, is then the same double. Those rare near-halves are rounded by Python itself. ~20× faster than a round()
    per value for the 480 figures of a 40-group table (benchmarks/README.md, "The group table at 200k")."""
    with np.errstate(invalid="ignore"):
        scaled = values * 100.0
        k = np.rint(scaled)
        near_half = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) <= np.abs(scaled) * 1e-12 + 1e-300
    result: list[float | None] = (k / 100.0).tolist()
    for i in np.flatnonzero(near_half | ~np.isfinite(values)).tolist():
        x = float(values[i])
        result[i] = None if x != x else round(x, 2)
    return result
