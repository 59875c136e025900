"""The automatic quality score (AQS) by agent, team, site, channel, label, journey phase or period, reported like the
IQS (FORMULAS.md "Review quality"; docs/autoqa.md "The AQS by group"):

- An interaction's AQS = 100 × passed / (passed + failed) over the current detector versions' applicable verdicts on
  it, to 2 decimals (as a review score). An interaction without an applicable verdict has none and is left out (as a
  review with every criterion N/A).
- A group's AQS = the unweighted mean of its interactions' AQS, with n (interactions), the IQS's 95 % interval and
  its "not conclusive" rule — `scoring.group_stats`: `intervals.mean_interval` (two-part) and `scoring.is_conclusive`
  with the organisation's minimum n and maximum interval width. Worked example (tests/test_aqs.py): interactions
  scoring 100, 50, 0 and 75 → AQS 56.25, n 4.
- For one check alone an interaction scores 0 or 100, so the mean is the share of interactions passing the check and
  the interval its Wilson interval: the per-check table (reports.aqs_rows) is this same figure.

Automatic verdicts never enter the IQS and human ratings never enter the AQS. Groups and dates are the interaction's:
its (last) agent, team, site, channel, label, journey phase, or the local day, week or month it was created in.
Visibility: the results of the interactions one may see (`AutoResult.objects.visible_to`), and an agent only the
interactions they were the agent of — themself, as the quality report shows an agent only their own reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, NullIf, Round, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.analytics.rollup import report_settings
from qadesk.analytics.selectors import DIMENSIONS, PERIODS
from qadesk.analytics.selectors.quality import group_labels
from qadesk.autoqa.models import AutoResult
from qadesk.autoqa.reports import current_results
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import ApplicationError
from qadesk.scorecards.intervals import ScoreSums
from qadesk.scorecards.scoring import group_stats

UNITS = 100  # an interaction's AQS is summed in whole hundredths of a point: exact in any order, on any database
_COLUMNS = {
    "agent": "interaction__agent_id",
    "team": "interaction__team_id",
    "site": "interaction__site_id",
    "channel": "interaction__channel",
    "label": "interaction__label_id",
    "phase": "interaction__phase",
}
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class AqsGroup:
    """The AQS of one group of interactions (or of all of them, for the totals), with the checks counted in it."""

    key: str
    label: str
    n: int  # interactions with at least one applicable automatic verdict
    aqs: float | None  # 0–100: the mean of their AQS
    ci_low: float | None  # the IQS's 95 % interval (two-part), in points
    ci_high: float | None
    conclusive: bool  # n ≥ minimum n and the interval at most the maximum width wide
    passed: int  # automatic checks passed, failed and not applicable on the group's interactions
    failed: int
    na: int


@dataclass(frozen=True)
class AqsReport:
    by: str
    period: str
    date_from: date | None
    date_to: date | None
    minimum_n: int
    max_interval_width: float
    totals: AqsGroup
    groups: list[AqsGroup]


def aqs_report(
    *, actor: User, by: str | None, date_from: date | None = None, date_to: date | None = None, period: str = "month"
) -> AqsReport:
    """The AQS over the interactions the actor may see, created in the date range, in total and per group of `by`
    (none: the totals only). Conclusive groups first by AQS, best first, then the others by name; periods in order."""
    if by is not None and by not in DIMENSIONS:
        raise ApplicationError(
            _("Unknown grouping “{by}”; choose one of: {choices}.").format(by=by, choices=", ".join(DIMENSIONS))
        )
    if period not in PERIODS:
        raise ApplicationError(_("Unknown period “{period}”; choose day, week or month.").format(period=period))
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The start date is after the end date."))
    org, _usable = report_settings()
    minimum_n, max_width = org.minimum_n, float(org.max_interval_width)
    rows = aqs_group_sums(results=aqs_results(actor=actor, date_from=date_from, date_to=date_to), by=by, period=period)
    totals = _group("", _("All interactions"), _merged(rows), minimum_n, max_width)
    groups: list[AqsGroup] = []
    if by is not None and rows:
        keys = [_key(r["group_key"], by) for r in rows]
        raw = keys if by == "period" else [r["group_key"] for r in rows]  # periods named by their first day
        names = group_labels(by=by, period=period, keys=raw)
        groups = [_group(k, names(r_key), r, minimum_n, max_width) for k, r_key, r in zip(keys, raw, rows, strict=True)]
        if by == "period":
            groups.sort(key=lambda g: g.key)
        else:
            groups.sort(key=lambda g: (not g.conclusive, -(g.aqs or 0) if g.conclusive else 0, g.label.casefold(), g.key))
    return AqsReport(
        by=by or "",
        period=period,
        date_from=date_from,
        date_to=date_to,
        minimum_n=minimum_n,
        max_interval_width=max_width,
        totals=totals,
        groups=groups,
    )


def aqs_results(*, actor: User, date_from: date | None = None, date_to: date | None = None) -> QuerySet[AutoResult]:
    """The current detector versions' results the AQS report counts for the actor, on interactions created in the range."""
    results = current_results(actor=actor)
    if not (actor.sees_everything or actor.can_review or actor.role == "team_lead"):
        # An agent may see interactions they handed over, now another agent's: the report shows them only themself.
        results = results.filter(interaction__agent__user=actor)
    if date_from:
        results = results.filter(interaction__created_at__gte=day_start(date_from))
    if date_to:
        results = results.filter(interaction__created_at__lt=next_day_start(date_to))
    return results


