"""The quality report (FORMULAS.md "Review quality"): IQS with n and 95 % interval, pass rate and error rates with
theirs, criterion averages, most frequent failures and root causes — aggregated in SQL, figures from scoring.py and
intervals.py (docs/statistics.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, NullIf, Round, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.analytics.charts import period_label
from qadesk.analytics.rollup import report_settings
from qadesk.analytics.selectors.cells import reviewee_filter, rollup_cells
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import ApplicationError
from qadesk.core.i18n import pick
from qadesk.core.inputs import parse_id
from qadesk.interactions.models import Channel, CustomField, JourneyPhase, Label
from qadesk.reviews.models import Rating, Review
from qadesk.scorecards.intervals import (
    INDEPENDENT,
    ClusterCell,
    DesignEffects,
    ScoreSums,
    design_effects,
    mean_intervals,
    per_100_interval,
    per_100_intervals,
    percent_interval,
    percent_intervals,
    round2,
)
from qadesk.scorecards.models import Criterion, Impact
from qadesk.scorecards.scoring import DEFAULT_MAX_WIDTH, are_conclusive, group_stats, pass_rate, per_100, rounded

SCORE_UNITS = 100  # review scores have 2 decimals: sums are exact in hundredths (see `_sums`)
CRITERION_UNITS = 1_000_000  # criterion scores are k/(points − 1) · 100 (33.33…): summed in millionths, exactly
DIMENSIONS = ("agent", "team", "site", "channel", "label", "phase", "period")
FIELD_PREFIX = "field:"  # by="field:<key>": grouped by the value of a declared custom field of the interaction
PERIODS = ("day", "week", "month")
TOP = 10

# The column each dimension groups (and filters) on; period is a truncation of submitted_at.
_COLUMNS = {
    "agent": "agent_id",
    "team": "interaction__team_id",
    "site": "interaction__site_id",
    "channel": "interaction__channel",
    "label": "interaction__label_id",
    "phase": "interaction__phase",
}
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
_ROLLUP_COLUMNS = {
    "agent": F("agent_id"),
    "team": NullIf("team_id", Value(0)),
    "site": NullIf("site_id", Value(0)),
    "channel": F("channel"),
    "label": NullIf("label_id", Value(0)),
    "phase": F("phase"),
}

# How each model-backed dimension's str() names a group, in SQL over the model's table `t` (see `_with_names`).
_NAMES_SQL: dict[str, tuple[Any, str]] = {
    "agent": (Agent, "COALESCE(NULLIF(t.display_name, ''), t.username)"),
    "team": (Team, "t.name"),
    "site": (Site, "t.name"),
    "label": (Label, "COALESCE(NULLIF(t.name, ''), t.code)"),
}
# The rollup's group key per dimension read by `_rollup_groups`, in SQL (as `_ROLLUP_COLUMNS`: 0 stands for none).
_ROLLUP_KEYS = {"agent": "agent_id", "team": "NULLIF(team_id, 0)", "site": "NULLIF(site_id, 0)", "label": "NULLIF(label_id, 0)"}
# The Python type of each of the sums `_sums` and `_rollup_sums` name.
_SUM_TYPES: dict[str, Callable[[Any], Any]] = {
    "n": int,
    "n_zero": int,
    "passed": int,
    "high": int,
    "low": int,
    "total": float,
    "total_sq": float,
    "max_score": float,
}


@dataclass(frozen=True)
class GroupRow:
    """The figures of one group of reviews (or of all of them, for the totals)."""

    key: str
    label: str
    n: int
    iqs: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool  # n ≥ minimum n and the interval at most the maximum width wide
    pass_rate: float | None
    pass_rate_low: float | None  # Wilson 95 % interval, in percent
    pass_rate_high: float | None
    high_impact_errors: int
    high_impact_per_100: float | None
    high_impact_per_100_low: float | None  # exact Poisson 95 % interval
    high_impact_per_100_high: float | None
    low_impact_errors: int
    low_impact_per_100: float | None
    low_impact_per_100_low: float | None
    low_impact_per_100_high: float | None
    rank: int | None = None  # 1 = best IQS among conclusive groups; None when not conclusive (never ranked)


@dataclass(frozen=True)
class CriterionRow:
    """How one criterion (all versions of it on one scorecard) was rated across the reviews."""

    scorecard: str
    code: str
    title: str
    impact: str
    n: int
    mean_score: float | None
    failures: int
    failures_per_100: float | None
    failures_per_100_low: float | None  # Wilson 95 % interval (a criterion fails at most once per review)
    failures_per_100_high: float | None
    high_impact_errors: int
    low_impact_errors: int


@dataclass(frozen=True)
class RootCauseRow:
    """A predefined root cause and how many ratings named it."""

    criterion_code: str
    criterion_title: str
    code: str
    title: str
    count: int


@dataclass(frozen=True)
class QualityReport:
    by: str
    period: str
    date_from: date | None
    date_to: date | None
    filters: dict[str, str]
    pass_mark: float
    minimum_n: int
    max_interval_width: float
    totals: GroupRow  # its intervals account for reviews clustering by agent and by reviewer
    groups: list[GroupRow]
    as_originally_scored: bool = False
    criteria: list[CriterionRow] = field(default_factory=list)
    failed_criteria: list[CriterionRow] = field(default_factory=list)
    root_causes: list[RootCauseRow] = field(default_factory=list)


def quality_report(
    *,
    actor: User,
    by: str,
    date_from: date | None,
    date_to: date | None,
    filters: dict[str, Any] | None = None,
    period: str = "month",
    as_originally_scored: bool = False,
) -> QualityReport:
    """The quality report over the submitted reviews the actor may see, grouped by one dimension.

    A submitted review without a score (every criterion N/A) has no figure to average and is left out.
    `as_originally_scored` uses each review's scores and error counts as first submitted, before any dispute
    revised them, for the group table and totals (criterion averages and root causes stay as revised)."""
    check_grouping(by)
    if period not in PERIODS:
        raise ApplicationError(_("Unknown period “{period}”; choose day, week or month.").format(period=period))
    _check_range(date_from, date_to)
    org, usable = report_settings()
    pass_mark, minimum_n, max_width = float(org.pass_mark), org.minimum_n, float(org.max_interval_width)
    # The rollup keeps no custom field (a dimension per installation, with any number of values): read the reviews.
    cells = (
        None
        if custom_field_of(by)
        else rollup_cells(
            actor=actor, by=by, date_from=date_from, date_to=date_to, filters=filters, pass_mark=org.pass_mark, usable=usable
        )
    )
    sums: dict[str, Any]
    if cells is not None:
        reviews: QuerySet[Any] = cells.reviews
        sums = _rollup_sums(original=as_originally_scored)
    else:
        reviews = quality_reviews(actor=actor, date_from=date_from, date_to=date_to, filters=filters)
        sums = _sums(pass_mark, original=as_originally_scored)
    totals = quality_totals(reviews=reviews, sums=sums, minimum_n=minimum_n, max_width=max_width)
    per_criterion = cells.criterion_sums() if cells is not None else _criterion_sums(reviews) if totals.n else []
    criteria, failed = _criteria_rows(per_criterion=per_criterion, total_n=totals.n)
    return QualityReport(
        by=by,
        period=period,
        date_from=date_from,
        date_to=date_to,
        filters={k: str(v) for k, v in (filters or {}).items() if v not in (None, "")},
        pass_mark=pass_mark,
        minimum_n=minimum_n,
        max_interval_width=max_width,
        as_originally_scored=as_originally_scored,
        totals=totals,
        groups=quality_groups(reviews=reviews, by=by, period=period, sums=sums, minimum_n=minimum_n, max_width=max_width)
        if totals.n
        else [],
        criteria=criteria,
        failed_criteria=failed,
        root_causes=(cells.root_causes() if cells is not None else quality_root_causes(reviews=reviews)) if totals.n else [],
    )


def custom_field_of(by: str) -> str | None:
    """The custom field key of a grouping `field:<key>`, else None."""
    return by.removeprefix(FIELD_PREFIX) if by.startswith(FIELD_PREFIX) else None


def check_grouping(by: str) -> None:
    """A grouping is one of DIMENSIONS or `field:<key>` for a declared custom field; anything else is refused."""
    key = custom_field_of(by)
    if key is not None:
        if not CustomField.objects.filter(key=key).exists():
            raise ApplicationError(_("Unknown custom field “{key}”: declare it first.").format(key=key))
        return
    if by not in DIMENSIONS:
        choices = ", ".join([*DIMENSIONS, FIELD_PREFIX + "<key>"])
        raise ApplicationError(_("Unknown grouping “{by}”; choose one of: {choices}.").format(by=by, choices=choices))


def quality_reviews(
    *, actor: User, date_from: date | None = None, date_to: date | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Review]:
    """Submitted reviews with a score that the actor may see, in the date range (by submission) and filters."""
    reviews = Review.objects.visible_to(actor).submitted().filter(score__isnull=False)
    if date_from:
        reviews = reviews.filter(submitted_at__gte=day_start(date_from))
    if date_to:
        reviews = reviews.filter(submitted_at__lt=next_day_start(date_to))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            reviews = reviews.filter(_filter(name, value))
    return reviews


def quality_groups(
    *,
    reviews: QuerySet[Review],
    by: str,
    period: str,
    sums: dict[str, Any],
    minimum_n: int,
    max_width: float | None = DEFAULT_MAX_WIDTH,
) -> list[GroupRow]:
    """One GROUP BY over the reviews; conclusive groups ranked by IQS (rank 1 = best, ties share a rank), the rest
    after them by name with no rank. Conclusive: n ≥ minimum_n and a 95 % interval at most max_width points wide.

    Periods form a time series instead, in chronological order, and are not ranked."""
    rows = _grouped_sums(reviews=reviews, by=by, period=period, sums=sums)
    names = _labels(by, period, rows)
    groups = _group_rows([(_key(r["group_key"]), names(r["group_key"])) for r in rows], rows, minimum_n, max_width)
    if by == "period":
        return [GroupRow(*g) for g in sorted(groups, key=lambda g: g[_KEY])]
    ordered = sorted(
        groups, key=lambda g: (not g[_CONCLUSIVE], -(g[_IQS] or 0) if g[_CONCLUSIVE] else 0, g[_LABEL].casefold(), g[_KEY])
    )
    # Every field but the rank, then the rank (mypy cannot count the fields of a tuple[Any, ...]).
    return [GroupRow(*g, rank) for g, rank in zip(ordered, _ranks(ordered), strict=True)]  # type: ignore[call-arg]


def quality_totals(
    *, reviews: QuerySet[Review], sums: dict[str, Any], minimum_n: int, max_width: float | None = DEFAULT_MAX_WIDTH
) -> GroupRow:
    """The totals row, from one GROUP BY agent, reviewer: its sums, and the design effects that make every interval
    of the totals account for reviews clustering by agent and by reviewer (`intervals.design_effects`)."""
    cells: list[dict[str, Any]] = list(reviews.values("agent_id", "reviewer_id").annotate(**sums).order_by())  # type: ignore[arg-type]
    merged: dict[str, Any] = {name: sum(c[name] or 0 for c in cells) for name in sums if name != "max_score"}
    merged["max_score"] = max((c["max_score"] for c in cells if c["max_score"] is not None), default=None)
    clusters = [
        ClusterCell(
            agent=c["agent_id"],
            reviewer=c["reviewer_id"],
            n=c["n"],
            n_zero=c["n_zero"] or 0,
            total=c["total"] or 0.0,
            passed=c["passed"] or 0,
            high=c["high"] or 0,
            low=c["low"] or 0,
        )
        for c in cells
    ]
    design = design_effects(clusters, _score_sums(merged)) if merged["n"] else INDEPENDENT
    return _row("", _("All reviews"), merged, minimum_n, max_width, design)


def _ranks(groups: list[tuple[Any, ...]]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) of the conclusive groups, which come first in `groups` (`_group_rows`'
    tuples); None for the others."""
    ranks: list[int | None] = []
    rank, previous = 0, None
    for position, group in enumerate(groups, start=1):
        if not group[_CONCLUSIVE]:
            ranks.append(None)
            continue
        if group[_IQS] != previous:
            rank, previous = position, group[_IQS]
        ranks.append(rank)
    return ranks


