"""Pure functions for honest statistics (docs/statistics.md): sample size for a wanted precision, and the tests that
say whether a score moved between two periods or a reviewer scores differently from their peers, corrected for the
many such tests a list runs at once (Benjamini–Hochberg).

They take plain numbers and return plain numbers, so the page, the API and the CLI share them and tests need no
database. The 95 % interval they agree with is `intervals.mean_interval` (two-part, docs/statistics.md)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qadesk.scorecards.intervals import ScoreSums, mean_interval

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


def reviews_needed(*, sums: ScoreSums, margin: float, confidence: float = 0.95) -> int | None:
    """The fewest reviews whose 95 % interval (the one the report shows, `intervals.mean_interval`) is at most
    2 × `margin` points wide, if the scores keep the shape observed so far; None below 2 reviews (no shape yet).

    The observed sums are scaled to a hypothetical n (the same share of zeros, mean and raw second moment) and the
    smallest n whose interval is narrow enough is found by bisection (the width falls as n grows). At least 2;
    capped at MAX_REVIEWS ("at least 100,000": the margin is unreachable in practice). Example: 5 reviews 80–100 in
    steps of 5 (mean 90, none at 0) need 43 for ±5 — the zero share alone must be bounded below ~5 % (Wilson), which
    Student's t, blind to the spike at 0 a critical failure makes, never asked for (it said 13)."""
    if margin <= 0:
        raise ValueError("margin must be positive")
    if sums.n < 2:
        return None

    def narrow_enough(n: int) -> bool:
        interval = mean_interval(_scaled(sums, n), confidence=confidence)
        return interval is not None and interval[1] - interval[0] <= 2 * margin

    if narrow_enough(2):
        return 2
    if not narrow_enough(MAX_REVIEWS):
        return MAX_REVIEWS
    low, high = 2, MAX_REVIEWS  # narrow_enough(low) is False, narrow_enough(high) is True
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if narrow_enough(middle) else (middle, high)
    return high


def _scaled(sums: ScoreSums, n: int) -> ScoreSums:
    """The sums n reviews of the same shape would have: every sum × n / observed n (zero share, mean and Σx²/n kept)."""
    factor = n / sums.n
    return ScoreSums(
        n=n,
        n_zero=round(sums.n_zero * factor),
        total=sums.total * factor,
        total_sq=sums.total_sq * factor,
        max_score=sums.max_score,
    )


def reviews_more_needed(*, needed: int, current: int) -> int:
    """How many more reviews reach the wanted precision: max(0, needed − current)."""
    return max(0, needed - current)


def half_width(interval: tuple[float, float] | None) -> float | None:
    """Half an interval's width (the "±" it amounts to; the two-part interval need not be symmetric)."""
    return None if interval is None else (interval[1] - interval[0]) / 2


def period_change(
    *, n_a: int, mean_a: float, sd_a: float, n_b: int, mean_b: float, sd_b: float, alpha: float = ALPHA
) -> Comparison | None:
    """Welch's t-test (unequal variances) on two periods' means from their summary statistics; None below 2 reviews
    in either period. difference = mean_b − mean_a.

    When neither period varies at all Welch's t is undefined (a division by 0, which read as p = 0 called a one-point
    change on 3 vs 2 reviews certain). The data are then fully known — n_a copies of one score, n_b of another — and
    the exact permutation test is used: of the C(n_a + n_b, n_b) equally likely ways to split the scores between the
    periods, only the observed one moves the mean as far in that direction, so the one-sided p is 1 / C(n_a + n_b, n_b)
    and the two-sided p twice that (scipy.stats.permutation_test's convention), at most 1; p = 1 without a difference.
    3 vs 2 reviews: p = 2/10 = 0.2; 5 vs 5: p = 2/252 = 0.0079."""
    if n_a < 2 or n_b < 2:
        return None
    difference = mean_b - mean_a
    if sd_a == 0 and sd_b == 0:
        p = 1.0 if difference == 0 else min(1.0, 2 / math.comb(n_a + n_b, n_b))
        return Comparison(difference=difference, t=None, p_value=p, significant=p < alpha, p_adjusted=p)
    from scipy import stats  # here, not at import: scipy.stats costs every `qadesk` process ~1 s of start-up

    result = stats.ttest_ind_from_stats(mean_b, sd_b, n_b, mean_a, sd_a, n_a, equal_var=False)
    p = float(result.pvalue)
    return Comparison(difference=difference, t=float(result.statistic), p_value=p, significant=p < alpha, p_adjusted=p)


def paired_difference(differences: Sequence[float], *, alpha: float = ALPHA) -> Comparison | None:
    """One-sample t-test of paired differences against 0 (a paired t-test): is their mean different from nothing?

    None below 2 differences. When every difference is the same, t is undefined; the exact sign-flip permutation
    test is used instead: of the 2^m equally likely sign patterns under "no difference", only all-plus and all-minus
    reach the observed |mean|, so p = 2 / 2^m (1 when the differences are 0). Two equal differences: p = 0.5."""
    values = [float(d) for d in differences]
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    if max(values) == min(values):
        p = 1.0 if mean == 0 else min(1.0, 2 / 2 ** len(values))
        return Comparison(difference=mean, t=None, p_value=p, significant=p < alpha, p_adjusted=p)
    from scipy import stats

    result = stats.ttest_1samp(values, 0.0)
    p = float(result.pvalue)
    return Comparison(difference=mean, t=float(result.statistic), p_value=p, significant=p < alpha, p_adjusted=p)


def peer_difference(own_mean: float, peer_means: Sequence[float]) -> float:
    """A reviewer's mean score for an agent minus the peers' mean: the mean of the other reviewers' means for that
    agent, each peer counting once however many reviews they wrote (a prolific peer does not outweigh the others).
    Example: own 90, peers 80 (from 1 review) and 70 (from 9 reviews) → 90 − (80 + 70)/2 = 15."""
    if not peer_means:
        raise ValueError("a peer difference needs at least one peer")
    return own_mean - statistics.fmean(peer_means)


def adjusted_p_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values, in the order given (`scipy.stats.false_discovery_control`).

    Sorted ascending, the i-th of m p-values becomes min over j ≥ i of p(j)·m/j, at most 1; the tests whose adjusted p
    is below alpha are the discoveries, with an expected share of false ones of at most alpha (the false discovery
    rate). Example: 0.01, 0.04, 0.03, 0.005 → 0.02, 0.04, 0.04, 0.02."""
    if not p_values:
        return []
    from scipy import stats

    return [float(p) for p in stats.false_discovery_control(list(p_values), method="bh")]


def family_corrected(results: Sequence[Comparison], *, alpha: float = ALPHA) -> list[Comparison]:
    """The comparisons of one family (every test one list ran) with adjusted p-values; significant when adjusted p < alpha."""
    adjusted = adjusted_p_values([result.p_value for result in results])
    return [replace(result, p_adjusted=p, significant=p < alpha) for result, p in zip(results, adjusted, strict=True)]
