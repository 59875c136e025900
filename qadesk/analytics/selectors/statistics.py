"""Honest statistics (docs/statistics.md): how many reviews a wanted precision needs, which scores moved between two
periods and which reviewers score unlike their peers — sums aggregated in SQL over the reviews the quality report
counts, figures from analytics/stats.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Max, Q, Sum
from django.utils.translation import gettext as _

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics import stats
from qadesk.analytics.selectors.quality import _check_range, _grouped_sums, _key, _labels, _score_sums, quality_reviews
from qadesk.core.errors import ApplicationError
from qadesk.scorecards.intervals import mean_interval
from qadesk.scorecards.scoring import group_stats, sd_from_sums

STAT_DIMENSIONS = ("agent", "team")
MIN_REVIEWERS = 3  # an agent counts in a reviewer comparison when at least 3 reviewers reviewed them (2 peers or more)
_SCORE_SUMS: dict[str, Any] = {
    "n": Count("id"),
    "n_zero": Count("id", filter=Q(score=0)),
    "total": Sum("score"),
    "total_sq": Sum(F("score") * F("score")),
    "max_score": Max("score"),
}


@dataclass(frozen=True)
class PrecisionRow:
    """A group's IQS with its spread, and the reviews needed to know it within ±margin points at 95 %."""

    key: str
    label: str
    n: int
    iqs: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool
    half_width: float | None  # half the interval's width now
    reviews_needed: int | None  # None below 2 reviews: no spread observed yet
    more_needed: int | None


@dataclass(frozen=True)
class PrecisionPlan:
    by: str
    margin: float
    date_from: date | None
    date_to: date | None
    minimum_n: int
    groups: list[PrecisionRow]


@dataclass(frozen=True)
class PeriodFigures:
    """One period's IQS of a group: n, mean, sd and 95 % interval."""

    n: int
    iqs: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class DiscrepancyRow:
    """A group compared between the periods (Welch's t-test); `significant` when its adjusted p < 0.05."""

    key: str
    label: str
    a: PeriodFigures
    b: PeriodFigures
    change: float
    p_value: float  # this test alone
    p_adjusted: float  # Benjamini–Hochberg, over every group compared
    significant: bool = True


@dataclass(frozen=True)
class DiscrepancyReport:
    by: str
    a_from: date
    a_to: date
    b_from: date
    b_to: date
    alpha: float
    correction: str  # stats.CORRECTION
    compared: int  # groups with at least 2 reviews in both periods: the family of tests the correction counts
    groups: list[DiscrepancyRow]  # the significant ones, or every one compared with include_all
    include_all: bool = False


@dataclass(frozen=True)
class ReviewerDiscrepancyRow:
    """A reviewer compared with their peers on the same agents (paired t-test); `significant` when adjusted p < 0.05."""

    reviewer_id: int
    reviewer: str
    reviews: int
    shared_agents: int
    mean_difference: float  # > 0: more lenient than peers; < 0: stricter
    p_value: float  # this test alone
    p_adjusted: float  # Benjamini–Hochberg, over every reviewer compared
    direction: str  # "lenient" or "strict"
    significant: bool = True


@dataclass(frozen=True)
class ReviewerDiscrepancyReport:
    date_from: date | None
    date_to: date | None
    alpha: float
    correction: str  # stats.CORRECTION
    compared: int  # reviewers sharing at least 2 agents with peers: the family of tests the correction counts
    reviewers: list[ReviewerDiscrepancyRow]  # the significant ones, or every one compared with include_all
    include_all: bool = False
    min_reviewers: int = MIN_REVIEWERS