def _grouped_sums(*, reviews: QuerySet[Review], by: str, sums: dict[str, Any], period: str = "month") -> list[dict[str, Any]]:
    """One GROUP BY: the aggregates of `sums` per group, each row with its `group_key`."""
    column: Any
    if reviews.model is not Review:  # the rollup: a local day per row, dimensions as plain columns (0 = none)
        column = _ROLLUP_COLUMNS[by] if by != "period" else F("day") if period == "day" else _TRUNC[period]("day")
    elif by == "period":
        column = _TRUNC[period]("submitted_at", tzinfo=timezone.get_current_timezone())
    elif (key := custom_field_of(by)) is not None:
        column = KeyTextTransform(key, "interaction__custom_fields")  # its value as text: "gold", "12.5", "2026-10-03"
    else:
        column = F(_COLUMNS[by])
    if isinstance(sums, RollupSums) and by in _ROLLUP_KEYS:
        return _rollup_groups(reviews, by, sums.prefix)
    grouped: Any = reviews.annotate(group_key=column).values("group_key").annotate(**sums).order_by()
    return _with_names(grouped, by) if by in _NAMES_SQL else list(grouped)


def _label_name_sql(*, connection_vendor: str) -> str:
    """A contact reason's name in the reader's language (Label.names), else its default name, else its code (as str())."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    if not language.isalpha():  # formatted into the SQL: letters only
        language = "en"
    own = f"t.names ->> '{language}'" if connection_vendor == "postgresql" else f"json_extract(t.names, '$.{language}')"
    return f"COALESCE(NULLIF({own}, ''), NULLIF(t.name, ''), t.code)"


def _with_names(grouped: QuerySet[Any], by: str) -> list[dict[str, Any]]:
    """The GROUP BY's rows, each with its group's name (`group_name`) joined in the same query (a second query for the
    names cost as much as the GROUP BY itself over the rollup)."""
    model, name = _NAMES_SQL[by]
    name = _label_name_sql(connection_vendor=connections[grouped.db].vendor) if by == "label" else name
    connection = connections[grouped.db]
    try:
        sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
    except EmptyResultSet:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    # Only constants and the ORM's own SQL are formatted in; values stay parameters.
    joined = f"SELECT g.*, {name} AS group_name FROM ({sql}) g LEFT JOIN {table} t ON t.id = g.group_key"  # noqa: S608
    return _fetch(connection, joined, params)


def _fetch(connection: Any, sql: str, params: Any, *, typed_by_database: bool = False) -> list[dict[str, Any]]:
    """The rows as dicts, each sum typed as the ORM gives it (`_SUM_TYPES`: PostgreSQL's sum of bigints is a numeric,
    a Decimal in Python); the converters are looked up once per column, not once per value. `typed_by_database`: the
    SQL already casts every sum to its type (PostgreSQL's numeric to a double is the same correctly rounded
    conversion as Python's float() of the Decimal), so the rows are taken as they come."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        if typed_by_database:
            return [dict(zip(columns, raw, strict=True)) for raw in cursor.fetchall()]
        typed = [(i, _SUM_TYPES[c]) for i, c in enumerate(columns) if c in _SUM_TYPES]
        rows = []
        for raw in cursor.fetchall():
            values = list(raw)
            for i, convert in typed:
                if values[i] is not None:
                    values[i] = convert(values[i])
            rows.append(dict(zip(columns, values, strict=True)))
        return rows


def _rollup_groups(cells: QuerySet[Any], by: str, prefix: str) -> list[dict[str, Any]]:
    """`_grouped_sums` over rollup cells by agent, team, site or label in one query written here, each row with its
    group's name (`group_name`, as the model's str()): building the same query with the ORM, and reading the names with
    a second one, took longer than the database took to run it (benchmarks/README.md, "The group table's fixed cost").
    The sums are `_rollup_sums` written out: the same SQL, so the same figures to the last digit (tests compare them)."""
    connection = connections[cells.db]
    try:
        where, params = cells.query.get_compiler(using=cells.db).compile(cells.query.where)
    except EmptyResultSet:
        return []
    model, name = _NAMES_SQL[by]
    name = _label_name_sql(connection_vendor=connection.vendor) if by == "label" else name
    table, names = (connection.ops.quote_name(t) for t in (cells.model._meta.db_table, model._meta.db_table))
    p = prefix
    sums = (
        f"SUM(n) AS n, SUM({p}n_zero) AS n_zero, SUM({p}passed) AS passed, SUM({p}high) AS high, SUM({p}low) AS low, "
        f"CAST(SUM({p}total) / {float(SCORE_UNITS)!r} AS DOUBLE PRECISION) AS total, "
        f"CAST(SUM({p}total_sq) / {float(SCORE_UNITS**2)!r} AS DOUBLE PRECISION) AS total_sq, "
        f"MAX({p}max_score) AS max_score"
    )
    # Only constants and the ORM's own SQL for the cells' conditions are formatted in; values stay parameters.
    sql = (
        f"SELECT g.*, {name} AS group_name FROM (SELECT {_ROLLUP_KEYS[by]} AS group_key, {sums} FROM {table} "  # noqa: S608
        f"WHERE {where or '1 = 1'} GROUP BY 1) g LEFT JOIN {names} t ON t.id = g.group_key"
    )
    return _fetch(connection, sql, params, typed_by_database=True)


def quality_root_causes(*, reviews: QuerySet[Review]) -> list[RootCauseRow]:
    """The most frequent predefined root causes named on the reviews' failed ratings (a cause explains an error).

    The database groups ratings by (criterion, list of causes); only those few distinct lists are unpacked here."""
    combos = (
        Rating.objects.filter(review__in=reviews, failed=True)
        .exclude(root_causes=[])
        .values("criterion_id", "root_causes")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: Counter[tuple[int, str]] = Counter()
    for combo in combos:
        for code in combo["root_causes"] or []:
            counts[(combo["criterion_id"], code)] += combo["count"]
    return root_cause_rows(counts)


def root_cause_rows(counts: Counter[tuple[int, str]]) -> list[RootCauseRow]:
    """The TOP causes from counts per (criterion id, cause code); versions of a criterion merge by its code."""
    criteria = {c.pk: c for c in Criterion.objects.filter(pk__in={cid for cid, _code in counts})}
    merged: Counter[tuple[str, str]] = Counter()
    titles: dict[tuple[str, str], tuple[str, str]] = {}
    for (cid, code), count in counts.items():
        criterion = criteria[cid]
        merged[(criterion.code, code)] += count
        cause_titles = {rc.get("code"): rc.get("title") for rc in criterion.root_causes}
        titles[(criterion.code, code)] = (pick(criterion.title), pick(cause_titles.get(code)) or code)
    ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [
        RootCauseRow(c_code, titles[(c_code, code)][0], code, titles[(c_code, code)][1], count)
        for (c_code, code), count in ranked
    ]


def _criterion_sums(reviews: QuerySet[Review]) -> list[dict[str, Any]]:
    """Per criterion rated on the reviews: n (rated, not N/A), Σ criterion score, failures."""
    rows: Any = Rating.objects.filter(review__in=reviews).values("criterion_id")
    return list(
        rows.annotate(
            n=Count("score"),
            total=in_points(Sum(_units(F("score"), CRITERION_UNITS)), CRITERION_UNITS),
            failures=Sum(Case(When(failed=True, then=1), default=0, output_field=IntegerField())),
        ).order_by()
    )


def _criteria_rows(*, per_criterion: list[dict[str, Any]], total_n: int) -> tuple[list[CriterionRow], list[CriterionRow]]:
    if not total_n:
        return [], []
    sums = {r["criterion_id"]: r for r in per_criterion}
    criteria = (
        Criterion.objects.filter(pk__in=sums).select_related("section__version__scorecard").order_by("-section__version__number")
    )
    # Versions of a scorecard repeat its criteria; merge them by (scorecard, code), newest wording first.
    merged: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "total": 0.0, "failures": 0, "high": 0, "low": 0}
    )
    order: dict[tuple[str, str], tuple[int, int]] = {}
    for criterion in criteria:
        key = (criterion.section.version.scorecard.code, criterion.code)
        row, s = merged[key], sums[criterion.pk]
        row.setdefault("criterion", criterion)
        order.setdefault(key, (criterion.section.position, criterion.position))
        row["n"] += s["n"]
        row["total"] += s["total"] or 0.0
        row["failures"] += s["failures"] or 0
        row["high" if criterion.impact == Impact.HIGH else "low"] += s["failures"] or 0
    rows = [
        _criterion_row(key, values, total_n) for key, values in sorted(merged.items(), key=lambda kv: (kv[0][0], order[kv[0]]))
    ]
    failed = sorted((r for r in rows if r.failures), key=lambda r: (-r.failures, r.scorecard, r.code))[:TOP]
    return rows, failed


