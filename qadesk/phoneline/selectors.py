"""Reads of the phone line: the delivery figures per queue, trunk, month or interval of the day, and the monthly
compliance of each reasonable level. The numbers come from the pure functions in figures.py."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)  # fmt: skip
from django.db.models.functions import Coalesce, ExtractHour, ExtractMinute, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.days import day_start, next_day_start
from qadesk.core.errors import ApplicationError
from qadesk.imports.writers import without_jit
from qadesk.phoneline import figures as fig
from qadesk.phoneline.models import CallRecord, DeliveryLevel, Outcome, Parameter, Tariff

GROUPINGS = ("queue", "trunk", "month", "interval")
COLUMNS = (
    "queue", "trunk", "offered_at", "outcome", "wait_seconds", "talk_seconds", "hold_seconds", "mos", "noisy", "cost",
)  # fmt: skip


@dataclass(frozen=True)
class PhoneReport:
    by: str
    groups: list[tuple[str, fig.Figures]]
    total: fig.Figures
    mos_below: float


@dataclass(frozen=True)
class ComplianceRow:
    level: DeliveryLevel
    cells: list[tuple[date, float | None, bool | None]]  # month, measured value, met (None: nothing measured)

    @property
    def kept(self) -> int:
        return sum(1 for _m, _v, met in self.cells if met)

    @property
    def judged(self) -> int:
        return sum(1 for _m, _v, met in self.cells if met is not None)


@dataclass(frozen=True)
class MonthCalls:
    """What one month's call records cost (for the costs page's telephony): the calls, those priced (an own cost, or
    a trunk with a tariff), and their cost — each call's own cost, else its billed minutes × its trunk's tariff."""

    month: date
    calls: int
    priced: int
    cost: Decimal


def call_costs_by_month(start: datetime, end: datetime) -> list[MonthCalls]:
    """The cost of the calls offered from `start` (included) to `end` (excluded), per local month, by the rule of
    figures.call_cost in Decimal: one GROUP BY month and trunk, the tariffs applied here. Every call record counts
    (costs are the organisation's: the caller checks who may see them)."""
    billed = Case(
        When(outcome__in=[Outcome.BUSY, Outcome.BLOCKED], then=Value(0)),
        default=Coalesce("wait_seconds", Value(0)) + Coalesce("talk_seconds", Value(0)) + Coalesce("hold_seconds", Value(0)),
        output_field=IntegerField(),
    )
    own = Q(cost__isnull=False)
    rows = (
        CallRecord.objects.filter(offered_at__gte=start, offered_at__lt=end)
        .values(month=TruncMonth("offered_at", output_field=DateField()), line=F("trunk"))
        .annotate(calls=Count("id"), costed=Count("id", filter=own), own=Sum("cost"), billed=Sum(billed, filter=~own))
        .order_by("month", "line")
    )
    rates = {t.trunk: t.per_minute for t in Tariff.objects.all()}
    months: dict[date, list[Any]] = {}
    for row in rows:
        month = months.setdefault(row["month"], [0, 0, Decimal(0)])
        rate = rates.get(row["line"])
        month[0] += row["calls"]
        month[1] += row["calls"] if rate is not None else row["costed"]
        month[2] += (row["own"] or Decimal(0)) + (Decimal(row["billed"] or 0) / 60 * rate if rate is not None else 0)
    return [MonthCalls(month, calls, priced, cost) for month, (calls, priced, cost) in sorted(months.items())]


def tariffs() -> dict[str, float]:
    return {t.trunk: float(t.per_minute) for t in Tariff.objects.all()}


# False: the reports load the calls into Python and compute with the pure functions, as they did before the database
# summed them (the tests and benchmarks/phone_report.py compare both paths).
IN_DATABASE = True


def _rows(actor: User, date_from: date | None, date_to: date | None) -> QuerySet[CallRecord]:
    """The calls `actor` sees offered from `date_from` to `date_to`, local days inclusive (bounds as instants, so the
    index on offered_at serves and no row's time is converted to filter)."""
    rows = CallRecord.objects.visible_to(actor)
    if date_from:
        rows = rows.filter(offered_at__gte=day_start(date_from))
    if date_to:
        rows = rows.filter(offered_at__lt=next_day_start(date_to))
    return rows.order_by()


def _calls(actor: User, date_from: date | None, date_to: date | None) -> list[fig.Call]:
    zone = timezone.get_current_timezone()
    return [
        fig.Call(
            queue=queue,
            trunk=trunk,
            offered_at=offered.astimezone(zone),
            outcome=outcome,
            wait_seconds=wait,
            talk_seconds=talk,
            hold_seconds=hold,
            mos=mos,
            noisy=noisy,
            cost=float(cost) if cost is not None else None,
        )
        for queue, trunk, offered, outcome, wait, talk, hold, mos, noisy, cost in _rows(actor, date_from, date_to).values_list(
            *COLUMNS
        )
    ]


_SUMS = ("attempts", "wait", "talk", "hold", "billed_unpriced", "own_cost", "measured_mos", "low_mos", "mos_total",
         "noise_known", "noisy")  # fmt: skip
_BILLED = Coalesce("wait_seconds", Value(0)) + Coalesce("talk_seconds", Value(0)) + Coalesce("hold_seconds", Value(0))
QUARTER = 900  # seconds: the interval of the day is summed per quarter hour, the finest interval the report offers


class QuarterOfDay(Func):
    """The quarter hour of the UTC day an instant falls in, as the time from midnight to the quarter's start: integer
    arithmetic on the stored instant (date_bin on PostgreSQL, the Unix time on SQLite), no time zone looked up per row.
    Plus an offset that is a whole number of quarter hours, it is the local quarter hour. On PostgreSQL the expression
    is the one migration 0002 keeps statistics on: change both together."""

    output_field = DurationField()
    arity = 1

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        instant, params = compiler.compile(self.source_expressions[0])
        origin = "TIMESTAMPTZ '2000-01-01 00:00+00'"
        sql = f"(date_bin(INTERVAL '15 minutes', {instant}, {origin}) - date_bin(INTERVAL '1 day', {instant}, {origin}))"
        return sql, (*params, *params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # a duration is microseconds there
        seconds = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"  # before 1970 negative: % keeps the sign
        template = f"(({seconds} %%%% 86400 + 86400) %%%% 86400 / {QUARTER} * {QUARTER * 1_000_000})"
        return self.as_sql(compiler, connection, template=template, **extra)


def _summed(
    rows: QuerySet[CallRecord], dimensions: dict[str, Any], *, prices: dict[str, float], mos_below: float
) -> list[tuple[tuple[Any, ...], fig.Sums]]:
    """The counts and sums of `rows` per value of `dimensions` (name: expression) in one GROUP BY in the database.

    Grouped by outcome and trunk too, so that no aggregate tests the outcome row by row (busy and blocked calls count
    as attempts only, answered ones add their wait; the rest as figures.call_sums) and so that the calls without a
    cost of their own are priced by their trunk's tariff here: a call's cost is its own, else its billed seconds / 60
    × the tariff (figures.call_cost), so Σ cost = Σ own + Σ billed of the unpriced / 60 × tariff."""
    aggregates = {
        "attempts": Count("*"),
        "wait": Sum("wait_seconds"),
        "talk": Sum("talk_seconds"),
        "hold": Sum("hold_seconds"),
        "billed_unpriced": Sum(_BILLED, filter=Q(cost__isnull=True), output_field=IntegerField()),
        "own_cost": Sum("cost"),
        "measured_mos": Count("mos"),
        "low_mos": Count("id", filter=Q(mos__lt=mos_below)),
        "mos_total": Sum("mos"),
        "noise_known": Count("noisy"),
        "noisy": Count("id", filter=Q(noisy=True)),
    }
    query = (
        rows.values(**dimensions, line=F("trunk"), result=F("outcome"))
        .annotate(**aggregates)
        .values_list(*dimensions, "line", "result", *_SUMS)
    )
    with transaction.atomic(), without_jit(connection):  # compiling would cost more than the scan (PostgreSQL)
        fetched = list(query)
    out = []
    width = len(dimensions)
    for row in fetched:
        line, outcome = row[width], row[width + 1]
        v = dict(zip(_SUMS, row[width + 2 :], strict=True))
        if outcome in (Outcome.BUSY, Outcome.BLOCKED):
            sums = fig.Sums(attempts=v["attempts"], busy=v["attempts"])
        else:
            own = v["own_cost"]
            sums = fig.Sums(
                attempts=v["attempts"],
                connected=v["attempts"],
                answered=v["attempts"] if outcome == Outcome.ANSWERED else 0,
                abandoned=v["attempts"] if outcome == Outcome.ABANDONED else 0,
                wait_total=(v["wait"] or 0) if outcome == Outcome.ANSWERED else 0,
                measured_mos=v["measured_mos"],
                low_mos=v["low_mos"],
                mos_total=v["mos_total"] or 0.0,
                noise_known=v["noise_known"],
                noisy=v["noisy"],
                billed_seconds=(v["wait"] or 0) + (v["talk"] or 0) + (v["hold"] or 0),
                cost=(float(own) if own is not None else 0.0) + (v["billed_unpriced"] or 0) / 60 * prices.get(line, 0.0),
            )
        out.append((tuple(row[:width]), sums))
    return out


def _span(rows: QuerySet[CallRecord], date_from: date | None, date_to: date | None) -> tuple[datetime, datetime] | None:
    """The instants the calls of a report lie within: the days asked, or the first and last call's (one look at the
    index); None when there is none."""
    if date_from and date_to:
        return day_start(date_from), next_day_start(date_to)
    first, last = rows.aggregate(first=Min("offered_at"), last=Max("offered_at")).values()
    if first is None:
        return None
    return (day_start(date_from) if date_from else first), (next_day_start(date_to) if date_to else last + timedelta(seconds=1))


def _month_starts(start: datetime, end: datetime) -> list[datetime]:
    """The local months from `start`'s to `end`'s, each as the instant it starts (local midnight of its first day)."""
    zone = timezone.get_current_timezone()
    month = fig.month_start(start.astimezone(zone))
    firsts = []
    while True:
        firsts.append(day_start(month))
        if firsts[-1] >= end:
            return firsts
        month = fig.month_start(month + timedelta(days=31))


def _offsets(start: datetime, end: datetime) -> list[tuple[datetime, int]] | None:
    """The zone's offsets from UTC between `start` and `end`: (the instant each stops applying, seconds), the last
    until `end`; None when one is not a whole number of quarter hours (the report then converts each call's time)."""
    zone = timezone.get_current_timezone()

    def offset(epoch: float) -> int:
        return int(datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset().total_seconds())  # type: ignore[union-attr]

    periods: list[tuple[datetime, int]] = []
    at, stop = math.floor(start.timestamp()), math.ceil(end.timestamp())
    current = offset(at)
    while at < stop:
        step = min(at + 86400, stop)
        if offset(step) == current:
            at = step
            continue
        low, high = at, step  # the change is at a whole second after `low`, at or before `high`
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset(middle) == current else (low, middle)
        periods.append((datetime.fromtimestamp(high, UTC), current))
        at, current = high, offset(high)
    periods.append((end, current))
    if any(seconds % QUARTER for _end, seconds in periods):
        return None
    return periods


def _before(ends: list[datetime]) -> Case:
    """The number of the first of `ends` an instant is before: its month or period, compared on the stored instant."""
    return Case(*(When(offered_at__lt=end, then=Value(i)) for i, end in enumerate(ends)), default=Value(len(ends)))


def _grouped_in_database(
    actor: User, by: str, date_from: date | None, date_to: date | None, *, mos_below: float, interval_minutes: int
) -> tuple[dict[str, fig.Figures], fig.Figures]:
    rows = _rows(actor, date_from, date_to)
    span = _span(rows, date_from, date_to) if by in ("month", "interval") else None
    label: Callable[[tuple[Any, ...]], str]
    parts: list[tuple[QuerySet[CallRecord], dict[str, Any], Callable[[tuple[Any, ...]], str]]] = []
    if by in ("queue", "trunk"):
        label = (lambda v: str(v[0])) if by == "queue" else (lambda v: str(v[0]) or "—")
        parts.append((rows, {"k": F(by)}, label))
    elif span is None:
        parts.append((rows, {}, lambda v: ""))  # no calls: only the total, which is empty
    elif by == "month":
        firsts = _month_starts(*span)
        zone = timezone.get_current_timezone()
        label = lambda v: firsts[v[0]].astimezone(zone).strftime("%Y-%m")  # noqa: E731
        parts.append((rows, {"k": _before(firsts[1:])}, label))
    elif (periods := _offsets(*span)) is not None:
        # One query per stretch of time with one offset from UTC (one unless the range spans a daylight-saving
        # change): grouped by the UTC quarter hour of the day, which PostgreSQL has statistics on (migration 0002), so
        # it expects 96 groups and sums in parallel; the offset moves each quarter to the local one.
        begin = span[0]
        for end, offset in periods:
            label = lambda v, offset=offset: fig.interval_start(  # type: ignore[misc]  # noqa: E731
                (int(v[0].total_seconds()) + offset) % 86400 // 60, interval_minutes
            )
            part = rows.filter(offered_at__gte=begin, offered_at__lt=end)
            parts.append((part, {"k": QuarterOfDay("offered_at")}, label))
            begin = end
    else:  # a zone with an offset in odd minutes: each call's local time, converted in the database
        label = lambda v: fig.interval_start(v[0] * 60 + v[1], interval_minutes)  # noqa: E731
        parts.append((rows, {"k": ExtractHour("offered_at"), "m": ExtractMinute("offered_at")}, label))
    groups: dict[str, fig.Sums] = {}
    total = fig.Sums()
    prices = tariffs()
    for part, dimensions, label in parts:
        for values, sums in _summed(part, dimensions, prices=prices, mos_below=mos_below):
            if dimensions:
                groups.setdefault(label(values), fig.Sums()).add(sums)
            total.add(sums)
    return {key: fig.from_sums(groups[key]) for key in sorted(groups)}, fig.from_sums(total)


def _key(by: str, interval_minutes: int) -> Callable[[fig.Call], str]:
    if by == "queue":
        return lambda call: call.queue
    if by == "trunk":
        return lambda call: call.trunk or "—"
    if by == "month":
        return lambda call: call.offered_at.strftime("%Y-%m")
    return fig.interval_key(interval_minutes)


def phone_report(
    *,
    actor: User,
    by: str = "queue",
    date_from: date | None = None,
    date_to: date | None = None,
    mos_below: float = fig.DEFAULT_MOS_BELOW,
    interval_minutes: int = 60,
) -> PhoneReport:
    """The delivery figures of the calls offered from `date_from` to `date_to` (local days, inclusive), per group: the
    counts and sums from one GROUP BY in the database, the figures from them by figures.from_sums."""
    if by not in GROUPINGS:
        raise ApplicationError(_("Unknown grouping “{by}”.").format(by=by))
    if interval_minutes not in (15, 30, 60):
        raise ApplicationError(_("The interval must be 15, 30 or 60 minutes."))
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The first day is after the last day."))
    if IN_DATABASE:
        groups, total = _grouped_in_database(
            actor, by, date_from, date_to, mos_below=mos_below, interval_minutes=interval_minutes
        )
        return PhoneReport(by=by, groups=list(groups.items()), total=total, mos_below=mos_below)
    calls, prices = _calls(actor, date_from, date_to), tariffs()
    groups = fig.grouped(calls, _key(by, interval_minutes), tariffs=prices, mos_below=mos_below)
    return PhoneReport(
        by=by, groups=list(groups.items()), total=fig.figures(calls, tariffs=prices, mos_below=mos_below), mos_below=mos_below
    )


def months_before(today: date, count: int) -> list[date]:
    """The first days of the `count` months ending with `today`'s, oldest first."""
    months, month = [], fig.month_start(today)
    for _i in range(count):
        months.append(month)
        month = fig.month_start(date.fromordinal(month.toordinal() - 1))
    return months[::-1]


def compliance(
    *, actor: User, months: int = 6, today: date | None = None, mos_below: float = fig.DEFAULT_MOS_BELOW
) -> tuple[list[date], list[ComplianceRow]]:
    """Each level's value per month (the current month so far included) and whether it was kept."""
    today = today or timezone.localdate()
    firsts = months_before(today, months)
    levels = list(DeliveryLevel.objects.visible_to(actor))
    if not levels:
        return firsts, []
    by_month = _sums_by_month(actor, firsts[0], today, mos_below=mos_below)
    rows = []
    for level in levels:
        cells: list[tuple[date, float | None, bool | None]] = []
        for month in firsts:
            values = fig.from_sums(by_month.get((level.queue, month), fig.Sums()))
            value = getattr(values, level.parameter)
            cells.append((month, value, fig.level_met(value, level.value)))
        rows.append(ComplianceRow(level=level, cells=cells))
    return firsts, rows


def _sums_by_month(actor: User, first: date, last: date, *, mos_below: float) -> dict[tuple[str, date], fig.Sums]:
    """The counts and sums per (queue, local month) and per ("", month) for all queues, of the calls from `first` to
    `last` (local days, inclusive)."""
    out: dict[tuple[str, date], fig.Sums] = {}
    if IN_DATABASE:
        firsts = _month_starts(day_start(first), next_day_start(last))
        dimensions = {"k": _before(firsts[1:]), "q": F("queue")}
        zone = timezone.get_current_timezone()
        for (number, queue), sums in _summed(_rows(actor, first, last), dimensions, prices=tariffs(), mos_below=mos_below):
            month = fig.month_start(firsts[number].astimezone(zone))
            out.setdefault((queue, month), fig.Sums()).add(sums)
            out.setdefault(("", month), fig.Sums()).add(sums)
        return out
    calls, prices = _calls(actor, first, last), tariffs()
    by_month: dict[tuple[str, date], list[fig.Call]] = {}
    for call in calls:
        month = fig.month_start(call.offered_at)
        by_month.setdefault(("", month), []).append(call)
        by_month.setdefault((call.queue, month), []).append(call)
    return {key: fig.call_sums(group, tariffs=prices, mos_below=mos_below) for key, group in by_month.items()}


def parameter_label(code: str) -> str:
    return str(Parameter(code).label)
