"""Pure functions for honest statistics (docs/statistics.md): sample size for a wanted precision, and the tests that
say whether a score moved between two periods or a reviewer scores differently from their peers, corrected for the
many such tests a list runs at once (Benjamini–Hochberg).

They take plain numbers and return plain numbers, so the page, the API and the CLI share them and tests need no
database. The 95 % interval they agree with is `scoring.mean_confidence_interval` (Student-t)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scipy import stats

Z_95 = 1.96
ALPHA = 0.05  # a change or a difference is "significant" when its adjusted p < ALPHA
CORRECTION = "benjamini-hochberg"  # how a list's p-values are adjusted for the number of tests it ran
MAX_REVIEWS = 100_000  # a plan past this is no plan: the margin is unreachable in practice


@dataclass(frozen=True)
class Comparison:
    """A difference between two means, its t statistic, two-sided p-value and adjusted p-value.

    `p_adjusted` is the p-value once the test is counted among the others of its family (`family_corrected`); a test
    on its own is its own family, so it starts equal to `p_value`. `significant` means p_adjusted < alpha."""

    difference: float
    t: float | None
    p_value: float
    significant: bool
    p_adjusted: float


def reviews_needed(*, sd: float, margin: float, confidence: float = 0.95) -> int:
    """The fewest reviews whose 95 % Student-t interval has a half-width of at most `margin` points, given the observed sd.

    The normal approximation n = ceil((z·s/X)²) with z = 1.96 is the starting point; because the interval qadesk shows
    uses Student's t with n − 1 degrees of freedom (wider for small n), n is then raised until t(n−1)·s/√n ≤ X.
    Example: s = 10, X = 5 → z gives 16, t gives 18. At least 2 (no interval exists below); capped at MAX_REVIEWS."""
    if margin <= 0:
        raise ValueError("margin must be positive")
    if sd <= 0:
        return 2
    z = float(stats.norm.ppf((1 + confidence) / 2))
    n = max(2, math.ceil((z * sd / margin) ** 2))
    while n < MAX_REVIEWS and float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n) > margin:
        n += 1
    return n


def reviews_more_needed(*, needed: int, current: int) -> int:
    """How many more reviews reach the wanted precision: max(0, needed − current)."""
    return max(0, needed - current)


def half_width(*, n: int, sd: float, confidence: float = 0.95) -> float | None:
    """Half the width of the Student-t interval of a mean (unclipped); None below 2 reviews."""
    if n < 2:
        return None
    return float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)


def period_change(
    *, n_a: int, mean_a: float, sd_a: float, n_b: int, mean_b: float, sd_b: float, alpha: float = ALPHA
) -> Comparison | None:
    """Welch's t-test (unequal variances) on two periods' means from their summary statistics; None below 2 reviews
    in either period. difference = mean_b − mean_a. When neither period varies at all the test degenerates:
    any difference is then certain (p = 0) and no difference is none (p = 1)."""
    if n_a < 2 or n_b < 2:
        return None
    difference = mean_b - mean_a
    if sd_a == 0 and sd_b == 0:
        return _degenerate(difference)
    result = stats.ttest_ind_from_stats(mean_b, sd_b, n_b, mean_a, sd_a, n_a, equal_var=False)
    p = float(result.pvalue)
    return Comparison(difference=difference, t=float(result.statistic), p_value=p, significant=p < alpha, p_adjusted=p)


def paired_difference(differences: Sequence[float], *, alpha: float = ALPHA) -> Comparison | None:
    """One-sample t-test of paired differences against 0 (a paired t-test): is their mean different from nothing?

    None below 2 differences. When every difference is the same the test degenerates as in `period_change`."""
    values = [float(d) for d in differences]
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    if max(values) == min(values):
        return _degenerate(mean)
    result = stats.ttest_1samp(values, 0.0)
    p = float(result.pvalue)
    return Comparison(difference=mean, t=float(result.statistic), p_value=p, significant=p < alpha, p_adjusted=p)


def adjusted_p_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values, in the order given (`scipy.stats.false_discovery_control`).

    Sorted ascending, the i-th of m p-values becomes min over j ≥ i of p(j)·m/j, at most 1; the tests whose adjusted p
    is below alpha are the discoveries, with an expected share of false ones of at most alpha (the false discovery
    rate). Example: 0.01, 0.04, 0.03, 0.005 → 0.02, 0.04, 0.04, 0.02."""
    if not p_values:
        return []
    return [float(p) for p in stats.false_discovery_control(list(p_values), method="bh")]


def family_corrected(results: Sequence[Comparison], *, alpha: float = ALPHA) -> list[Comparison]:
    """The comparisons of one family (every test one list ran) with adjusted p-values; significant when adjusted p < alpha."""
    adjusted = adjusted_p_values([result.p_value for result in results])
    return [replace(result, p_adjusted=p, significant=p < alpha) for result, p in zip(results, adjusted, strict=True)]


def _degenerate(difference: float) -> Comparison:
    p = 0.0 if difference else 1.0
    return Comparison(difference=difference, t=None, p_value=p, significant=bool(difference), p_adjusted=p)