def _criterion_row(key: tuple[str, str], values: dict[str, Any], total_n: int) -> CriterionRow:
    criterion: Criterion = values["criterion"]
    n = values["n"]
    failure_interval = rounded(percent_interval(min(values["failures"], total_n), total_n))
    return CriterionRow(
        scorecard=key[0],
        code=key[1],
        title=pick(criterion.title),
        impact=criterion.impact,
        n=n,
        mean_score=round(values["total"] / n, 2) if n else None,
        failures=values["failures"],
        failures_per_100=per_100(values["failures"], total_n),
        failures_per_100_low=failure_interval[0],
        failures_per_100_high=failure_interval[1],
        high_impact_errors=values["high"],
        low_impact_errors=values["low"],
    )


def _sums(pass_mark: float, *, original: bool = False, units: bool = False) -> dict[str, Any]:
    """The aggregates a group needs: n, Σscore, Σscore², passes and error sums (current or as first submitted).

    Review scores have 2 decimals (scoring.py), so Σscore is summed as whole hundredths and Σscore² as ten-thousandths:
    exact in any order, the same whether the database adds 200,000 reviews or the rollup adds its cells' sums (float sums
    differ in the last bit with the order, which flips an IQS rounded to 2 decimals at a boundary). `units`: the whole
    numbers themselves, as the rollup stores them."""
    prefix = "original_" if original else ""
    score = f"{prefix}score"
    cents = _units(F(score), SCORE_UNITS)
    return {
        "n": Count("id"),
        "n_zero": Count("id", filter=Q(**{score: 0})),
        "total": Sum(cents) if units else in_points(Sum(cents), SCORE_UNITS),
        "total_sq": Sum(cents * cents) if units else in_points(Sum(cents * cents), SCORE_UNITS**2),
        "max_score": Max(score),
        "passed": Sum(Case(When(**{f"{score}__gte": pass_mark}, then=Value(1)), default=Value(0), output_field=IntegerField())),
        "high": Sum(f"{prefix}high_impact_errors"),
        "low": Sum(f"{prefix}low_impact_errors"),
    }


