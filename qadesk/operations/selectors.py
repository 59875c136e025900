"""Reads for the operational KPI report: one GROUP BY over the interactions the actor may see, figures from kpis.py.

Sums are aggregated in SQL; medians and 90th percentiles with percentile_cont on PostgreSQL, in Python on SQLite (the
durations of the selection are read once). Periods (hour of day, weekday, day, week, month) are in the installation's
time zone; durations are elapsed time between instants (docs/operations.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncDay, TruncMonth, TruncWeek
from django.utils import dates, timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.analytics.charts import period_label
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import ApplicationError
from qadesk.core.inputs import parse_id
from qadesk.interactions.models import Channel, Interaction, InteractionAgent, JourneyPhase, Label
from qadesk.operations import forecast as forecast_figures
from qadesk.operations import kpis, rollup
from qadesk.operations import loyalty as loyalty_figures
from qadesk.operations.kpis import KpiFigures, KpiSettings, KpiSums, ReassignmentPath, Spread
from qadesk.operations.models import KpiTarget
from qadesk.operations.querysets import sees_operations
from qadesk.operations.sql import Seconds, came_back_ids
from qadesk.reviews.models import Rating, ReviewStatus

DIMENSIONS = ("channel", "site", "team", "agent", "label", "phase")
PERIODS = ("hour", "weekday", "day", "week", "month")
GROUPINGS = DIMENSIONS + PERIODS
FILTERS = DIMENSIONS
TOP_PATHS = 20
DURATIONS = ("answer_wait", "handle", "first_response", "resolution")
SPREAD_KPIS = ("first_response_median", "resolution_median")  # the target KPIs that are percentiles

_COLUMNS = {name: f"{name}_id" for name in ("site", "team", "agent", "label")} | {"channel": "channel", "phase": "phase"}
_NATURAL = {"agent": "agent__username", "team": "team__name", "site": "site__name", "label": "label__code"}
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class TargetResult:
    """How a target fared over the report's range: its figure per period, the share of periods met and the streak of
    periods missed up to the last one."""

    target_id: int
    kpi: str
    kpi_label: str
    scope: str
    channel: str
    site_id: int | None
    threshold_seconds: int
    value: float
    period: str
    period_label: str
    periods: list[tuple[str, float | None, bool | None]]  # (period label, figure, met)
    met: int
    counted: int
    share_met: float | None
    missed_streak: int


@dataclass(frozen=True)
class KpiReport:
    by: str
    date_from: date | None
    date_to: date | None
    filters: dict[str, str]
    settings: KpiSettings
    as_of: datetime
    totals: KpiFigures
    groups: list[KpiFigures]
    paths: list[ReassignmentPath] = field(default_factory=list)
    targets: list[TargetResult] = field(default_factory=list)
    # True: from the daily rollup (PostgreSQL): counts, sums and rates exact, medians and 90th percentiles within
    # rollup.RELATIVE_ERROR (log buckets); False: computed from the contacts, every figure exact.
    approximate: bool = False


def kpi_interactions(
    *, actor: User, date_from: date | None = None, date_to: date | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Interaction]:
    """The interactions the actor may see for the KPIs, created in the range (local days), with the filters."""
    if not sees_operations(actor):
        return Interaction.objects.none()
    rows = Interaction.objects.visible_to(actor)
    if date_from:
        rows = rows.filter(created_at__gte=day_start(date_from))
    if date_to:
        rows = rows.filter(created_at__lt=next_day_start(date_to))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            rows = rows.filter(_filter(name, value))
    return rows


def kpi_report(
    *,
    actor: User,
    by: str,
    date_from: date | None = None,
    date_to: date | None = None,
    filters: dict[str, Any] | None = None,
    settings: KpiSettings | None = None,
    now: datetime | None = None,
    with_targets: bool = True,
    exact: bool = False,
) -> KpiReport:
    """The KPIs of the contacts the actor may see, per group (`by`), with totals, reassignment paths and targets.

    On PostgreSQL, the requests the daily rollup serves (`rollup_request`) read it: the same counts, sums and rates,
    medians and 90th percentiles within 0.5 % (`approximate`); `exact` reads the contacts whatever the request."""
    if by not in GROUPINGS:
        raise ApplicationError(
            _("Unknown grouping “{by}”; choose one of: {choices}.").format(by=by, choices=", ".join(GROUPINGS))
        )
    scope = _scope(actor=actor, date_from=date_from, date_to=date_to, filters=filters, settings=settings, now=now)
    clean_filters, settings = scope.filters, scope.settings
    served = None if exact else rollup_request(actor=actor, by=by, filters=clean_filters)
    totals: KpiFigures | None
    if served is not None:
        groups, totals = _figures_from_rollup(scope, by=by, date_from=date_from, date_to=date_to, served=served)
    else:
        groups, totals = _figures_by(
            scope.rows, by=by, settings=settings, as_of=scope.as_of, now=scope.now, since=scope.since, with_totals=True
        )
    targets = (
        target_results(actor=actor, date_from=date_from, date_to=date_to, filters=clean_filters, now=scope.now, exact=exact)
        if with_targets
        else []
    )
    groups = [_with_missed(g, by=by, filters=clean_filters, targets=targets, settings=settings) for g in groups]
    return KpiReport(
        by=by,
        date_from=date_from,
        date_to=date_to,
        filters=clean_filters,
        settings=settings,
        as_of=scope.as_of,
        totals=_with_missed(totals or _no_totals(), by="", filters=clean_filters, targets=targets, settings=settings),
        groups=groups,
        paths=(
            []
            if not (totals and totals.reassigned)
            else _paths_from_rollup(served, date_from=date_from, date_to=date_to)
            if served is not None
            else reassignment_path_list(scope.rows)
        ),
        targets=targets,
        approximate=served is not None,
    )


# --- the daily rollup (PostgreSQL) ---------------------------------------------------------------------------------

ROLLUP_GROUPINGS = ("team", "day", "week", "month")


@dataclass(frozen=True)
class RollupRequest:
    """What the rollup reads for a request: its level (rollup.DIMS) and the teams (None: every one)."""

    dim: int
    teams: list[int] | None


def rollup_request(*, actor: User, by: str, filters: dict[str, str]) -> RollupRequest | None:
    """The rollup's level and teams when the daily rollup serves the request, else None (the report then reads the
    contacts): PostgreSQL with the rollup built for the installation's zone; grouped by team or by day, week or month;
    no filter but the team; an actor who sees every contact or one team's (a team lead)."""
    if by not in ROLLUP_GROUPINGS or set(filters) - {"team"} or not sees_operations(actor):
        return None
    if not rollup.kpi_rollup_usable():
        return None
    teams: set[int] | None = None
    if not (actor.sees_everything or actor.can_review):
        if actor.role != "team_lead" or not actor.team_id:
            return None
        teams = {actor.team_id}
    if "team" in filters:
        text = filters["team"]
        pk = parse_id(text)
        named = {pk} if pk is not None else set(Team.objects.filter(name=text).values_list("pk", flat=True))
        teams = named if teams is None else teams & named
    return RollupRequest(dim=rollup.DIMS["team"], teams=sorted(teams) if teams is not None else None)


