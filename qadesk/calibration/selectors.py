"""Calibration reads: the results of a session and a reviewer's record across sessions, as plain JSON-able data.

Deviation and leniency are in points of the 0-100 criterion score, so scales compare. For alignment a criterion's
maximum is its weight: what it can contribute to a review score (FORMULAS.md "Calibration").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from qadesk.accounts.models import User
from qadesk.calibration import stats
from qadesk.calibration.models import AgreedAnswer, CalibrationItem, CalibrationRating, CalibrationSession, SessionStatus
from qadesk.calibration.services import is_qa_lead
from qadesk.scorecards.models import Criterion
from qadesk.scorecards.scoring import CriterionSpec, ScoringError, criterion_score, score_review

Cell = tuple[int, int]  # (item id, criterion id)


def calibration_session_list(*, actor: User) -> QuerySet[CalibrationSession]:
    """The sessions the actor may see, newest first."""
    return CalibrationSession.objects.visible_to(actor).select_related("scorecard_version__scorecard", "created_by")


def calibration_session_detail(*, actor: User, pk: int) -> CalibrationSession:
    """One session the actor may see (404 otherwise)."""
    return get_object_or_404(calibration_session_list(actor=actor).prefetch_related("participants", "items__interaction"), pk=pk)


def _ratings(session: CalibrationSession) -> dict[int, dict[Cell, int | None]]:
    """reviewer id -> {(item, criterion): rating}."""
    rows = CalibrationRating.objects.filter(score__session=session).values_list(
        "score__reviewer_id", "score__item_id", "criterion_id", "value"
    )
    by_reviewer: dict[int, dict[Cell, int | None]] = defaultdict(dict)
    for reviewer_id, item_id, criterion_id, value in rows:
        by_reviewer[reviewer_id][(item_id, criterion_id)] = value
    return dict(by_reviewer)


def _agreed(session: CalibrationSession) -> dict[Cell, int | None]:
    return {(a.item_id, a.criterion_id): a.value for a in AgreedAnswer.objects.filter(session=session)}


def _benchmark_for(
    reviewer_id: int, session: CalibrationSession, ratings: dict[int, dict[Cell, int | None]], agreed: dict[Cell, int | None]
) -> dict[Cell, int | None]:
    """Per cell, the agreed answer when set, else the benchmark reviewer's rating (never a reviewer's own)."""
    expert = ratings.get(session.benchmark_reviewer_id or 0, {}) if session.benchmark_reviewer_id != reviewer_id else {}
    return {**expert, **agreed}


def _points(criterion: Criterion, value: int | None) -> float | None:
    return None if value is None else criterion_score(criterion.scale, value)


def _reviewer_figures(
    own: dict[Cell, int | None], benchmark: dict[Cell, int | None], criteria: dict[int, Criterion]
) -> dict[str, Any]:
    """Deviation per criterion and overall, leniency and mean review alignment of one reviewer against a benchmark."""
    pairs_by_criterion: dict[int, list[tuple[float | None, float | None]]] = defaultdict(list)
    alignment_by_item: dict[int, list[tuple[float | None, float | None, float]]] = defaultdict(list)
    for (item_id, criterion_id), value in own.items():
        if (item_id, criterion_id) not in benchmark:
            continue
        criterion = criteria[criterion_id]
        pair = (_points(criterion, value), _points(criterion, benchmark[(item_id, criterion_id)]))
        pairs_by_criterion[criterion_id].append(pair)
        weight = float(criterion.weight)
        scaled = tuple(None if p is None else p / 100 * weight for p in pair)
        alignment_by_item[item_id].append((scaled[0], scaled[1], weight))
    every = [p for pairs in pairs_by_criterion.values() for p in pairs]
    alignments = [a for a in (stats.review_alignment(c) for c in alignment_by_item.values()) if a is not None]
    return {
        "mean_deviation": stats.mean_deviation(every),
        "leniency": stats.leniency(every),
        "alignment": sum(alignments) / len(alignments) if alignments else None,
        "by_criterion": {
            criteria[pk].code: {"mean_deviation": stats.mean_deviation(p), "leniency": stats.leniency(p)}
            for pk, p in pairs_by_criterion.items()
        },
    }


def _is_blinded(session: CalibrationSession, actor: User, ratings: dict[int, dict[Cell, int | None]]) -> bool:
    """A participant of an open blind session sees nothing derived from the others' ratings (their ratings, agreement,
    deviation, leniency, who has scored what) until they have scored every item themselves."""
    if actor.sees_everything or session.status != SessionStatus.OPEN or not session.blind:
        return False
    scored_items = {item_id for item_id, _c in ratings.get(actor.pk, {})}
    return scored_items != {item.pk for item in session.items.all()}


def calibration_is_blinded(*, session: CalibrationSession, actor: User) -> bool:
    """Whether the actor must not yet see anything derived from the other participants' scores of this session."""
    if actor.sees_everything or session.status != SessionStatus.OPEN or not session.blind:
        return False
    return _is_blinded(session, actor, {actor.pk: _ratings(session).get(actor.pk, {})})