class RollupSums(dict[str, Any]):
    """`_rollup_sums`' aggregates, knowing which columns they read (`_rollup_groups` writes them out in SQL)."""

    prefix: str = ""


def _rollup_sums(*, original: bool = False) -> RollupSums:
    """The same aggregates as `_sums`, over rollup cells (passes were counted at the pass mark the rollup was built for)."""
    prefix = "original_" if original else ""
    summed = {name: Sum(f"{prefix}{name}") for name in ("n_zero", "passed", "high", "low")}
    sums = RollupSums(
        n=Sum("n"),
        **summed,
        total=in_points(Sum(f"{prefix}total"), SCORE_UNITS),
        total_sq=in_points(Sum(f"{prefix}total_sq"), SCORE_UNITS**2),
        max_score=Max(f"{prefix}max_score"),
    )
    sums.prefix = prefix
    return sums


def _units(value: Any, units: int) -> Any:
    """A score as a whole number of 1/units points (exact to add)."""
    return Cast(Round(value * Value(float(units))), BigIntegerField())


def in_points(total: Any, units: int) -> Any:
    """A sum of whole 1/units points back in points: the float nearest the exact sum, on SQLite and PostgreSQL alike."""
    return ExpressionWrapper(total / Value(float(units)), output_field=FloatField())