def aqs_group_sums(*, results: QuerySet[AutoResult], by: str | None, period: str = "month") -> list[dict[str, Any]]:
    """Per group: n, n_zero, Σ AQS and Σ AQS² (in hundredths), the highest AQS, and the checks passed, failed and not
    applicable — one GROUP BY interaction (the ORM's), summed per group by the query around it (written here: the ORM
    cannot aggregate over a GROUP BY)."""
    keyed: Any = results
    columns = ["interaction_id"]
    if by is not None:
        local = timezone.get_current_timezone()
        column = _TRUNC[period]("interaction__created_at", tzinfo=local) if by == "period" else F(_COLUMNS[by])
        keyed = results.annotate(group_key=column)
        columns.append("group_key")
    passed, failed = Count("pk", filter=Q(verdict="pass")), Count("pk", filter=Q(verdict="fail"))
    per_interaction = (
        keyed.values(*columns)
        .annotate(
            passed=passed,
            failed=failed,
            na=Count("pk", filter=Q(verdict="na")),
            score=Cast(Round(Value(100.0 * UNITS) * passed / NullIf(passed + failed, Value(0))), BigIntegerField()),
        )
        .order_by()
    )
    connection = connections[per_interaction.db]
    try:
        sql, params = per_interaction.query.get_compiler(using=per_interaction.db).as_sql()
    except EmptyResultSet:
        return []
    key = "g.group_key" if by is not None else "NULL"
    # Only constants and the ORM's own SQL are formatted in; values stay parameters.
    outer = (
        f"SELECT {key} AS group_key, COUNT(g.score) AS n, COUNT(CASE WHEN g.score = 0 THEN 1 END) AS n_zero, "  # noqa: S608
        "SUM(g.score) AS total, SUM(g.score * g.score) AS total_sq, MAX(g.score) AS max_score, "
        f"SUM(g.passed) AS passed, SUM(g.failed) AS failed, SUM(g.na) AS na FROM ({sql}) g"
        + (" GROUP BY g.group_key" if by is not None else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        names = [c[0] for c in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [_typed(row) for row in found if row["n"] or row["na"]]


_COUNTS = ("n", "n_zero", "passed", "failed", "na", "total", "total_sq")


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """Counts and sums (in hundredths) as ints: PostgreSQL sums bigints as numerics, Decimals in Python."""
    top = row["max_score"]
    counts = {name: int(row[name] or 0) for name in _COUNTS}
    return {"group_key": row["group_key"], **counts, "max_score": None if top is None else int(top)}


def _merged(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The groups' sums added up (every interaction is in one group): the totals' sums."""
    merged: dict[str, Any] = {name: sum(r[name] for r in rows) for name in _COUNTS}
    merged["max_score"] = max((r["max_score"] for r in rows if r["max_score"] is not None), default=None)
    return merged


def _group(key: str, label: str, sums: dict[str, Any], minimum_n: int, max_width: float) -> AqsGroup:
    top = sums["max_score"]
    score = ScoreSums(
        n=sums["n"],
        n_zero=sums["n_zero"],
        total=sums["total"] / UNITS,
        total_sq=sums["total_sq"] / UNITS**2,
        max_score=None if top is None else top / UNITS,
    )
    stats = group_stats(score, minimum_n=minimum_n, max_width=max_width)
    return AqsGroup(
        key=key,
        label=label,
        n=stats.n,
        aqs=stats.iqs,
        ci_low=stats.ci_low,
        ci_high=stats.ci_high,
        conclusive=stats.conclusive,
        passed=sums["passed"],
        failed=sums["failed"],
        na=sums["na"],
    )


def _key(value: Any, by: str) -> str:
    """A group key as text: a period by its first local day (ISO), an id or code as it is, none as "".

    The query around the ORM's is read raw: a truncated time comes as a datetime (naive, already local, on PostgreSQL)
    or as text (SQLite)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10] if by == "period" else str(value)