def _figures_from_rollup(
    scope: _Scope,
    *,
    by: str,
    date_from: date | None,
    date_to: date | None,
    served: RollupRequest,
    kinds: frozenset[int] | None = None,
) -> tuple[list[KpiFigures], KpiFigures]:
    """The report's groups and totals from the rollup: sums by creation day, the instant-dependent counts (FCR's
    decided contacts, the backlog) by resolution day for the whole days before the instant, and that instant's own
    day read from the contacts (`_boundary`). `kinds`: only those histograms (rollup.rollup_groups), for targets:
    the figures that need the others are then wrong and must not be read."""
    settings = scope.settings
    cutoff = scope.now - timedelta(days=settings.fcr_days)
    closed_before, decided_before = timezone.localdate(scope.as_of), timezone.localdate(cutoff)
    found = rollup.rollup_groups(
        by=by,
        dim=served.dim,
        keys=served.teams,
        date_from=date_from,
        date_to=date_to,
        service_level_seconds=settings.service_level_seconds,
        short_abandon_seconds=settings.short_abandon_seconds,
        fcr_days=settings.fcr_days,
        closed_before=closed_before,
        decided_before=decided_before,
        kinds=kinds,
    )
    edges = _boundary(scope, by=by, cutoff=cutoff, closed_since=day_start(closed_before), decided_since=day_start(decided_before))
    groups: dict[str, tuple[Any, KpiSums, dict[int, dict[int, int]]]] = {}
    for raw_key, row in found.items():
        if not row["contacts"]:
            continue
        key = None if by == "team" and raw_key == 0 else raw_key
        edge = edges.get(_key(key), {})
        closed = row["closed"] - edge.get("late_closed_early", 0) + edge.get("edge_closed", 0)
        sums = KpiSums(
            contacts=int(row["contacts"]),
            answered=int(row["answered"]),
            answered_within=row["answered_within"],
            abandoned=int(row["queued_abandon"]) - row["short_abandoned"],
            short_abandoned=row["short_abandoned"],
            wait_total=float(row["wait_total"]),
            handled=int(row["handled"]),
            handle_total=float(row["handle_total"]),
            handle_sq_total=float(row["handle_sq_total"]),
            talk_total=float(row["talk_total"]),
            hold_total=float(row["hold_total"]),
            acw_total=float(row["acw_total"]),
            replied=int(row["replied"]),
            first_response_total=float(row["first_response_total"]),
            resolved=int(row["resolved"]),
            resolution_total=float(row["resolution_total"]),
            resolved_24h=int(row["resolved_24h"]),
            fcr_decided=row["decided"] + edge.get("edge_decided", 0),
            fcr=row["fcr"] + edge.get("edge_fcr", 0),
            assigned=int(row["assigned"]),
            reassigned=int(row["reassigned"]),
            backlog=int(row["not_abandoned"]) - edge.get("late_open", 0) - closed,
        )
        groups[_key(key)] = (key, sums, row["hist"])
    names = _names(by, [key for key, _sums, _hist in groups.values()])
    figures = [_figures(k, names(key), sums, _rollup_spreads([hist])) for k, (key, sums, hist) in groups.items()]
    ordered = (
        sorted(figures, key=lambda f: (len(f.key), f.key))
        if by in PERIODS
        else sorted(figures, key=lambda f: (-f.contacts, f.label.casefold()))
    )
    if not groups:
        return ordered, _no_totals()
    every = [hist for _key_, _sums, hist in groups.values()]
    totals = kpis.added(sums for _key_, sums, _hist in groups.values())
    return ordered, _figures("", _("All contacts"), totals, _rollup_spreads(every))


def _paths_from_rollup(served: RollupRequest, *, date_from: date | None, date_to: date | None) -> list[ReassignmentPath]:
    """The reassignment paths from the rollup's hand-offs between agents, each agent named by their team now and each
    label by its code (as the scan reads them), counted and ordered as kpis.reassignment_paths does."""
    found = rollup.rollup_handoffs(dim=served.dim, keys=served.teams, date_from=date_from, date_to=date_to)
    agents = {a for f, t, _label, _n in found for a in (f, t) if a}
    teams = dict(Agent.objects.filter(pk__in=agents).values_list("pk", "team__name"))
    labels = dict(Label.objects.filter(pk__in={label for _f, _t, label, _n in found if label}).values_list("pk", "code"))
    none = _("(none)")
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for from_agent, to_agent, label, n in found:
        counts[(teams.get(from_agent) or none, teams.get(to_agent) or none, labels.get(label) or none)] += n
    ordered = sorted(((k, n) for k, n in counts.items() if n), key=lambda item: (-item[1], item[0]))
    return [ReassignmentPath(from_team=f, to_team=t, label=lab, count=n) for (f, t, lab), n in ordered][:TOP_PATHS]


