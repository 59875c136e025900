"""Reading the gap between our scores and the customer's (seed 003): per agent, team, label or journey phase, the IQS
and pass rate beside CSAT and NPS over the same period and over the same interactions, Spearman's correlation, the
discrepancy list, and the planned / delivered / received panel per team. Figures in `gap` and `figures` (pure)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics.selectors.quality import _check_range, group_labels
from qadesk.core.errors import ApplicationError
from qadesk.interactions.models import Interaction
from qadesk.reviews.models import Review
from qadesk.scorecards.scoring import GroupStats, group_stats, score_sums
from qadesk.surveys import figures, gap
from qadesk.surveys.models import QualityTarget, SurveyAnswer, SurveyResponse, TargetFigure

GAP_DIMENSIONS = ("agent", "team", "label", "phase")
RATINGS = ("csat", "nps")
DISCREPANCIES_SHOWN = 200
# A review's group: its credited agent; the interaction's team, label, phase. A response's: its interaction's.
_REVIEW_COLUMNS = {
    "agent": "agent_id",
    "team": "interaction__team_id",
    "label": "interaction__label_id",
    "phase": "interaction__phase",
}
_ANSWER_COLUMNS = {
    "agent": "response__interaction__agent_id",
    "team": "response__interaction__team_id",
    "label": "response__interaction__label_id",
    "phase": "response__interaction__phase",
}
EXPECTATIONS_QUESTION = "expectations"  # the expectation template's single-choice question; "met" or "above" = met
EXPECTATIONS_MET = ("met", "above")


@dataclass(frozen=True)
class GapRow:
    """One group: what we scored (IQS, pass rate) and what the customer said (CSAT, NPS, expectations met) over the
    period, then the same two over the interactions that have both, their correlation and the discrepancies."""

    key: str
    label: str
    iqs: GroupStats
    pass_rate: figures.Figure
    csat: figures.Figure
    nps: figures.NpsFigure
    expectations_met: figures.Figure
    paired_iqs: GroupStats
    paired_rating: figures.Figure
    correlation: gap.Correlation
    we_high: int
    we_low: int


@dataclass(frozen=True)
class Discrepancy:
    """An interaction we scored one way and the customer rated the other (gap.WE_HIGH or gap.WE_LOW)."""

    interaction_id: int
    external_id: str
    agent: str
    score: float
    rating: int
    direction: str
    points: float


@dataclass(frozen=True)
class PanelRow:
    """Planned / delivered / received for one team: per figure (TargetFigure codes) its target, value and change."""

    key: str
    label: str
    planned: dict[str, float | None]
    value: dict[str, float | None]
    change: dict[str, float | None]
    n_reviews: int
    n_ratings: int

    @property
    def cells(self) -> list[tuple[str, float | None, float | None, float | None]]:
        """(figure, planned, value, change) in the panel's column order, for the template."""
        return [(f, self.planned[f], self.value[f], self.change[f]) for f in self.value]


@dataclass(frozen=True)
class GapReport:
    by: str
    rating: str
    date_from: date | None
    date_to: date | None
    pass_mark: float
    minimum_n: int
    overall: GapRow
    groups: list[GapRow]
    discrepancies: list[Discrepancy]
    panel: list[PanelRow] = field(default_factory=list)


def gap_check_access(*, actor: User) -> None:
    """The gap page is for QA staff, managers and team leads (their team's); agents and reviewers get 404."""
    if not actor.is_authenticated or not (actor.sees_everything or actor.role == "team_lead"):
        raise Http404


def gap_report(
    *, actor: User, by: str = "team", rating: str = "csat", date_from: date | None = None, date_to: date | None = None
) -> GapReport:
    """The gap over interactions created from `date_from` to `date_to` (inclusive) that the actor may see."""
    gap_check_access(actor=actor)
    if by not in GAP_DIMENSIONS:
        raise ApplicationError(
            _("Unknown grouping “{by}”; choose one of: {names}.").format(by=by, names=", ".join(GAP_DIMENSIONS))
        )
    if rating not in RATINGS:
        raise ApplicationError(_("Unknown rating “{rating}”; choose csat or nps.").format(rating=rating))
    _check_range(date_from, date_to)
    settings = OrgSettings.load()
    pass_mark, minimum_n = float(settings.pass_mark), settings.minimum_n
    data = _load(actor=actor, date_from=date_from, date_to=date_to)
    groups = _rows(data, by=by, rating=rating, pass_mark=pass_mark, minimum_n=minimum_n)
    overall = _rows(data, by=None, rating=rating, pass_mark=pass_mark, minimum_n=minimum_n).get("")
    names = group_labels(by=by, period="month", keys=[_raw(k) for k in groups])
    rows = [GapRow(**{**row.__dict__, "label": names(_raw(key))}) for key, row in groups.items()]
    rows.sort(key=lambda r: (-r.iqs.n, r.label.casefold()))
    return GapReport(
        by=by,
        rating=rating,
        date_from=date_from,
        date_to=date_to,
        pass_mark=pass_mark,
        minimum_n=minimum_n,
        overall=overall or _empty_row(rating, minimum_n),
        groups=rows,
        discrepancies=_discrepancies(data, rating=rating, pass_mark=pass_mark),
        panel=_panel(actor=actor, data=data, date_from=date_from, date_to=date_to, pass_mark=pass_mark, minimum_n=minimum_n),
    )