def _row(
    key: str,
    label: str,
    sums: dict[str, Any],
    minimum_n: int,
    max_width: float | None = DEFAULT_MAX_WIDTH,
    design: DesignEffects = INDEPENDENT,
) -> GroupRow:
    n = sums["n"] or 0
    passed, high, low = sums["passed"] or 0, sums["high"] or 0, sums["low"] or 0
    stats = group_stats(_score_sums(sums), minimum_n=minimum_n, max_width=max_width, design=design)
    pass_low, pass_high = rounded(percent_interval(passed, n, design_effect=design.pass_rate))
    high_low, high_high = rounded(per_100_interval(high, n, design_effect=design.high_impact))
    low_low, low_high = rounded(per_100_interval(low, n, design_effect=design.low_impact))
    return GroupRow(
        key=key,
        label=label,
        n=n,
        iqs=stats.iqs,
        ci_low=stats.ci_low,
        ci_high=stats.ci_high,
        conclusive=stats.conclusive,
        pass_rate=pass_rate(passed, n),
        pass_rate_low=pass_low,
        pass_rate_high=pass_high,
        high_impact_errors=high,
        high_impact_per_100=per_100(high, n),
        high_impact_per_100_low=high_low,
        high_impact_per_100_high=high_high,
        low_impact_errors=low,
        low_impact_per_100=per_100(low, n),
        low_impact_per_100_low=low_low,
        low_impact_per_100_high=low_high,
    )