def precision_plan(*, actor: User, by: str, margin: float, date_from: date | None, date_to: date | None) -> PrecisionPlan:
    """Per agent or team: n, IQS, sd, 95 % interval, and how many (more) reviews make that interval at most 2 × margin
    points wide (`stats.reviews_needed`).

    Groups needing the most reviews come first; groups with fewer than 2 reviews (no spread yet) last."""
    _check_dimension(by)
    if not 0 < margin <= 100:
        raise ApplicationError(_("The margin must be more than 0 and at most 100 points."))
    _check_range(date_from, date_to)
    org = OrgSettings.load()
    minimum_n, max_width = org.minimum_n, float(org.max_interval_width)
    rows = _grouped_sums(reviews=quality_reviews(actor=actor, date_from=date_from, date_to=date_to), by=by, sums=_SCORE_SUMS)
    names = _labels(by, "month", rows)
    groups = [_precision_row(_key(r["group_key"]), names(r["group_key"]), r, margin, minimum_n, max_width) for r in rows]
    groups.sort(key=lambda g: (g.more_needed is None, -(g.more_needed or 0), g.label.casefold(), g.key))
    return PrecisionPlan(by=by, margin=margin, date_from=date_from, date_to=date_to, minimum_n=minimum_n, groups=groups)


def discrepancies(
    *, actor: User, by: str, period_a: tuple[date, date], period_b: tuple[date, date], include_all: bool = False
) -> DiscrepancyReport:
    """Agents or teams whose IQS changed from period A to period B more than chance explains, most certain first
    (with `include_all`, every group compared, each flagged `significant` or not, so its p-value can be audited).

    Welch's t-test on the two periods' (n, mean, sd); a group needs at least 2 reviews in each period to be compared.
    Every group compared is one test of the family whose p-values are adjusted (Benjamini–Hochberg); a group is listed
    when its adjusted p is below alpha. The periods may not overlap: a review counted in both would make the samples
    dependent."""
    _check_dimension(by)
    for start, end in (period_a, period_b):
        _check_range(start, end)
    if period_a[0] <= period_b[1] and period_b[0] <= period_a[1]:
        raise ApplicationError(_("The two periods overlap; choose periods that share no day."))
    sums_a, sums_b = (
        {
            r["group_key"]: r
            for r in _grouped_sums(reviews=quality_reviews(actor=actor, date_from=f, date_to=t), by=by, sums=_SCORE_SUMS)
        }
        for f, t in (period_a, period_b)
    )
    tested: dict[Any, stats.Comparison] = {}
    for key in sums_a.keys() & sums_b.keys():
        (n_a, mean_a, sd_a), (n_b, mean_b, sd_b) = _moments(sums_a[key]), _moments(sums_b[key])
        result = stats.period_change(n_a=n_a, mean_a=mean_a, sd_a=sd_a, n_b=n_b, mean_b=mean_b, sd_b=sd_b)
        if result is not None:
            tested[key] = result
    corrected = zip(tested, stats.family_corrected(list(tested.values())), strict=True)
    found = {key: result for key, result in corrected if result.significant or include_all}
    names = _labels(by, "month", [sums_a[key] for key in found])
    groups = [
        DiscrepancyRow(
            _key(key),
            names(key),
            _period_figures(sums_a[key]),
            _period_figures(sums_b[key]),
            round(result.difference, 2),
            result.p_value,
            result.p_adjusted,
            result.significant,
        )
        for key, result in found.items()
    ]
    groups.sort(key=lambda g: (g.p_adjusted, g.p_value, -abs(g.change), g.label.casefold()))
    return DiscrepancyReport(
        by=by,
        a_from=period_a[0],
        a_to=period_a[1],
        b_from=period_b[0],
        b_to=period_b[1],
        alpha=stats.ALPHA,
        correction=stats.CORRECTION,
        compared=len(tested),
        groups=groups,
        include_all=include_all,
    )