def _rollup_spreads(histograms: list[dict[int, dict[int, int]]]) -> dict[str, Spread]:
    """Medians and 90th percentiles of each duration from the rollup's log buckets (one or more groups' together)."""
    out = {}
    for name in DURATIONS:
        kind = rollup.KINDS[name]
        merged: dict[int, int] = defaultdict(int)
        for hist in histograms:
            for bucket, n in hist.get(kind, {}).items():
                merged[bucket] += n
        buckets = [(rollup.bucket_value(b), n) for b, n in sorted(merged.items())]
        out[name] = Spread(
            median=_round(kpis.histogram_percentile(buckets, 0.5)), p90=_round(kpis.histogram_percentile(buckets, 0.9))
        )
    return out


def _boundary(
    scope: _Scope, *, by: str, cutoff: datetime, closed_since: datetime, decided_since: datetime
) -> dict[str, dict[str, int]]:
    """What the rollup cannot know of an instant, read from the contacts of the report (per group): the contacts created
    after the backlog's instant (`late_open`, and `late_closed_early` those of them resolved before its day), the
    contacts resolved on the instant's day up to it (`edge_closed`), and those resolved on FCR's cut-off day up to the
    cut-off (`edge_decided`, `edge_fcr`). A few contacts through the indexes on creation and resolution."""
    as_of, days = scope.as_of, scope.settings.fcr_days
    late = Q(created_at__gt=as_of, abandoned=False)
    closing = Q(created_at__lte=as_of, abandoned=False, resolved_at__gte=closed_since, resolved_at__lte=as_of)
    deciding = Q(resolved_at__gte=F("created_at")) & Q(resolved_at__gte=decided_since, resolved_at__lte=cutoff)
    not_back = Q(c_next_at__isnull=True) | Q(c_next_at__gt=F("resolved_at") + timedelta(days=days))

    def count(q: Q) -> Any:
        return Sum(Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField()))

    rows = (
        scope.rows.filter(
            Q(created_at__gt=as_of)
            | Q(resolved_at__gte=closed_since, resolved_at__lte=as_of)
            | Q(resolved_at__gte=decided_since, resolved_at__lte=cutoff)
        )
        .annotate(
            c_key=_group_column(by),
            c_next_at=RawSQL(
                "SELECT l.next_at FROM operations_contactlink AS l WHERE l.interaction_id = interactions_interaction.id",
                [],
                output_field=DateTimeField(),
            ),
        )
        .order_by()
        .values("c_key")
        .annotate(
            late_open=count(late),
            late_closed_early=count(late & Q(resolved_at__lt=closed_since)),
            edge_closed=count(closing),
            edge_decided=count(deciding),
            edge_fcr=count(deciding & Q(reopens=0) & not_back),
        )
    )
    names = ("late_open", "late_closed_early", "edge_closed", "edge_decided", "edge_fcr")
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        counts: dict[str, Any] = dict(row)
        found[_key(counts["c_key"])] = {name: int(counts[name] or 0) for name in names}
    return found


def kpi_sums(
    *,
    actor: User,
    date_from: date | None = None,
    date_to: date | None = None,
    filters: dict[str, Any] | None = None,
    settings: KpiSettings | None = None,
    now: datetime | None = None,
    reassignments: bool = True,
) -> KpiSums:
    """The exact counts and sums behind the KPI report's totals for the same arguments (the report's totals are
    `kpis.kpi_figures` of them): for a figure built elsewhere from the counts themselves, not from a rounded rate.
    The report's own GROUP BY, over one group and without medians. Without `reassignments` the handlers are not read
    and `assigned` and `reassigned` stay 0."""
    scope = _scope(actor=actor, date_from=date_from, date_to=date_to, filters=filters, settings=settings, now=now)
    found, _total_row, _with_spread_totals = _grouped_rows(
        scope.rows,
        by="",
        settings=scope.settings,
        as_of=scope.as_of,
        now=scope.now,
        since=scope.since,
        spreads=False,
        handlers=reassignments,
    )
    return kpis.added(_kpi_sums(row) for row in found)


@dataclass(frozen=True)
class _Scope:
    """What the report and its sums read: the contacts, the cleaned filters, the settings and the instants."""

    rows: QuerySet[Interaction]
    filters: dict[str, str]
    settings: KpiSettings
    now: datetime
    as_of: datetime  # the end of the range, or now: the backlog is counted at this instant
    since: datetime | None


def _scope(
    *,
    actor: User,
    date_from: date | None,
    date_to: date | None,
    filters: dict[str, Any] | None,
    settings: KpiSettings | None,
    now: datetime | None,
) -> _Scope:
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The start date is after the end date."))
    now = now or timezone.now()
    clean_filters = {k: str(v).strip() for k, v in (filters or {}).items() if v not in (None, "")}
    return _Scope(
        rows=kpi_interactions(actor=actor, date_from=date_from, date_to=date_to, filters=clean_filters),
        filters=clean_filters,
        settings=settings or KpiSettings(),
        now=now,
        as_of=min(now, next_day_start(date_to)) if date_to else now,
        since=day_start(date_from) if date_from else None,
    )


def stored_links() -> bool:
    """Whether the report reads FCR's next contact and the last handler from the table the database keeps for each
    contact (PostgreSQL: `operations_contactlink` and its triggers, migration operations 0002) instead of finding them
    at report time (the window over each customer's contacts and the join to the handlers: SQLite, and the reference
    the tests compare the stored table with)."""
    return connection.vendor == "postgresql" and STORED_LINKS


STORED_LINKS = True  # False: the PostgreSQL report finds the links at report time, as on SQLite (tests, benchmarks)


