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

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncDay, TruncMonth, TruncWeek
from django.utils import dates, timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.analytics.charts import period_label
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import ApplicationError
from qadesk.core.inputs import parse_id
from qadesk.interactions.models import Channel, Interaction, InteractionAgent, JourneyPhase, Label
from qadesk.operations import kpis
from qadesk.operations.kpis import KpiFigures, KpiSettings, KpiSums, ReassignmentPath, Spread
from qadesk.operations.models import KpiTarget
from qadesk.operations.querysets import sees_operations
from qadesk.operations.sql import EpochDays, PercentileCont, Seconds

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
) -> KpiReport:
    """The KPIs of the contacts the actor may see, per group (`by`), with totals, reassignment paths and targets."""
    if by not in GROUPINGS:
        raise ApplicationError(
            _("Unknown grouping “{by}”; choose one of: {choices}.").format(by=by, choices=", ".join(GROUPINGS))
        )
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The start date is after the end date."))
    settings = settings or KpiSettings()
    now = now or timezone.now()
    as_of = min(now, next_day_start(date_to)) if date_to else now
    clean_filters = {k: str(v).strip() for k, v in (filters or {}).items() if v not in (None, "")}
    rows = kpi_interactions(actor=actor, date_from=date_from, date_to=date_to, filters=clean_filters)
    groups, totals = _figures_by(rows, by=by, settings=settings, as_of=as_of, now=now, with_totals=True)
    targets = (
        target_results(actor=actor, date_from=date_from, date_to=date_to, filters=clean_filters, now=now) if with_targets else []
    )
    groups = [_with_missed(g, by=by, filters=clean_filters, targets=targets, settings=settings) for g in groups]
    return KpiReport(
        by=by,
        date_from=date_from,
        date_to=date_to,
        filters=clean_filters,
        settings=settings,
        as_of=as_of,
        totals=_with_missed(totals or _no_totals(), by="", filters=clean_filters, targets=targets, settings=settings),
        groups=groups,
        paths=reassignment_path_list(rows) if totals and totals.reassigned else [],
        targets=targets,
    )


def _annotated(rows: QuerySet[Interaction], *, settings: KpiSettings, now: datetime) -> QuerySet[Interaction]:
    """Each contact's own figures as nullable columns (kpis.py's per-contact functions, in SQL)."""
    came_back = Interaction.objects.annotate(at=EpochDays("created_at")).filter(
        customer_id=OuterRef("customer_id"),
        label_id=OuterRef("label_id"),
        at__gt=EpochDays(OuterRef("created_at")),
        at__lte=EpochDays(OuterRef("resolved_at")) + Value(float(settings.fcr_days)),
    )
    return _durations(rows).annotate(
        came_back=Case(
            When(Q(customer_id__isnull=False, label_id__isnull=False, resolved_at__isnull=False), then=Exists(came_back)),
            default=Value(False),
        ),
        # The last handler's position, one lookup of the (interaction, position) index: none = never assigned,
        # 1 or more = reassigned.
        last_handler=Subquery(
            InteractionAgent.objects.filter(interaction_id=OuterRef("pk")).order_by("-position").values("position")[:1]
        ),
    )


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


def _sums(settings: KpiSettings, as_of: datetime, now: datetime) -> dict[str, Any]:
    decided = Q(resolution__isnull=False, resolved_at__lte=now - timedelta(days=settings.fcr_days))
    queued_abandon = Q(abandoned=True, queued_at__isnull=False)
    handled = Q(handle__isnull=False)
    return {
        "contacts": Count("id"),
        "answered": Count("answer_wait"),
        "answered_within": Count("id", filter=Q(answer_wait__lte=settings.service_level_seconds)),
        "abandoned_all": Count("id", filter=queued_abandon),
        "short_abandoned": Count("id", filter=queued_abandon & Q(abandon_wait__lt=settings.short_abandon_seconds)),
        "wait_total": Sum("answer_wait"),
        "handled": Count("handle"),
        "handle_total": Sum("handle"),
        "talk_total": Sum("talk_seconds", filter=handled),
        "hold_total": Sum("hold_seconds", filter=handled),
        "acw_total": Sum("acw_seconds", filter=handled),
        "replied": Count("first_response"),
        "first_response_total": Sum("first_response"),
        "resolved": Count("resolution"),
        "resolution_total": Sum("resolution"),
        "resolved_24h": Count("id", filter=Q(resolution__lte=kpis.DAY_SECONDS)),
        "fcr_decided": Count("id", filter=decided),
        "fcr": Count("id", filter=decided & Q(reopens=0, came_back=False)),
        "assigned": Count("last_handler"),
        "reassigned": Count("id", filter=Q(last_handler__gte=1)),
        "backlog": Count(
            "id", filter=Q(created_at__lte=as_of, abandoned=False) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=as_of))
        ),
    }