def reviewer_discrepancies(
    *, actor: User, date_from: date | None, date_to: date | None, include_all: bool = False
) -> ReviewerDiscrepancyReport:
    """Reviewers whose scores for the same agents differ significantly from their peers', largest difference first
    (with `include_all`, every reviewer compared, each flagged `significant` or not).

    For each agent reviewed by at least MIN_REVIEWERS (3) reviewers, each of them gets d = their mean score for that
    agent − the peers' mean, the peers' mean being the mean of the OTHER reviewers' means for that agent (each peer
    counts once, however many reviews they wrote). With only two reviewers on an agent each is the other's only peer
    and their differences mirror each other, so such agents are left out. A paired t-test asks whether the mean of a
    reviewer's d is 0; a reviewer needs at least 2 such agents. Every reviewer compared is one test of the family whose
    p-values are adjusted (Benjamini–Hochberg); a reviewer is significant when their adjusted p is below alpha. Only
    reviews the actor may see count, so peers are the visible peers."""
    _check_range(date_from, date_to)
    cells: Any = (
        quality_reviews(actor=actor, date_from=date_from, date_to=date_to)
        .values("reviewer_id", "agent_id")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by()
    )
    per_agent: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cell in cells:
        per_agent[cell["agent_id"]].append(cell)
    differences: dict[int, list[float]] = defaultdict(list)
    counts: Counter[int] = Counter()
    for agent_cells in per_agent.values():
        if len(agent_cells) < MIN_REVIEWERS:
            continue
        means = {c["reviewer_id"]: c["total"] / c["n"] for c in agent_cells}
        for cell in agent_cells:
            peers = [mean for rid, mean in means.items() if rid != cell["reviewer_id"]]
            differences[cell["reviewer_id"]].append(stats.peer_difference(means[cell["reviewer_id"]], peers))
            counts[cell["reviewer_id"]] += cell["n"]
    tested = {rid: result for rid, diffs in differences.items() if (result := stats.paired_difference(diffs)) is not None}
    corrected = zip(tested, stats.family_corrected(list(tested.values())), strict=True)
    found = {rid: result for rid, result in corrected if result.significant or include_all}
    names = {user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=list(found))}
    rows = [
        ReviewerDiscrepancyRow(
            reviewer_id=rid,
            reviewer=names.get(rid, str(rid)),
            reviews=counts[rid],
            shared_agents=len(differences[rid]),
            mean_difference=round(result.difference, 2),
            p_value=result.p_value,
            p_adjusted=result.p_adjusted,
            direction="lenient" if result.difference > 0 else "strict",
            significant=result.significant,
        )
        for rid, result in found.items()
    ]
    rows.sort(key=lambda r: (not r.significant, -abs(r.mean_difference), r.p_adjusted, r.p_value, r.reviewer.casefold()))
    return ReviewerDiscrepancyReport(
        date_from=date_from,
        date_to=date_to,
        alpha=stats.ALPHA,
        correction=stats.CORRECTION,
        compared=len(tested),
        reviewers=rows,
        include_all=include_all,
    )


def _precision_row(key: str, label: str, sums: dict[str, Any], margin: float, minimum_n: int, max_width: float) -> PrecisionRow:
    n = sums["n"] or 0
    score_sums = _score_sums(sums)
    figures = group_stats(score_sums, minimum_n=minimum_n, max_width=max_width)
    sd = sd_from_sums(n, score_sums.total, score_sums.total_sq) if n >= 2 else None
    needed = stats.reviews_needed(sums=score_sums, margin=margin)
    width = stats.half_width(mean_interval(score_sums))
    return PrecisionRow(
        key=key,
        label=label,
        n=n,
        iqs=figures.iqs,
        sd=None if sd is None else round(sd, 2),
        ci_low=figures.ci_low,
        ci_high=figures.ci_high,
        conclusive=figures.conclusive,
        half_width=None if width is None else round(width, 2),
        reviews_needed=needed,
        more_needed=None if needed is None else stats.reviews_more_needed(needed=needed, current=n),
    )


def _period_figures(sums: dict[str, Any]) -> PeriodFigures:
    score_sums = _score_sums(sums)
    figures = group_stats(score_sums, minimum_n=2, max_width=None)
    sd = round(sd_from_sums(score_sums.n, score_sums.total, score_sums.total_sq), 2) if score_sums.n >= 2 else None
    return PeriodFigures(n=score_sums.n, iqs=figures.iqs, sd=sd, ci_low=figures.ci_low, ci_high=figures.ci_high)


def _moments(sums: dict[str, Any]) -> tuple[int, float, float]:
    """n, mean and sample sd of a group, unrounded (the tests need the exact figures)."""
    n, total, total_sq = sums["n"], sums["total"] or 0.0, sums["total_sq"] or 0.0
    return n, total / n, sd_from_sums(n, total, total_sq)


def _check_dimension(by: str) -> None:
    if by not in STAT_DIMENSIONS:
        raise ApplicationError(_("Unknown grouping “{by}”; choose agent or team.").format(by=by))
