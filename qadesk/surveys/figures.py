"""The customer-feedback figures (FORMULAS.md "Customer feedback"): pure functions over counts per rating.

Each takes {rating: responses} and returns the figure with n, a 95 % interval and whether it is conclusive (at least the
organisation's minimum n, as the quality report says), plus the name of the definition it uses, shown beside it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from qadesk.scorecards.intervals import percent_interval, t_quantile, z_quantile
from qadesk.scorecards.scoring import is_conclusive

Counts = Mapping[int, int]

CSAT_TOP_TWO = "csat_top_two"  # default: share of 4 and 5 on 1–5, × 100
CSAT_MEAN = "csat_mean"  # alternative: mean rating
CES_MEAN = "ces_mean"  # default: mean on 1–7
CES_TOP = "ces_share_5_7"  # alternative: share of 5–7
NPS = "nps"


@dataclass(frozen=True)
class Figure:
    """One figure of a group with its sample size, 95 % interval, conclusiveness and definition code."""

    definition: str
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool


@dataclass(frozen=True)
class NpsFigure(Figure):
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    margin: float | None = None  # ± points at 95 %


def _n(counts: Counts) -> int:
    return sum(counts.values())


def _share_figure(definition: str, hits: int, n: int, minimum_n: int) -> Figure:
    interval = percent_interval(hits, n)
    value = round(hits / n * 100, 2) if n else None
    return Figure(
        definition, n, value, *_rounded(interval), is_conclusive(n=n, interval=interval, minimum_n=minimum_n, max_width=None)
    )


def share_figure(definition: str, hits: int, n: int, minimum_n: int) -> Figure:
    """A share in percent (hits / n × 100) with its Wilson interval, named `definition` (pass rate, expectations met)."""
    return _share_figure(definition, hits, n, minimum_n)


def _mean_figure(definition: str, counts: Counts, minimum_n: int, low: int, high: int) -> Figure:
    """The mean rating with a Student-t interval, kept within the scale."""
    n = _n(counts)
    if not n:
        return Figure(definition, 0, None, None, None, False)
    mean = sum(k * v for k, v in counts.items()) / n
    interval = None
    if n >= 2:
        variance = max((sum(k * k * v for k, v in counts.items()) - n * mean * mean) / (n - 1), 0.0)
        half = t_quantile(n - 1) * math.sqrt(variance / n)
        interval = (max(low, mean - half), min(high, mean + half))
    conclusive = is_conclusive(n=n, interval=interval, minimum_n=minimum_n, max_width=None)
    return Figure(definition, n, round(mean, 2), *_rounded(interval), conclusive)


def csat(counts: Counts, *, definition: str = CSAT_TOP_TWO, minimum_n: int = 5) -> Figure:
    """CSAT on a 1–5 scale. Default: responses rating 4 or 5 / responses × 100 (Wilson interval); `csat_mean`: the mean
    rating. Example (Delighted's help centre): 42 fives, 32 fours, 10 threes, 9 twos, 14 ones → 74 / 107 = 69.16 %."""
    if definition == CSAT_MEAN:
        return _mean_figure(CSAT_MEAN, counts, minimum_n, 1, 5)
    return _share_figure(CSAT_TOP_TWO, sum(v for k, v in counts.items() if k >= 4), _n(counts), minimum_n)


def ces(counts: Counts, *, definition: str = CES_MEAN, minimum_n: int = 5) -> Figure:
    """CES on 1–7 ("the company made it easy to handle my issue"). Default: the mean; `ces_share_5_7`: share of 5–7."""
    if definition == CES_TOP:
        return _share_figure(CES_TOP, sum(v for k, v in counts.items() if k >= 5), _n(counts), minimum_n)
    return _mean_figure(CES_MEAN, counts, minimum_n, 1, 7)


def nps(counts: Counts, *, minimum_n: int = 5) -> NpsFigure:
    """NPS on 0–10 = % promoters (9–10) − % detractors (0–6); passives (7–8) stay in the denominator. −100 to +100.

    Margin of error: each answer is +100, 0 or −100, so NPS is their mean and its variance per answer is
    100² × (p + d − (p − d)²) with p, d the promoter and detractor shares; margin = z × √(variance / n), the interval
    NPS ± margin kept within −100…+100. Example: half promoters, a third passives, a sixth detractors → NPS 33.3,
    standard deviation per answer √(5/9) × 100 = 74.5."""
    n = _n(counts)
    promoters = sum(v for k, v in counts.items() if k >= 9)
    detractors = sum(v for k, v in counts.items() if k <= 6)
    passives = n - promoters - detractors
    if not n:
        return NpsFigure(NPS, 0, None, None, None, False)
    p, d = promoters / n, detractors / n
    score = (p - d) * 100
    margin = interval = None
    if n >= 2:
        margin = z_quantile() * 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
        interval = (max(-100.0, score - margin), min(100.0, score + margin))
    conclusive = is_conclusive(n=n, interval=interval, minimum_n=minimum_n, max_width=None)
    return NpsFigure(
        NPS,
        n,
        round(score, 2),
        *_rounded(interval),
        conclusive,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        margin=None if margin is None else round(margin, 2),
    )


def response_rate(responses: int, invitations: int) -> Figure:
    """Responses / invitations sent × 100, with its Wilson interval; None without invitations."""
    return _share_figure("response_rate", min(responses, invitations), invitations, 1)


def is_negative(kind: str, value: int | None) -> bool:
    """An answer that closes the loop: an NPS detractor (0–6) or a CSAT of 2 or less."""
    if value is None:
        return False
    return (kind == "nps" and value <= 6) or (kind == "csat" and value <= 2)


def _rounded(interval: tuple[float, float] | None) -> tuple[float | None, float | None]:
    return (None, None) if interval is None else (round(interval[0], 2), round(interval[1], 2))
