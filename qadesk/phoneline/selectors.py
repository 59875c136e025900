"""Reads of the phone line: the delivery figures per queue, trunk, month or interval of the day, and the monthly
compliance of each reasonable level. The numbers come from the pure functions in figures.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DateField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
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


def _calls(actor: User, date_from: date | None, date_to: date | None) -> list[fig.Call]:
    rows = CallRecord.objects.visible_to(actor)
    if date_from:
        rows = rows.filter(offered_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(offered_at__date__lte=date_to)
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
        for queue, trunk, offered, outcome, wait, talk, hold, mos, noisy, cost in rows.order_by().values_list(*COLUMNS)
    ]


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
    """The delivery figures of the calls offered from `date_from` to `date_to` (local days, inclusive), per group."""
    if by not in GROUPINGS:
        raise ApplicationError(_("Unknown grouping “{by}”.").format(by=by))
    if interval_minutes not in (15, 30, 60):
        raise ApplicationError(_("The interval must be 15, 30 or 60 minutes."))
    if date_from and date_to and date_from > date_to:
        raise ApplicationError(_("The first day is after the last day."))
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
    calls, prices = _calls(actor, firsts[0], today), tariffs()
    by_month: dict[tuple[str, date], list[fig.Call]] = {}
    for call in calls:
        month = fig.month_start(call.offered_at)
        by_month.setdefault(("", month), []).append(call)
        by_month.setdefault((call.queue, month), []).append(call)
    rows = []
    for level in levels:
        cells: list[tuple[date, float | None, bool | None]] = []
        for month in firsts:
            values = fig.figures(by_month.get((level.queue, month), []), tariffs=prices, mos_below=mos_below)
            value = getattr(values, level.parameter)
            cells.append((month, value, fig.level_met(value, level.value)))
        rows.append(ComplianceRow(level=level, cells=cells))
    return firsts, rows


def parameter_label(code: str) -> str:
    return str(Parameter(code).label)
