"""Pure agreement statistics for calibration: the one implementation of FORMULAS.md "Calibration"
(docs/calibration-statistics.md).

Plain data in, plain data out. Reliability data are one row per reviewer (coder) and one column per unit (an item's
criterion), None for N/A or not rated (missing), which every function skips. Krippendorff's alpha comes from the
`krippendorff` package, Cohen's and Fleiss' kappa from `statsmodels`; each is tested on its published worked example.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np

from qadesk.scorecards.scoring import LEVEL_BY_SCALE, LEVELS, SCORE_LEVEL, default_level

Level = Literal["nominal", "ordinal", "interval", "ratio"]
__all__ = ["LEVELS", "LEVEL_BY_SCALE", "SCORE_LEVEL", "Kappa", "kappa", "krippendorff_alpha", "level_for_scale"]


def level_for_scale(scale: str) -> str:
    """The level of measurement a scale has unless its criterion declares one (`scoring.default_level`)."""
    return default_level(scale)


def krippendorff_alpha(data: Sequence[Sequence[float | None]], *, level: Level) -> float | None:
    """Krippendorff's alpha of reliability data: one row per coder, one column per unit, None for missing.

    None when alpha is undefined: no unit coded by two coders, or a single value observed (no variation to
    disagree about, so expected disagreement is zero).
    """
    matrix = np.array([[np.nan if v is None else float(v) for v in row] for row in data], dtype=float)
    if matrix.size == 0:
        return None
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    values = matrix[:, pairable]
    if not pairable.any() or np.unique(values[~np.isnan(values)]).size < 2:
        return None
    result = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))
    return None if math.isnan(result) else result


def percent_agreement(units: Iterable[Sequence[float | None]]) -> float | None:
    """Observed agreement (0–100): per unit, the share of its pairs of ratings that agree; then the mean over units.

    P_i = Σ_k n_ik(n_ik − 1) / (n_i(n_i − 1)) for a unit rated n_i times, n_ik of them with value k; the figure is
    the mean of P_i over the units rated at least twice (Fleiss 1971's P̄; Gwet 2014, Handbook of Inter-Rater
    Reliability, for missing ratings). N/A is skipped; None when no unit has two ratings. Each unit weighs the same
    however many reviewers rated it — pooling every pair of every unit instead would let the units with more raters
    weigh more. Krippendorff's 2011 example with missing values: 9 agreeing units of 11 rated twice or more → 81.8 %
    (pooled pairs would say 43/55 = 78.2 %)."""
    shares = []
    for unit in units:
        present = [v for v in unit if v is not None]
        n = len(present)
        if n >= 2:
            shares.append(sum(c * (c - 1) for c in Counter(present).values()) / (n * (n - 1)))
    return 100 * sum(shares) / len(shares) if shares else None


@dataclass(frozen=True)
class Kappa:
    """A chance-corrected agreement for categories: Cohen's (two reviewers) or Fleiss' (more), and the units used."""

    kind: Literal["cohen", "fleiss"]
    value: float
    units: int


def kappa(data: Sequence[Sequence[float | None]]) -> Kappa | None:
    """Cohen's kappa when two reviewers rated, Fleiss' kappa when more did; None when undefined.

    Cohen (1960): κ = (p_o − p_e) / (1 − p_e) over the units both reviewers rated, p_e from each reviewer's own
    category shares (`statsmodels.stats.inter_rater.cohens_kappa`). Fleiss (1971): κ = (P̄ − P̄_e) / (1 − P̄_e) with
    P̄_e = Σ_k p_k² from the pooled category shares (`statsmodels.stats.inter_rater.fleiss_kappa`); it needs the same
    number of ratings per unit, so it uses the units every reviewer rated. Both treat the values as unordered
    categories (nominal). None with fewer than 2 such units or a single category seen (p_e = 1)."""
    rows = [[None if v is None else float(v) for v in row] for row in data]
    if len(rows) < 2:
        return None
    complete = [unit for unit in zip(*rows, strict=True) if all(v is not None for v in unit)]
    categories = sorted({v for unit in complete for v in unit})  # type: ignore[type-var]
    if len(complete) < 2 or len(categories) < 2:
        return None
    index = {c: i for i, c in enumerate(categories)}
    from statsmodels.stats import inter_rater  # imported here: statsmodels takes a second to load

    if len(rows) == 2:
        table = np.zeros((len(categories), len(categories)))
        for a, b in complete:
            table[index[a], index[b]] += 1
        value = float(inter_rater.cohens_kappa(table, return_results=False))
        return None if math.isnan(value) else Kappa("cohen", value, len(complete))
    counts = np.zeros((len(complete), len(categories)))
    for i, unit in enumerate(complete):
        for v in unit:
            counts[i, index[v]] += 1
    value = float(inter_rater.fleiss_kappa(counts, method="fleiss"))
    return None if math.isnan(value) else Kappa("fleiss", value, len(complete))


def deviation(rating: float, benchmark: float) -> float:
    """Deviation from the benchmark: |rating - benchmark|."""
    return abs(rating - benchmark)


def mean_deviation(pairs: Iterable[tuple[float | None, float | None]]) -> float | None:
    """Mean |rating - benchmark| over (rating, benchmark) pairs where both are present."""
    diffs = [deviation(r, b) for r, b in pairs if r is not None and b is not None]
    return sum(diffs) / len(diffs) if diffs else None


def leniency(pairs: Iterable[tuple[float | None, float | None]]) -> float | None:
    """Mean signed difference rating - benchmark: above zero lenient, below zero strict."""
    diffs = [r - b for r, b in pairs if r is not None and b is not None]
    return sum(diffs) / len(diffs) if diffs else None


def criterion_alignment(rating: float, benchmark: float, maximum: float) -> float:
    """Criterion alignment (%) = 100 % - |rating - benchmark| / criterion maximum."""
    return 100 * (1 - deviation(rating, benchmark) / maximum)


def review_alignment(criteria: Iterable[tuple[float | None, float | None, float]]) -> float | None:
    """Review alignment (%) = sum of criterion alignment x (criterion maximum / total maximum).

    `criteria` holds (rating, benchmark, criterion maximum) with ratings counted from 0; a criterion that either
    side rated N/A is left out of both sums. None when nothing is left.
    """
    kept = [(r, b, m) for r, b, m in criteria if r is not None and b is not None and m > 0]
    total = sum(m for _r, _b, m in kept)
    if not total:
        return None
    return sum(criterion_alignment(r, b, m) * m / total for r, b, m in kept)