def _per_contact(
    rows: QuerySet[Interaction], *, by: str, settings: KpiSettings, as_of: datetime, now: datetime, stored: bool = False
) -> QuerySet[Any]:
    """One row per contact: its group and its own figures (kpis.py's per-contact functions, in SQL) as plain columns,
    flags as 0/1, so that the GROUP BY around it adds up columns computed once per contact. With `stored`, also the
    resolution instant, which the stored next contact is compared with."""
    decided = Q(resolved_at__gte=F("created_at"), resolved_at__lte=now - timedelta(days=settings.fcr_days))
    queued_abandon = Q(abandoned=True, queued_at__isnull=False)
    flags = {
        # Thresholds on a duration are compared in the GROUP BY (_AGGREGATES), on the duration computed once here:
        # an annotation that reads another repeats its whole expression in the SQL.
        "c_queued_abandon": queued_abandon,
        "c_decided": decided,
        "c_decided_once": decided & Q(reopens=0),
        "c_backlog": Q(created_at__lte=as_of, abandoned=False) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=as_of)),
    }
    handled = Q(handle__isnull=False)
    links = {"c_resolved_at": F("resolved_at")} if stored else {}
    return (
        _durations(rows)
        .annotate(
            **links,
            c_id=F("id"),
            c_key=_group_column(by),
            **{name: Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField()) for name, q in flags.items()},
            c_talk=Case(When(handled, then=F("talk_seconds"))),
            c_hold=Case(When(handled, then=F("hold_seconds"))),
            c_acw=Case(When(handled, then=F("acw_seconds"))),
        )
        .order_by()
        .values("c_id", "c_key", *DURATIONS, "abandon_wait", *flags, "c_talk", "c_hold", "c_acw", *links)
    )


_AGGREGATES = """COUNT(*), COUNT(c.answer_wait), SUM(CASE WHEN c.answer_wait <= {within} THEN 1 ELSE 0 END),
    SUM(c.c_queued_abandon), SUM(CASE WHEN c.c_queued_abandon = 1 AND c.abandon_wait < {short} THEN 1 ELSE 0 END),
    SUM(c.answer_wait), COUNT(c.handle), SUM(c.handle), SUM(CAST(c.handle AS DOUBLE PRECISION) * c.handle),
    SUM(c.c_talk), SUM(c.c_hold), SUM(c.c_acw),
    COUNT(c.first_response), SUM(c.first_response), COUNT(c.resolution), SUM(c.resolution),
    SUM(CASE WHEN c.resolution <= {day} THEN 1 ELSE 0 END),
    SUM(c.c_decided), SUM(CASE WHEN c.c_decided_once = 1 AND {not_back} THEN 1 ELSE 0 END),
    {assigned}, {reassigned}, SUM(c.c_backlog)"""
_SUM_NAMES = (
    "contacts", "answered", "answered_within", "abandoned_all", "short_abandoned", "wait_total", "handled", "handle_total",
    "handle_sq_total", "talk_total", "hold_total", "acw_total", "replied", "first_response_total", "resolved",
    "resolution_total", "resolved_24h", "fcr_decided", "fcr", "assigned", "reassigned", "backlog",
)  # fmt: skip


def _grouped_sql(
    per_contact: QuerySet[Any],
    *,
    settings: KpiSettings,
    since: datetime | None,
    spreads: bool,
    fcr: bool,
    handlers: bool,
    stored: bool = False,
) -> tuple[str, list[Any], bool]:
    """The GROUP BY over the per-contact rows. With `stored`, FCR and the handlers come from the per-contact rows'
    own columns (no join); else it is joined once to the last handler of each contact and to the contacts whose
    customer came back (instead of a lookup per contact). On PostgreSQL the medians and 90th percentiles come in the
    same statement, and GROUPING SETS add the totals row (a median is not the sum of medians)."""
    inner, params = per_contact.query.sql_with_params()
    postgres = connection.vendor == "postgresql"
    joins, join_params = "", list[Any]()
    thresholds = {  # numbers of the settings (never text), written into the SQL
        "within": repr(float(settings.service_level_seconds)),
        "short": repr(float(settings.short_abandon_seconds)),
        "day": repr(float(kpis.DAY_SECONDS)),
    }
    if stored:  # one join to the narrow table the triggers keep (migration operations 0002)
        joins = " LEFT JOIN operations_contactlink AS l ON l.interaction_id = c.c_id"
        days = int(settings.fcr_days)
        aggregates = _AGGREGATES.format(
            **thresholds,
            not_back=f"(l.next_at IS NULL OR l.next_at > c.c_resolved_at + {days} * INTERVAL '1 day')",
            assigned="COUNT(l.handler_last)" if handlers else "0",
            reassigned="SUM(CASE WHEN l.handler_last >= 1 THEN 1 ELSE 0 END)" if handlers else "0",
        )
    elif handlers:
        joins += """ LEFT JOIN (SELECT interaction_id, MAX(position) AS last_handler FROM interactions_interactionagent
            GROUP BY interaction_id) AS h ON h.interaction_id = c.c_id"""
    if fcr and not stored:
        back, join_params = came_back_ids(fcr_days=settings.fcr_days, since=since)
        joins += f" LEFT JOIN ({back}) AS b ON b.id = c.c_id"
    if not stored:
        aggregates = _AGGREGATES.format(
            **thresholds,
            not_back="b.id IS NULL" if fcr else "1 = 1",
            assigned="COUNT(h.last_handler)" if handlers else "0",
            reassigned="SUM(CASE WHEN h.last_handler >= 1 THEN 1 ELSE 0 END)" if handlers else "0",
        )
    totals = postgres and spreads
    if postgres and spreads:
        aggregates += "".join(
            f", percentile_cont({fraction}) WITHIN GROUP (ORDER BY c.{name})" for name in DURATIONS for fraction in (0.5, 0.9)
        )
    group = "GROUPING SETS ((c.c_key), ())" if totals else "c.c_key"
    every = ", GROUPING(c.c_key)" if totals else ", 0"
    sql = f"SELECT c.c_key{every}, {aggregates} FROM ({inner}) AS c{joins} GROUP BY {group}"  # noqa: S608 (constants)
    return sql, [*params, *join_params], totals