def calibration_hidden_agent_items(*, actor: User) -> QuerySet[CalibrationItem]:
    """The items whose agent the actor must not learn: those of open sessions with the agent's name hidden that the
    actor takes part in (QA leads, who run the sessions, see names). Interaction pages and the API mask them."""
    if not actor.is_authenticated or is_qa_lead(actor):
        return CalibrationItem.objects.none()
    return CalibrationItem.objects.filter(
        session__status=SessionStatus.OPEN, session__hide_agent=True, session__participants=actor
    )


def _agreement(
    ratings: dict[int, dict[Cell, int | None]], items: list[int], criteria: dict[int, Criterion]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Agreement per criterion (at its level of measurement, kappa beside alpha for nominal ones), per level over the
    criteria of that level, and on the review scores (interval). docs/calibration-statistics.md."""
    reviewers = sorted(ratings)
    rows: list[dict[str, Any]] = []
    for pk, criterion in criteria.items():
        data = [[ratings[r].get((i, pk)) for i in items] for r in reviewers]
        level = criterion.measurement_level
        rows.append(
            {
                "criterion": pk,
                "code": criterion.code,
                "title": str(criterion),
                "scale": criterion.scale,
                "level": level,
                "alpha": stats.krippendorff_alpha(data, level=level),  # type: ignore[arg-type]
                "percent_agreement": stats.percent_agreement(zip(*data, strict=True)) if data else None,
                "kappa": _kappa(data) if level == "nominal" else None,
            }
        )
    # Worst agreement first: those criteria's guidance needs rewriting. Undefined alpha goes last.
    rows.sort(key=lambda r: (r["alpha"] is None, r["alpha"] or 0, r["percent_agreement"] or 0))
    cells = [(i, pk) for i in items for pk in criteria]
    raw = [[ratings[r].get(cell) for cell in cells] for r in reviewers]
    defined = [float(r["alpha"]) for r in rows if r["alpha"] is not None]
    overall = {
        "by_level": [_level_agreement(level, ratings, reviewers, items, criteria) for level in _levels_in(criteria)],
        "review_score": _review_score_agreement(ratings, reviewers, items, criteria),
        "percent_agreement": stats.percent_agreement(zip(*raw, strict=True)) if raw else None,
        "weakest_alpha": min(defined) if defined else None,
    }
    return overall, rows


def _kappa(data: list[list[int | None]]) -> dict[str, Any] | None:
    result = stats.kappa(data)
    return None if result is None else {"kind": result.kind, "value": result.value, "units": result.units}


def _levels_in(criteria: dict[int, Criterion]) -> list[str]:
    present = {c.measurement_level for c in criteria.values()}
    return [level for level in stats.LEVELS if level in present]


def _level_agreement(
    level: str, ratings: dict[int, dict[Cell, int | None]], reviewers: list[int], items: list[int], criteria: dict[int, Criterion]
) -> dict[str, Any]:
    """Alpha at one level over every (item, criterion) unit of the criteria of that level, values on the 0–100 criterion
    score so scales of different lengths line up (pass = 100, fail = 0); kappa too for nominal."""
    chosen = [pk for pk, c in criteria.items() if c.measurement_level == level]
    cells = [(i, pk) for i in items for pk in chosen]
    data = [[_points(criteria[pk], ratings[r].get((i, pk))) for i, pk in cells] for r in reviewers]
    return {
        "level": level,
        "criteria": len(chosen),
        "units": sum(1 for unit in zip(*data, strict=True) if sum(v is not None for v in unit) >= 2) if data else 0,
        "alpha": stats.krippendorff_alpha(data, level=level),  # type: ignore[arg-type]
        "percent_agreement": stats.percent_agreement(zip(*data, strict=True)) if data else None,
        "kappa": _kappa(data) if level == "nominal" else None,  # type: ignore[arg-type]
    }


def _review_score_agreement(
    ratings: dict[int, dict[Cell, int | None]], reviewers: list[int], items: list[int], criteria: dict[int, Criterion]
) -> dict[str, Any]:
    """Interval alpha on the review score (0–100) each reviewer's ratings of an item make, as scoring.score_review
    scores it (an item a reviewer has not scored, or scored all N/A, is missing)."""
    specs = [c.spec() for c in criteria.values()]
    data = [[_review_score(specs, ratings[r], item) for item in items] for r in reviewers]
    return {
        "level": stats.SCORE_LEVEL,
        "units": sum(1 for unit in zip(*data, strict=True) if sum(v is not None for v in unit) >= 2) if data else 0,
        "alpha": stats.krippendorff_alpha(data, level=stats.SCORE_LEVEL),  # type: ignore[arg-type]
    }


def _review_score(specs: list[CriterionSpec], own: dict[Cell, int | None], item: int) -> float | None:
    values = {spec.key: own[(item, int(spec.key))] for spec in specs if (item, int(spec.key)) in own}
    if not values:
        return None
    try:
        return score_review(specs, values).score
    except ScoringError:  # a rating that no longer fits its criterion: leave the item out rather than guess
        return None


def calibration_results(*, session: CalibrationSession, actor: User) -> dict[str, Any]:
    """Agreement per criterion and overall, and each reviewer's deviation and alignment from the benchmark."""
    if not CalibrationSession.objects.visible_to(actor).filter(pk=session.pk).exists():
        raise Http404
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(section__version=session.scorecard_version_id)
        .select_related("section")
        .order_by("section__position", "position")
    }
    items = list(session.items.select_related("interaction__agent"))
    ratings = _ratings(session)
    blinded = _is_blinded(session, actor, ratings)
    agreed = {} if blinded else _agreed(session)
    if blinded:
        ratings = {actor.pk: ratings[actor.pk]} if actor.pk in ratings else {}
    overall, by_criterion = _agreement(ratings, [i.pk for i in items], criteria)
    people = {u.pk: u for u in User.objects.filter(pk__in=ratings).only("username", "first_name", "last_name")}
    reviewers = []
    for reviewer_id in sorted(ratings, key=lambda pk: people[pk].username):
        benchmark = {} if blinded else _benchmark_for(reviewer_id, session, ratings, agreed)
        figures = _reviewer_figures(ratings[reviewer_id], benchmark, criteria)
        person = people[reviewer_id]
        reviewers.append(
            {
                "reviewer": person.username,
                "name": person.get_full_name() or person.username,
                "is_benchmark": reviewer_id == session.benchmark_reviewer_id,
                **figures,
            }
        )
    show_agent = not session.hide_agent or is_qa_lead(actor)
    return {
        "session": session.pk,
        "title": session.title,
        "status": session.status,
        "blinded": blinded,
        "benchmark": "agreed_answers"
        if agreed
        else ("benchmark_reviewer" if session.benchmark_reviewer_id and not blinded else None),
        "items": [
            {
                "item": i.pk,
                "interaction": i.interaction_id,
                "external_id": i.interaction.external_id,
                "agent": str(i.interaction.agent) if show_agent and i.interaction.agent else None,
            }
            for i in items
        ],
        "overall": overall,
        "criteria": by_criterion,
        "reviewers": reviewers,
    }