@dataclass
class _Data:
    """What one report reads: reviews (score, interaction, group keys) and ratings (first CSAT/NPS of each response)."""

    reviews: list[dict[str, Any]]
    ratings: list[dict[str, Any]]  # kind, value, interaction, response, started, group keys
    expectations: list[dict[str, Any]]


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def _raw(key: str) -> Any:
    return None if key == "" else int(key) if key.isdigit() else key


def _load(*, actor: User, date_from: date | None, date_to: date | None) -> _Data:
    interactions = Interaction.objects.all()
    if date_from:
        interactions = interactions.filter(created_at__date__gte=date_from)
    if date_to:
        interactions = interactions.filter(created_at__date__lte=date_to)
    in_period = interactions.values("pk")
    reviews = Review.objects.visible_to(actor).submitted().filter(score__isnull=False, interaction_id__in=in_period)
    review_rows = list(reviews.values("interaction_id", "score", "interaction__external_id", *_REVIEW_COLUMNS.values()))
    for row in review_rows:
        row["groups"] = {dim: _key(row[column]) for dim, column in _REVIEW_COLUMNS.items()}
    responses: QuerySet[SurveyResponse] = SurveyResponse.objects.visible_to(actor).filter(interaction_id__in=in_period)
    answers = SurveyAnswer.objects.filter(response__in=responses.values("pk"), value__isnull=False, question__kind__in=RATINGS)
    rows = answers.values(
        "response_id", "response__interaction_id", "response__started_at", "question__kind", "value", *_ANSWER_COLUMNS.values()
    ).order_by("response_id", "question__position")
    seen: set[tuple[int, str]] = set()
    ratings = []
    for row in rows:
        if (row["response_id"], row["question__kind"]) in seen:
            continue  # a response's first question of a kind is its headline (the post-contact survey's "csat")
        seen.add((row["response_id"], row["question__kind"]))
        row["groups"] = {dim: _key(row[column]) for dim, column in _ANSWER_COLUMNS.items()}
        ratings.append(row)
    chosen = SurveyAnswer.objects.filter(response__in=responses.values("pk"), question__code=EXPECTATIONS_QUESTION)
    expectations = list(chosen.exclude(choices=[]).values("choices", *_ANSWER_COLUMNS.values()))
    for row in expectations:
        row["groups"] = {dim: _key(row[column]) for dim, column in _ANSWER_COLUMNS.items()}
    return _Data(review_rows, ratings, expectations)


def _rows(data: _Data, *, by: str | None, rating: str, pass_mark: float, minimum_n: int) -> dict[str, GapRow]:
    """GapRow per group key (with `by` None: one row under "")."""

    def key(row: dict[str, Any]) -> str:
        return row["groups"][by] if by else ""

    scores: dict[str, list[float]] = defaultdict(list)
    per_interaction: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in data.reviews:
        scores[key(row)].append(row["score"])
        per_interaction[key(row)][row["interaction_id"]].append(row["score"])
    counts: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: {"csat": defaultdict(int), "nps": defaultdict(int)})
    latest: dict[int, tuple[Any, int]] = {}  # interaction → (answered, value) of the newest rating of the chosen kind
    for row in data.ratings:
        counts[key(row)][row["question__kind"]][row["value"]] += 1
        if row["question__kind"] == rating:
            seen = latest.get(row["response__interaction_id"])
            if seen is None or seen[0] < row["response__started_at"]:
                latest[row["response__interaction_id"]] = (row["response__started_at"], row["value"])
    met: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in data.expectations:
        met[key(row)][0] += any(code in EXPECTATIONS_MET for code in row["choices"])
        met[key(row)][1] += 1
    result = {}
    for k in set(scores) | set(counts) if by else {""}:
        pairs = [
            (sum(s) / len(s), latest[i][1]) for i, s in per_interaction.get(k, {}).items() if i in latest
        ]  # interaction → (its mean review score, the customer's newest rating)
        paired_counts: dict[int, int] = defaultdict(int)
        for _score, value in pairs:
            paired_counts[value] += 1
        directions = [gap.discrepancy(score=s, pass_mark=pass_mark, kind=rating, value=v) for s, v in pairs]
        own = scores.get(k, [])
        result[k] = GapRow(
            key=k,
            label="",
            iqs=group_stats(score_sums(own), minimum_n=minimum_n, max_width=None),
            pass_rate=figures.share_figure("pass_rate", sum(1 for s in own if s >= pass_mark), len(own), minimum_n),
            csat=figures.csat(counts[k]["csat"], minimum_n=minimum_n),
            nps=figures.nps(counts[k]["nps"], minimum_n=minimum_n),
            expectations_met=figures.share_figure("expectations_met", met[k][0], met[k][1], minimum_n),
            paired_iqs=group_stats(score_sums(s for s, _v in pairs), minimum_n=minimum_n, max_width=None),
            paired_rating=(figures.csat if rating == "csat" else figures.nps)(paired_counts, minimum_n=minimum_n),
            correlation=gap.spearman(pairs, minimum_n=minimum_n),
            we_high=directions.count(gap.WE_HIGH),
            we_low=directions.count(gap.WE_LOW),
        )
    return result