def _percentiles() -> dict[str, Any]:
    return {
        f"{name}_{suffix}": PercentileCont(name, fraction)
        for name in DURATIONS
        for suffix, fraction in (("p50", 0.5), ("p90", 0.9))
    }


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
    with_totals: bool = False,
    spreads: bool = True,
) -> tuple[list[KpiFigures], KpiFigures | None]:
    """One GROUP BY: the figures of each group, in the grouping's natural order (periods in time, others by size);
    with_totals, also the figures of all of them: sums added up from the groups, percentiles from a second, light
    query over the durations alone (a median is not the sum of medians). Without `spreads`, no median or 90th
    percentile (a target on a mean or a rate needs none; on SQLite they cost a second pass over the contacts)."""
    keyed = _annotated(rows, settings=settings, now=now).annotate(group_key=_group_column(by)).order_by()
    grouped: Any = keyed.values("group_key")
    postgres = connection.vendor == "postgresql"
    aggregates = _sums(settings, as_of, now) | (_percentiles() if postgres and spreads else {})
    with _without_jit(postgres):
        found: list[dict[str, Any]] = list(grouped.annotate(**aggregates))
        total_spread = _total_spread(rows) if postgres and spreads and with_totals and found else {}
    in_python = not postgres and spreads and bool(found)
    python_spreads = _spreads_in_python(_durations(rows).annotate(group_key=_group_column(by))) if in_python else {}
    names = _names(by, [r["group_key"] for r in found])
    none = dict.fromkeys(DURATIONS, Spread())
    figures = []
    for row in found:
        key = _key(row["group_key"])
        if postgres and spreads:
            spread = {name: Spread(median=_round(row[f"{name}_p50"]), p90=_round(row[f"{name}_p90"])) for name in DURATIONS}
        else:
            spread = python_spreads.get(key) or none
        figures.append(_figures(key, names(row["group_key"]), _kpi_sums(row), spread))
    ordered = (
        sorted(figures, key=lambda f: (len(f.key), f.key))
        if by in PERIODS
        else sorted(figures, key=lambda f: (-f.contacts, f.label.casefold()))
    )
    if not with_totals:
        return ordered, None
    if not found:
        return ordered, _no_totals()
    every = total_spread or python_spreads.get(TOTAL) or none
    return ordered, _figures("", _("All contacts"), kpis.added([_kpi_sums(row) for row in found]), every)


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
        yield


def _total_spread(rows: QuerySet[Interaction]) -> dict[str, Spread]:
    """Medians and 90th percentiles of all the contacts' durations, in PostgreSQL (no per-contact subquery)."""
    found = _durations(rows).aggregate(**_percentiles())
    return {name: Spread(median=_round(found[f"{name}_p50"]), p90=_round(found[f"{name}_p90"])) for name in DURATIONS}


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
    """From team → to team, by label, over the reassigned contacts of the selection (most frequent first)."""
    reassigned = rows.filter(Exists(InteractionAgent.objects.filter(interaction_id=OuterRef("pk"), position__gte=1)))
    handlers = (
        InteractionAgent.objects.filter(interaction__in=reassigned.values("pk"))
        .order_by("interaction_id", "position")
        .values_list("interaction_id", "agent__team__name", "interaction__label__code")
    )
    none = _("(none)")
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
) -> list[TargetResult]:
    """Each target the actor may see, over the range: its figure per period, met or not, and the share met."""
    now = now or timezone.now()
    found = targets if targets is not None else list(KpiTarget.objects.visible_to(actor).select_related("site"))
    results = []
    computed: dict[tuple[str, int | None, str, int, bool], list[KpiFigures]] = {}  # targets of one scope share a query
    for target in found:
        scoped = {**(filters or {})}
        if target.channel:
            scoped["channel"] = target.channel
        if target.site_id:
            scoped["site"] = str(target.site_id)
        rows = kpi_interactions(actor=actor, date_from=date_from, date_to=date_to, filters=scoped)
        settings = target_settings(target)
        spreads = target.kpi in SPREAD_KPIS
        scope = (target.channel, target.site_id, target.period, settings.service_level_seconds, spreads)
        if scope not in computed:
            computed[scope] = _figures_by(rows, by=target.period, settings=settings, as_of=now, now=now, spreads=spreads)[0]
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
