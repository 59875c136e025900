"""Internal vs customer: the gap (seed 003, FORMULAS.md "Internal vs customer gap"). Pure functions, no Django.

Our own score of an interaction (its review score, 0–100) is set beside the customer's rating of the same interaction
(CSAT 1–5 or NPS 0–10). Per group the two are compared three ways: each figure over the whole period, each over the
interactions where both exist, and Spearman's rank correlation over those pairs with its 95 % interval. Pairs where the
two disagree strongly are listed for checking ("revise the assessments")."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qadesk.scorecards.intervals import z_quantile

# Which way a pair disagrees.
WE_HIGH = "we_high"  # we passed it (score ≥ pass mark), the customer was unhappy (CSAT ≤ 2, NPS detractor)
WE_LOW = "we_low"  # we failed it (score < pass mark), the customer was delighted (CSAT 5, NPS promoter)

# The bottom of each customer scale and its width, to put a rating on 0–100 like a review score.
_SCALES = {"csat": (1, 4), "nps": (0, 10), "ces": (1, 6)}


@dataclass(frozen=True)
class Correlation:
    """Spearman's rho over n pairs with its 95 % interval; not conclusive below the minimum n or without an interval."""

    n: int
    rho: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span: [10, 20, 20, 30] → [1, 2.5, 2.5, 4]."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(pairs: Sequence[tuple[float, float]], *, minimum_n: int = 10) -> Correlation:
    """Spearman's rho = Pearson's correlation of the ranks (ties averaged), so ties need no special formula.

    Interval: Fisher's z = atanh(rho) ± z₀.₉₇₅ × √((1 + rho²/2) / (n − 3)) (Bonett & Wright 2000), back with tanh; from
    4 pairs. None when either side has no spread (every pair the same score or the same rating). Example (Wikipedia,
    "Spearman's rank correlation coefficient"): IQ 106, 100, 86, 101, 99, 103, 97, 113, 112, 110 against hours of TV
    7, 27, 2, 50, 28, 29, 20, 12, 6, 17 → rho = −29/165 = −0.1758."""
    n = len(pairs)
    if n < 2:
        return Correlation(n, None, None, None, False)
    x = ranks([p[0] for p in pairs])
    y = ranks([p[1] for p in pairs])
    mean = (n + 1) / 2  # the mean of ranks 1..n, ties or not
    sxy = sum((a - mean) * (b - mean) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mean) ** 2 for a in x)
    syy = sum((b - mean) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return Correlation(n, None, None, None, False)
    rho = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    if n < 4 or abs(rho) == 1.0:
        return Correlation(n, round(rho, 4), None, None, False)
    half = z_quantile() * math.sqrt((1 + rho * rho / 2) / (n - 3))
    z = math.atanh(rho)
    low, high = math.tanh(z - half), math.tanh(z + half)
    return Correlation(n, round(rho, 4), round(low, 4), round(high, 4), n >= max(minimum_n, 4))


def customer_points(kind: str, value: int) -> float:
    """A customer rating on 0–100 like a review score: CSAT (v − 1)/4, NPS v/10, CES (v − 1)/6, × 100."""
    low, width = _SCALES[kind]
    return round((value - low) / width * 100, 2)


def customer_low(kind: str, value: int) -> bool:
    """An unhappy customer: CSAT 1–2, NPS 0–6 (a detractor), CES 1–3."""
    return (kind == "csat" and value <= 2) or (kind == "nps" and value <= 6) or (kind == "ces" and value <= 3)


def customer_high(kind: str, value: int) -> bool:
    """A delighted customer: CSAT 5, NPS 9–10 (a promoter), CES 6–7."""
    return (kind == "csat" and value >= 5) or (kind == "nps" and value >= 9) or (kind == "ces" and value >= 6)


def discrepancy(*, score: float, pass_mark: float, kind: str, value: int) -> str | None:
    """WE_HIGH when we passed an interaction the customer rated low, WE_LOW when we failed one the customer rated at the
    top, else None. A passed review with CSAT 3 or 4 (or NPS 7–8) is not a discrepancy: the two roughly agree."""
    if score >= pass_mark and customer_low(kind, value):
        return WE_HIGH
    if score < pass_mark and customer_high(kind, value):
        return WE_LOW
    return None


def gap_points(*, score: float, kind: str, value: int) -> float:
    """How far apart the two are on 0–100: |review score − customer rating on 0–100| (the discrepancy list's order)."""
    return round(abs(score - customer_points(kind, value)), 2)


def change(current: float | None, previous: float | None) -> float | None:
    """The trend beside a figure: this period minus the previous one of the same length (None when either is missing)."""
    if current is None or previous is None:
        return None
    return round(current - previous, 2)