# Where `_group_rows`' tuples hold the fields the order and the ranks need (GroupRow's field order).
_KEY, _LABEL, _IQS, _CONCLUSIVE = 0, 1, 3, 6


def _group_rows(
    named: list[tuple[str, str]], rows: list[dict[str, Any]], minimum_n: int, max_width: float | None
) -> list[tuple[Any, ...]]:
    """`_row`'s fields for every group of a GROUP BY, (key, label) in `named`, as tuples in GroupRow's field order but
    the rank, with the intervals computed for all groups at once (`intervals.mean_intervals` and others; reviews within
    a group taken as independent, as `_row` does without a design). The same figures as `_row` (a test compares them);
    each column is worked out as a whole and the rows zipped from the columns: ~0.1 ms for 40 groups
    (benchmarks/README.md, "The group table at 1,000,000 reviews, again")."""
    if not rows:
        return []

    def column(name: str) -> Any:
        return np.array([float(r[name] or 0) for r in rows])

    n, passed, high, low, total = column("n"), column("passed"), column("high"), column("low"), column("total")
    top = np.array([np.nan if r["max_score"] is None else float(r["max_score"]) for r in rows])
    ci_low, ci_high = mean_intervals(n, column("n_zero"), total, column("total_sq"), top)
    ends = [*percent_intervals(passed, n), *per_100_intervals(high, n), *per_100_intervals(low, n)]
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 reviews: NaN, None once rounded (as pass_rate, per_100)
        ratios = [total / n, passed / n * 100, high / n * 100, low / n * 100]
    # Every figure rounded at once, exactly as round(x, 2) (`round2`): the same numbers as `_row`, a tenth of the time.
    every, m = round2(np.concatenate([*ratios, ci_low, ci_high, *ends])), len(rows)
    iqs, rate, high_100, low_100, low_end, high_end, *other_ends = (every[j * m : (j + 1) * m] for j in range(12))
    counts = [r["n"] or 0 for r in rows]
    # The interval as `_row` has it: both ends or none (n < 2); conclusive as `is_conclusive` decides from the
    # unrounded ends (the same IEEE subtraction in numpy as in Python).
    has_interval = [a is not None and b is not None for a, b in zip(low_end, high_end, strict=True)]
    conclusive = are_conclusive(
        n=counts, has_interval=has_interval, widths=(ci_high - ci_low).tolist(), minimum_n=minimum_n, max_width=max_width
    )

    def when_reviewed(figures: list[float | None]) -> list[float | None]:
        return [f if c else None for f, c in zip(figures, counts, strict=True)]

    def when_interval(figures: list[float | None]) -> list[float | None]:
        return [f if has else None for f, has in zip(figures, has_interval, strict=True)]

    return list(
        zip(
            [key for key, _label in named],
            [label for _key, label in named],
            counts,
            when_reviewed(iqs),
            when_interval(low_end),
            when_interval(high_end),
            conclusive,
            when_reviewed(rate),
            other_ends[0],
            other_ends[1],
            [r["high"] or 0 for r in rows],
            when_reviewed(high_100),
            other_ends[2],
            other_ends[3],
            [r["low"] or 0 for r in rows],
            when_reviewed(low_100),
            other_ends[4],
            other_ends[5],
            strict=True,
        )
    )


