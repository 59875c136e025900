"""Pure agreement statistics for calibration: the one implementation of FORMULAS.md "Calibration".

Plain data in, plain data out. Ratings are numbers; None means N/A (missing), which every function skips.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Literal

import krippendorff
import numpy as np

# Level of measurement per scorecard scale: pass/fail is nominal, point scales are ordinal.
Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVEL_BY_SCALE: dict[str, Level] = {
    "binary": "nominal",
    "three": "ordinal",
    "four": "ordinal",
    "five": "ordinal",
    "ten": "ordinal",
}
SCORE_LEVEL: Level = "interval"  # 0-100 scores


def level_for_scale(scale: str) -> Level:
    """The level of measurement Krippendorff's alpha uses for a scale (interval for 0-100 scores)."""
    return LEVEL_BY_SCALE.get(scale, SCORE_LEVEL)


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
    """Pairwise percent agreement: agreeing pairs of ratings / all pairs, within each unit, over all units (0-100).

    A unit is the ratings every coder gave one thing; N/A is skipped; None when no unit has two ratings.
    """
    agreeing = pairs = 0
    for unit in units:
        present = [v for v in unit if v is not None]
        for a, b in combinations(present, 2):
            pairs += 1
            agreeing += a == b
    return 100 * agreeing / pairs if pairs else None


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