def _empty_row(rating: str, minimum_n: int) -> GapRow:
    return next(iter(_rows(_Data([], [], []), by=None, rating=rating, pass_mark=0, minimum_n=minimum_n).values()))


def _discrepancies(data: _Data, *, rating: str, pass_mark: float) -> list[Discrepancy]:
    """Per interaction with a review and a rating of the chosen kind, the pairs that disagree, the widest gap first."""
    scores: dict[int, list[float]] = defaultdict(list)
    about: dict[int, dict[str, Any]] = {}
    for row in data.reviews:
        scores[row["interaction_id"]].append(row["score"])
        about[row["interaction_id"]] = row
    latest: dict[int, tuple[Any, int]] = {}
    for row in data.ratings:
        i = row["response__interaction_id"]
        if row["question__kind"] == rating and i in scores and (i not in latest or latest[i][0] < row["response__started_at"]):
            latest[i] = (row["response__started_at"], row["value"])
    agents = group_labels(by="agent", period="month", keys=[_raw(about[i]["groups"]["agent"]) for i in latest])
    found = []
    for i, (_when, value) in latest.items():
        score = sum(scores[i]) / len(scores[i])
        direction = gap.discrepancy(score=score, pass_mark=pass_mark, kind=rating, value=value)
        if direction:
            found.append(
                Discrepancy(
                    interaction_id=i,
                    external_id=about[i]["interaction__external_id"],
                    agent=agents(_raw(about[i]["groups"]["agent"])),
                    score=round(score, 2),
                    rating=value,
                    direction=direction,
                    points=gap.gap_points(score=score, kind=rating, value=value),
                )
            )
    found.sort(key=lambda d: (-d.points, d.external_id))
    return found[:DISCREPANCIES_SHOWN]


def _panel_values(row: GapRow) -> dict[str, float | None]:
    return {
        TargetFigure.IQS.value: row.iqs.iqs,
        TargetFigure.PASS_RATE.value: row.pass_rate.value,
        TargetFigure.CSAT.value: row.csat.value,
        TargetFigure.NPS.value: row.nps.value,
        TargetFigure.EXPECTATIONS_MET.value: row.expectations_met.value,
    }


def _panel(
    *, actor: User, data: _Data, date_from: date | None, date_to: date | None, pass_mark: float, minimum_n: int
) -> list[PanelRow]:
    """Per team: the target of each figure (the team's own, else the one for every team), this period's value and its
    change from the previous period of the same length (only when both dates are given)."""
    now = _rows(data, by="team", rating="csat", pass_mark=pass_mark, minimum_n=minimum_n)
    before: dict[str, GapRow] = {}
    if date_from and date_to:
        length = (date_to - date_from).days + 1
        earlier = _load(actor=actor, date_from=date_from - timedelta(days=length), date_to=date_from - timedelta(days=1))
        before = _rows(earlier, by="team", rating="csat", pass_mark=pass_mark, minimum_n=minimum_n)
    targets: dict[tuple[str, str], float] = {(t.figure, _key(t.team_id)): t.value for t in QualityTarget.objects.all()}
    names = group_labels(by="team", period="month", keys=[_raw(k) for k in now])
    panel = []
    for key, row in now.items():
        values = _panel_values(row)
        previous = _panel_values(before[key]) if key in before else {}
        panel.append(
            PanelRow(
                key=key,
                label=names(_raw(key)),
                planned={f: targets.get((f, key), targets.get((f, ""))) if key else targets.get((f, "")) for f in values},
                value=values,
                change={f: gap.change(v, previous.get(f)) for f, v in values.items()},
                n_reviews=row.iqs.n,
                n_ratings=row.csat.n,
            )
        )
    panel.sort(key=lambda p: p.label.casefold())
    return panel