def _durations(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """Each contact's durations (seconds; NULL where the contact has none, kpis.py's rules)."""
    answered = Q(queued_at__isnull=False, answered_at__gte=F("queued_at"), abandoned=False)
    parts = ("talk_seconds", "hold_seconds", "acw_seconds")
    recorded = Q(talk_seconds__isnull=False) | Q(hold_seconds__isnull=False) | Q(acw_seconds__isnull=False)
    handle = sum((Coalesce(p, Value(0)) for p in parts[1:]), Coalesce(parts[0], Value(0)))
    return rows.annotate(
        answer_wait=Case(When(answered, then=Seconds("answered_at", "queued_at"))),
        abandon_wait=Case(
            When(
                Q(abandoned=True, queued_at__isnull=False, closed_at__gte=F("queued_at")), then=Seconds("closed_at", "queued_at")
            )
        ),
        handle=Case(When(Q(abandoned=False) & recorded, then=ExpressionWrapper(handle, output_field=FloatField()))),
        first_response=Case(When(first_reply_at__gte=F("created_at"), then=Seconds("first_reply_at", "created_at"))),
        resolution=Case(When(resolved_at__gte=F("created_at"), then=Seconds("resolved_at", "created_at"))),
    )


def _group_column(by: str) -> Any:
    if by == "":
        return Value("")
    if by in _COLUMNS:
        return F(_COLUMNS[by])
    tz = timezone.get_current_timezone()
    if by == "hour":
        return ExtractHour("created_at", tzinfo=tz)
    if by == "weekday":
        return ExtractIsoWeekDay("created_at", tzinfo=tz)
    return _TRUNC[by]("created_at", tzinfo=tz)


def _figures_by(
    rows: QuerySet[Interaction],
    *,
    by: str,
    settings: KpiSettings,
    as_of: datetime,
    now: datetime,
    since: datetime | None,
    with_totals: bool = False,
    spreads: bool = True,
    fcr: bool = True,
    handlers: bool = True,
) -> tuple[list[KpiFigures], KpiFigures | None]:
    """One GROUP BY: the figures of each group, in the grouping's natural order (periods in time, others by size);
    with_totals, also the figures of all of them: sums added up from the groups, percentiles from a second, light
    query over the durations alone (a median is not the sum of medians). Without `spreads`, no median or 90th
    percentile (a target on a mean or a rate needs none; on SQLite they cost a second pass over the contacts)."""
    postgres = connection.vendor == "postgresql"
    found, total_row, with_spread_totals = _grouped_rows(
        rows, by=by, settings=settings, as_of=as_of, now=now, since=since, spreads=spreads, fcr=fcr, handlers=handlers
    )
    in_python = not postgres and spreads and bool(found)
    python_spreads = _spreads_in_python(_durations(rows).annotate(group_key=_group_column(by))) if in_python else {}
    names = _names(by, [r["group_key"] for r in found])
    none = dict.fromkeys(DURATIONS, Spread())

    def spread_of(row: dict[str, Any], key: str) -> dict[str, Spread]:
        if postgres and spreads:
            return {name: Spread(median=_round(row[f"{name}_p50"]), p90=_round(row[f"{name}_p90"])) for name in DURATIONS}
        return python_spreads.get(key) or none

    figures = []
    for row in found:
        key = _key(row["group_key"])
        figures.append(_figures(key, names(row["group_key"]), _kpi_sums(row), spread_of(row, key)))
    ordered = (
        sorted(figures, key=lambda f: (len(f.key), f.key))
        if by in PERIODS
        else sorted(figures, key=lambda f: (-f.contacts, f.label.casefold()))
    )
    if not with_totals:
        return ordered, None
    if not found:
        return ordered, _no_totals()
    every = spread_of(total_row, TOTAL) if with_spread_totals and total_row else python_spreads.get(TOTAL) or none
    return ordered, _figures("", _("All contacts"), kpis.added([_kpi_sums(row) for row in found]), every)


def _grouped_rows(
    rows: QuerySet[Interaction],
    *,
    by: str,
    settings: KpiSettings,
    as_of: datetime,
    now: datetime,
    since: datetime | None,
    spreads: bool = True,
    fcr: bool = True,
    handlers: bool = True,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, bool]:
    """Runs the one GROUP BY (_grouped_sql): each group's row of sums (with, on PostgreSQL and `spreads`, its medians
    and 90th percentiles), the totals row GROUPING SETS add on PostgreSQL (else None), and whether that row exists."""
    postgres = connection.vendor == "postgresql"
    stored = stored_links()
    per_contact = _per_contact(rows, by=by, settings=settings, as_of=as_of, now=now, stored=stored)
    try:
        sql, params, with_spread_totals = _grouped_sql(
            per_contact, settings=settings, since=since, spreads=spreads, fcr=fcr, handlers=handlers, stored=stored
        )
    except EmptyResultSet:  # nothing the actor may see
        sql, params, with_spread_totals = "", [], False
    fetched: list[tuple[Any, ...]] = []
    if sql:
        with _without_jit(postgres), connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    found, total_row = [], None
    for raw in fetched:
        row = dict(zip(("group_key", "is_total", *_SUM_NAMES), raw, strict=False))
        if postgres and spreads:
            row |= dict(zip([f"{n}_{p}" for n in DURATIONS for p in ("p50", "p90")], raw[2 + len(_SUM_NAMES) :], strict=True))
        if by in _TRUNC and isinstance(row["group_key"], str):  # SQLite's truncated date-time, as text
            row["group_key"] = date.fromisoformat(row["group_key"][:10])
        if row["is_total"]:
            total_row = row
        else:
            found.append(row)
    return found, total_row, with_spread_totals


TOTAL = "\x00all"  # the key under which the Python fallback keeps every group's durations together


def _no_totals() -> KpiFigures:
    return kpis.kpi_figures(key="", label=_("All contacts"), sums=KpiSums())


def _figures(key: str, label: str, sums: KpiSums, spread: dict[str, Spread]) -> KpiFigures:
    return kpis.kpi_figures(
        key=key,
        label=label,
        sums=sums,
        wait=spread["answer_wait"],
        handle=spread["handle"],
        first_response=spread["first_response"],
        resolution=spread["resolution"],
    )


@contextmanager
def _without_jit(postgres: bool) -> Iterator[None]:
    """A read-only transaction in which PostgreSQL does not JIT-compile: the per-contact subqueries make its cost
    estimate large enough to turn JIT on, which then takes most of the query's time (1.6 of 2.1 s at 20,000 contacts,
    benchmarks/README.md)."""
    if not postgres:  # SQLite: no JIT, and an atomic block would take the write lock (BEGIN IMMEDIATE) for a read
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            # The window over each customer's contacts and the percentiles sort every contact of the range: in memory,
            # not in temporary files (the default 4 MB spills from about 50,000 contacts on).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _spreads_in_python(keyed: QuerySet[Any]) -> dict[str, dict[str, Spread]]:
    """Medians and 90th percentiles per group where the database has no percentile_cont (SQLite)."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: {name: [] for name in DURATIONS})
    for row in keyed.values_list("group_key", *DURATIONS).iterator(chunk_size=5000):
        bucket, every = values[_key(row[0])], values[TOTAL]
        for name, value in zip(DURATIONS, row[1:], strict=True):
            if value is not None:
                bucket[name].append(float(value))
                every[name].append(float(value))
    return {key: {name: kpis.spread(v) for name, v in lists.items()} for key, lists in values.items()}


def _kpi_sums(row: dict[str, Any]) -> KpiSums:
    short = row["short_abandoned"] or 0
    return KpiSums(
        contacts=row["contacts"],
        answered=row["answered"],
        answered_within=row["answered_within"],
        abandoned=(row["abandoned_all"] or 0) - short,
        short_abandoned=short,
        wait_total=row["wait_total"] or 0.0,
        handled=row["handled"],
        handle_total=float(row["handle_total"] or 0),
        handle_sq_total=float(row["handle_sq_total"] or 0),
        talk_total=float(row["talk_total"] or 0),
        hold_total=float(row["hold_total"] or 0),
        acw_total=float(row["acw_total"] or 0),
        replied=row["replied"],
        first_response_total=row["first_response_total"] or 0.0,
        resolved=row["resolved"],
        resolution_total=row["resolution_total"] or 0.0,
        resolved_24h=row["resolved_24h"],
        fcr_decided=row["fcr_decided"],
        fcr=row["fcr"],
        assigned=row["assigned"],
        reassigned=row["reassigned"],
        backlog=row["backlog"],
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _names(by: str, keys: list[Any]) -> Callable[[Any], str]:
    """A function naming each group key (one query for the model-backed groupings)."""
    none = _("(none)")
    if by == "":
        return lambda k: _("All contacts")
    if by == "hour":
        return lambda k: f"{int(k):02d}:00–{int(k) + 1:02d}:00" if k is not None else none
    if by == "weekday":
        return lambda k: str(dates.WEEKDAYS[int(k) - 1]) if k is not None else none
    if by in ("day", "week", "month"):
        return lambda k: period_label(date.fromisoformat(_key(k)), by) if k is not None else none
    if by in ("channel", "phase"):
        choices = dict(Channel.choices if by == "channel" else JourneyPhase.choices)
        return lambda k: str(choices.get(k, k)) if k else none
    model: Any = {"agent": Agent, "team": Team, "site": Site, "label": Label}[by]
    names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[k for k in keys if k is not None])}
    return lambda k: names.get(k, str(k)) if k is not None else none


def _filter(name: str, value: Any) -> Q:
    """A filter by id or natural key: agent username, team or site name, label code, channel or phase code."""
    if name not in FILTERS:
        raise ApplicationError(_("Unknown filter “{name}”.").format(name=name))
    text = str(value).strip()
    if name in ("channel", "phase"):
        return Q(**{name: text})
    pk = parse_id(text)
    return Q(**{_COLUMNS[name]: pk}) if pk is not None else Q(**{_NATURAL[name]: text})


def reassignment_path_list(rows: QuerySet[Interaction]) -> list[ReassignmentPath]:
    """From team → to team, by label, over the reassigned contacts of the selection (most frequent first). On
    PostgreSQL the hand-offs are counted in SQL (each handler against the one before it, LAG over the positions), on
    SQLite in Python; the same counts, ordered the same way (kpis.reassignment_paths)."""
    reassigned = rows.filter(Exists(InteractionAgent.objects.filter(interaction_id=OuterRef("pk"), position__gte=1)))
    none = _("(none)")
    if connection.vendor == "postgresql":
        try:
            ids, params = reassigned.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return []
        sql = f"""
            SELECT from_team, to_team, label, count(*) FROM (
                SELECT lag(t.name) OVER w AS from_team, t.name AS to_team, l.code AS label, row_number() OVER w AS nth
                FROM interactions_interactionagent AS h
                JOIN interactions_interaction AS i ON i.id = h.interaction_id
                LEFT JOIN accounts_agent AS a ON a.id = h.agent_id LEFT JOIN accounts_team AS t ON t.id = a.team_id
                LEFT JOIN interactions_label AS l ON l.id = i.label_id
                WHERE h.interaction_id IN ({ids})
                WINDOW w AS (PARTITION BY h.interaction_id ORDER BY h.position)
            ) AS steps WHERE nth > 1 GROUP BY 1, 2, 3"""  # noqa: S608 — the ORM's own SQL, values as parameters
        with _without_jit(True), connection.cursor() as cursor:
            cursor.execute(sql, params)
            counted = cursor.fetchall()
        merged: dict[tuple[str, str, str], int] = defaultdict(int)
        for from_team, to_team, label, n in counted:  # no team and a team named "(none)" are one key, as in Python
            merged[(from_team or none, to_team or none, label or none)] += int(n)
        ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
        return [ReassignmentPath(from_team=f, to_team=t, label=lab, count=n) for (f, t, lab), n in ordered][:TOP_PATHS]
    handlers = (
        InteractionAgent.objects.filter(interaction__in=reassigned.values("pk"))
        .order_by("interaction_id", "position")
        .values_list("interaction_id", "agent__team__name", "interaction__label__code")
    )
    teams: dict[int, list[str]] = defaultdict(list)
    labels: dict[int, str] = {}
    for interaction_id, team, label in handlers.iterator(chunk_size=5000):
        teams[interaction_id].append(team or none)
        labels[interaction_id] = label or none
    hand_offs = [h for pk, names in teams.items() for h in kpis.handoffs(names, labels[pk])]
    return kpis.reassignment_paths(hand_offs)[:TOP_PATHS]


# --- targets -------------------------------------------------------------------------------------------------------


def target_scope(target: KpiTarget) -> str:
    parts = [target.get_channel_display() if target.channel else "", str(target.site) if target.site_id else ""]
    return " · ".join(p for p in parts if p) or _("Everywhere")


def target_settings(target: KpiTarget) -> KpiSettings:
    return KpiSettings(service_level_seconds=target.threshold_seconds)


def target_results(
    *,
    actor: User,
    date_from: date | None,
    date_to: date | None,
    filters: dict[str, str] | None = None,
    now: datetime | None = None,
    targets: list[KpiTarget] | None = None,
    exact: bool = False,
) -> list[TargetResult]:
    """Each target the actor may see, over the range: its figure per period, met or not, and the share met.

    A scope without channel or site whose targets are on exact figures (no median target) reads the daily rollup when
    it serves the report's filters (PostgreSQL): the same counts, sums and rates; the others read the contacts."""
    now = now or timezone.now()
    found = targets if targets is not None else list(KpiTarget.objects.visible_to(actor).select_related("site"))
    results = []

    def scope_of(target: KpiTarget) -> tuple[str, int | None, str, int | None]:
        """Targets of one scope share a query: the answer time T matters to a service-level target only."""
        threshold = target.threshold_seconds if target.kpi == "service_level" else None
        return (target.channel, target.site_id, target.period, threshold)

    needs: dict[tuple[str, int | None, str, int | None], set[str]] = defaultdict(set)
    for target in found:
        needs[scope_of(target)].add(target.kpi)
    computed: dict[tuple[str, int | None, str, int | None], list[KpiFigures]] = {}
    for target in found:
        scoped = {**(filters or {})}
        if target.channel:
            scoped["channel"] = target.channel
        if target.site_id:
            scoped["site"] = str(target.site_id)
        scope = scope_of(target)
        served = (
            None
            if scope in computed or exact or target.channel or target.site_id or needs[scope] & set(SPREAD_KPIS)
            else rollup_request(actor=actor, by=target.period, filters=scoped)
        )
        if served is not None:
            rows = kpi_interactions(actor=actor, date_from=date_from, date_to=date_to, filters=scoped)
            settings = KpiSettings(service_level_seconds=scope[3] if scope[3] is not None else 20)
            since = day_start(date_from) if date_from else None
            period_scope = _Scope(rows=rows, filters=scoped, settings=settings, now=now, as_of=now, since=since)
            # Only the histograms the scope's targets read: the service level's and abandonment's thresholds.
            thresholds = needs[scope] & {"service_level", "abandonment_rate"}
            kinds = frozenset({rollup.KINDS["wait_s"], rollup.KINDS["abandon_s"]} if thresholds else ())
            computed[scope] = _figures_from_rollup(
                period_scope, by=target.period, date_from=date_from, date_to=date_to, served=served, kinds=kinds
            )[0]
        if scope not in computed:
            # Only what the scope's targets read: medians for a percentile target, FCR's look for the next contact
            # for an FCR target, the handlers for a reassignment target.
            computed[scope] = _figures_by(
                kpi_interactions(actor=actor, date_from=date_from, date_to=date_to, filters=scoped),
                by=target.period,
                settings=KpiSettings(service_level_seconds=scope[3] if scope[3] is not None else 20),
                as_of=now,
                now=now,
                since=day_start(date_from) if date_from else None,
                spreads=bool(needs[scope] & set(SPREAD_KPIS)),
                fcr="fcr_rate" in needs[scope],
                handlers="reassignment_rate" in needs[scope],
            )[0]
        periods = computed[scope]
        series = []
        for figures in periods:
            value = getattr(figures, target.kpi)
            series.append((figures.label, value, kpis.target_met(target.kpi, value, target.value)))
        met, counted, share = kpis.share_met(r for _label, _value, r in series)
        results.append(
            TargetResult(
                target_id=target.pk,
                kpi=target.kpi,
                kpi_label=str(target.get_kpi_display()),
                scope=target_scope(target),
                channel=target.channel,
                site_id=target.site_id,
                threshold_seconds=target.threshold_seconds,
                value=target.value,
                period=target.period,
                period_label=str(target.get_period_display()),
                periods=series,
                met=met,
                counted=counted,
                share_met=share,
                missed_streak=kpis.missed_streak([r for _label, _value, r in series]),
            )
        )
    return results


def _with_missed(
    figures: KpiFigures, *, by: str, filters: dict[str, str], targets: list[TargetResult], settings: KpiSettings
) -> KpiFigures:
    """The figures with the KPIs whose target (the most specific that applies to the group) they miss. A service-level
    target counts only when the report uses the target's answer time T."""
    best: dict[str, tuple[int, TargetResult]] = {}
    channel = figures.key if by == "channel" else filters.get("channel", "")
    site = figures.key if by == "site" else filters.get("site", "")
    for target in targets:
        if (target.channel and target.channel != channel) or (target.site_id and str(target.site_id) != site):
            continue
        if target.kpi == "service_level" and target.threshold_seconds != settings.service_level_seconds:
            continue
        weight = bool(target.channel) + bool(target.site_id)
        if target.kpi not in best or weight > best[target.kpi][0]:
            best[target.kpi] = (weight, target)
    missed = tuple(
        kpi
        for kpi, (_weight, target) in sorted(best.items())
        if kpis.target_met(kpi, getattr(figures, kpi), target.value) is False
    )
    return KpiFigures(**{**figures.__dict__, "missed": missed})


# --- loyalty: does resolution bring loyalty? -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoyaltyReport:
    """The return of the customers of the range by group (loyalty.py), and the proxy used for "stays active"."""

    date_from: date | None
    date_to: date | None
    days: int
    fcr_days: int
    customers: int  # with a contact in the range (watched or not)
    watched: int  # whose window of `days` has passed
    cohorts: list[loyalty_figures.Cohort]
    proxy: str


def cohort_label(key: str) -> str:
    return {
        "fcr": _("Resolved at first contact"),
        "not_fcr": _("Not resolved at first contact"),
        "bad_0": _("No bad experience"),
        "bad_1": _("One bad experience"),
        "bad_repeated": _("Repeated bad experiences"),
    }[key]


def loyalty(
    *,
    actor: User,
    date_from: date | None = None,
    date_to: date | None = None,
    days: int = 30,
    fcr_days: int = 7,
    filters: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> LoyaltyReport:
    """Does resolution bring loyalty: the customers with a contact in the range the actor may see, read at their last
    contact there, grouped by first-contact resolution and by bad experiences, with the share who came back on another
    contact reason within `days` days (loyalty.py). Later contacts count whoever may see them."""
    if not 1 <= days <= 365:
        raise ApplicationError(_("The return window must be 1 to 365 days."))
    if not 1 <= fcr_days <= 90:
        raise ApplicationError(_("FCR's window must be 1 to 90 days."))
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The start date is after the end date."))
    now = now or timezone.now()
    rows = kpi_interactions(actor=actor, date_from=date_from, date_to=date_to, filters=filters).filter(customer_id__isnull=False)
    failed_review = Exists(
        Rating.objects.filter(review__interaction_id=OuterRef("pk"), review__status=ReviewStatus.SUBMITTED, failed=True)
    )
    contacts = list(
        rows.annotate(failed_review=failed_review)
        .order_by("customer_id", "created_at", "id")
        .values_list(
            "id",
            "customer_id",
            "label_id",
            "created_at",
            "resolved_at",
            "reopens",
            "complaint",
            "customer_rating",
            "failed_review",
        )
    )
    last: dict[int, tuple[Any, ...]] = {}
    bad: dict[int, int] = defaultdict(int)
    for row in contacts:
        pk, customer, _label, _created, resolved, _reopens, complaint, rating, failed = row
        last[customer] = row
        bad[customer] += bool(failed or rating == "negative" or complaint or resolved is None)
    later: dict[int, list[tuple[datetime, int | None]]] = defaultdict(list)
    if last:
        since = min(row[3] for row in last.values())
        for customer, label, created in (
            Interaction.objects.filter(customer_id__in=rows.values("customer_id"), created_at__gte=since)
            .order_by()
            .values_list("customer_id", "label_id", "created_at")
            .iterator(chunk_size=5000)
        ):
            later[customer].append((created, label))
    histories = []
    for customer, (pk, _c, label, created, resolved, reopens, _complaint, _rating, _failed) in last.items():
        visits = [kpis.Visit(key=pk, customer=customer, reason=label, created_at=created, resolved_at=resolved)] + [
            kpis.Visit(key=0, customer=customer, reason=other, created_at=at) for at, other in later[customer]
        ]
        came_back = pk in kpis.came_back(visits, days=fcr_days)
        histories.append(
            loyalty_figures.History(
                last_contact_at=created,
                first_contact_resolved=resolved is not None and reopens == 0 and not came_back,
                bad_experiences=bad[customer],
                returned_after_days=loyalty_figures.next_other_reason_days(created, label, later[customer]),
            )
        )
    groups = loyalty_figures.cohorts(histories, days=days, now=now)
    return LoyaltyReport(
        date_from=date_from,
        date_to=date_to,
        days=days,
        fcr_days=fcr_days,
        customers=len(histories),
        watched=sum(loyalty_figures.watched(h, days=days, now=now) for h in histories),
        cohorts=groups,
        proxy=_(
            "Customer activity (orders, renewals, cancellations) is not imported: “came back” means a new contact from "
            "the same customer on another contact reason within {days} days of their last contact in the range."
        ).format(days=days),
    )


# --- staffing: forecast per interval ---------------------------------------------------------------------------------


def staffing_forecast(
    *,
    actor: User,
    day: date,
    weeks: int = 4,
    interval_minutes: int = 60,
    channel: str = "phone",
    target_seconds: float = 20,
    target_level: float = 0.8,
    shrinkage: float = 0.0,
    aht_seconds: float | None = None,
) -> tuple[list[forecast_figures.IntervalRow], float]:
    """The intervals of `day` (local time): contacts forecast from the same weekday of the last `weeks` weeks, the
    agents Erlang C needs for them, and what the day's contacts show (contacts, distinct agents, abandons). AHT: the
    history's mean handle time unless given. Returns the rows and the AHT used."""
    if interval_minutes not in (15, 30, 60):
        raise ApplicationError(_("The interval must be 15, 30 or 60 minutes."))
    if not 1 <= weeks <= 26:
        raise ApplicationError(_("The history must be 1 to 26 weeks."))
    first = day - timedelta(weeks=weeks)
    rows = kpi_interactions(actor=actor, date_from=first, date_to=day, filters={"channel": channel} if channel else {})
    counts: dict[tuple[date, int], int] = defaultdict(int)
    today: dict[int, list[Any]] = defaultdict(lambda: [0, set(), 0, 0])
    handle_total, handled = 0.0, 0
    for created, agent_id, abandoned, queued, talk, hold, acw in rows.values_list(
        "created_at", "agent_id", "abandoned", "queued_at", "talk_seconds", "hold_seconds", "acw_seconds"
    ).iterator(chunk_size=5000):
        local = timezone.localtime(created)
        slot = (local.hour * 60 + local.minute) // interval_minutes * interval_minutes
        if local.date() == day:
            bucket = today[slot]
            bucket[0] += 1
            if agent_id is not None:
                bucket[1].add(agent_id)
            bucket[2] += bool(abandoned and queued)
            bucket[3] += queued is not None
        else:
            counts[(local.date(), slot)] += 1
            if not abandoned and any(p is not None for p in (talk, hold, acw)):
                handle_total += (talk or 0) + (hold or 0) + (acw or 0)
                handled += 1
    aht = aht_seconds or (handle_total / handled if handled else 180.0)
    slots = list(range(0, 24 * 60, interval_minutes))
    expected = forecast_figures.forecast(counts, day=day, weeks=weeks, slots=slots)
    actual = {slot: (b[0], len(b[1]), b[2], b[3]) for slot, b in today.items()}
    table = forecast_figures.staffing_rows(
        slots=slots,
        expected=expected,
        actual=actual,
        interval_seconds=interval_minutes * 60,
        aht_seconds=aht,
        target_seconds=target_seconds,
        target_level=target_level,
        shrinkage=shrinkage,
    )
    return [r for r in table if r.forecast or r.actual_contacts], round(aht, 1)