def calibration_reviewer_history(*, reviewer: User, actor: User) -> dict[str, Any]:
    """A reviewer's record across sessions (lenient or strict, and its trend) and how often disputes overturn them.

    Only the reviewer and those who see everything may read it; to anyone else it does not exist (404, the answer for
    an unknown username too). A session still blind to the actor shows in the trend without figures.
    """
    from qadesk.disputes.models import DisputeItem, DisputeStatus

    if actor.pk != reviewer.pk and not actor.sees_everything:
        raise Http404
    sessions = CalibrationSession.objects.filter(scores__reviewer=reviewer).distinct().order_by("created_at", "id")
    trend, every = [], []
    for session in sessions:
        criteria = {c.pk: c for c in Criterion.objects.filter(section__version=session.scorecard_version_id)}
        ratings = _ratings(session)
        if _is_blinded(session, actor, ratings):
            row = {"session": session.pk, "title": session.title, "date": session.created_at.date().isoformat()}
            trend.append({**row, "leniency": None, "mean_deviation": None, "blinded": True})
            continue
        benchmark = _benchmark_for(reviewer.pk, session, ratings, _agreed(session))
        own = ratings.get(reviewer.pk, {})
        pairs = [
            (_points(criteria[c], v), _points(criteria[c], benchmark[(i, c)])) for (i, c), v in own.items() if (i, c) in benchmark
        ]
        every.extend(pairs)
        trend.append(
            {
                "session": session.pk,
                "title": session.title,
                "date": session.created_at.date().isoformat(),
                "leniency": stats.leniency(pairs),
                "mean_deviation": stats.mean_deviation(pairs),
                "blinded": False,
            }
        )
    contested = DisputeItem.objects.filter(dispute__review__reviewer=reviewer, dispute__status=DisputeStatus.DECIDED)
    n_contested = contested.count()
    n_overturned = contested.filter(accepted=True).count()
    return {
        "reviewer": reviewer.username,
        "sessions": len(trend),
        "leniency": stats.leniency(every),
        "mean_deviation": stats.mean_deviation(every),
        "trend": trend,
        "findings_contested": n_contested,
        "findings_overturned": n_overturned,
        "overturn_rate": 100 * n_overturned / n_contested if n_contested else None,
    }