def _score_sums(sums: dict[str, Any]) -> ScoreSums:
    """The score sums of a GROUP BY row (keys of `_sums`)."""
    return ScoreSums(
        n=sums["n"] or 0,
        n_zero=sums.get("n_zero") or 0,
        total=sums["total"] or 0.0,
        total_sq=sums["total_sq"] or 0.0,
        max_score=sums.get("max_score"),
    )


def _key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat() if timezone.is_aware(value) else value.date().isoformat()
    return str(value)


def _labels(by: str, period: str, rows: list[dict[str, Any]]) -> Callable[[Any], str]:
    """A function naming each group key of `rows` (model-backed dimensions: by the `group_name` read with them)."""
    none = _("(none)")
    if by == "period":
        return lambda k: period_label(date.fromisoformat(_key(k)), period) if k else none
    if by in ("channel", "phase"):
        choices = dict(Channel.choices if by == "channel" else JourneyPhase.choices)
        return lambda k: str(choices.get(k, k)) if k else none
    if custom_field_of(by) is not None:
        return lambda k: _key(k) if k is not None and k != "" else none
    names = {r["group_key"]: r["group_name"] for r in rows if r["group_name"] is not None}
    return lambda k: names.get(k, str(k)) if k is not None else none


def group_labels(*, by: str, period: str, keys: list[Any]) -> Callable[[Any], str]:
    """A function naming each group key, the names of model-backed dimensions read in one query: for reports whose rows
    do not carry the names (the survey report); the quality report joins them into its own query (_labels)."""
    if by not in ("agent", "team", "site", "label"):
        return _labels(by, period, [])
    model: Any = {"agent": Agent, "team": Team, "site": Site, "label": Label}[by]
    names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[k for k in keys if k is not None])}
    return lambda k: names.get(k, str(k)) if k is not None else _("(none)")


def _filter(name: str, value: Any) -> Q:
    """A filter by id (numbers) or by natural key: agent username, team/site name, label code, channel/phase code."""
    text = str(value).strip()
    if name in ("channel", "phase"):
        return Q(**{_COLUMNS[name]: text})
    if name == "reviewee":
        return reviewee_filter(text, column="agent_id")
    natural = {
        "agent": "agent__username",
        "team": "interaction__team__name",
        "site": "interaction__site__name",
        "label": "interaction__label__code",
    }
    if name not in natural:
        raise ApplicationError(_("Unknown filter “{name}”.").format(name=name))
    pk = parse_id(text)  # ASCII digits in the id range; anything else ('²', '-1', a name) is a natural key
    return Q(**{_COLUMNS[name]: pk}) if pk is not None else Q(**{natural[name]: text})


def _check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The start date is after the end date."))
