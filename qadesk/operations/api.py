"""Operations over the API: `GET /api/v1/operations/kpis` (and its `/export`), the KPI targets, Erlang C staffing and
the forecast per interval with the agents needed against those who worked.

Like the pages, only admins, QA leads, managers and team leads (their team's contacts) read them; anyone else gets 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qadesk.accounts.models import Site, User
from qadesk.core.api import ErrorOut
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response
from qadesk.operations import erlang
from qadesk.operations.exports import kpi_report_table
from qadesk.operations.kpis import KpiSettings
from qadesk.operations.models import KpiTarget
from qadesk.operations.querysets import sees_operations
from qadesk.operations.selectors import FILTERS, KpiReport, cohort_label, kpi_report, loyalty, staffing_forecast
from qadesk.operations.services import target_delete, target_save

router = Router(tags=["operations"])

Grouping = Literal["channel", "site", "team", "agent", "label", "phase", "hour", "weekday", "day", "week", "month"]
KpiCode = Literal[
    "service_level",
    "asa_seconds",
    "abandonment_rate",
    "aht_seconds",
    "first_response_median",
    "resolution_median",
    "resolved_24h_rate",
    "fcr_rate",
    "reassignment_rate",
    "backlog",
]


def _reader(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not sees_operations(user):
        raise Http404
    return user


class ContactsQuery(Schema):
    """The contacts a KPI or loyalty figure reads: created in the range (local days), with the filters."""

    date_from: date | None = Field(None, alias="from", description="First day (by creation, local time), inclusive.")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive.")
    channel: str | None = Field(None, description="Channel code, e.g. phone.")
    site: str | None = Field(None, description="Site id or name.")
    team: str | None = Field(None, description="Team id or name.")
    agent: str | None = Field(None, description="Agent id or username (the last handler).")
    label: str | None = Field(None, description="Label id or code.")
    phase: str | None = Field(None, description="Journey phase code.")


class KpiQuery(ContactsQuery):
    by: Grouping = Field("team", description="Group by a dimension or a period (hour of day, weekday, day, week, month).")
    service_level_seconds: int = Field(20, ge=0, le=86400, description="Service level: answered within this many seconds.")
    short_abandon_seconds: int = Field(5, ge=0, le=3600, description="Abandons under this many seconds are short.")
    fcr_days: int = Field(7, ge=1, le=365, description="FCR: no new contact on the same reason within this many days.")
    exact: bool = Field(
        False,
        description="Compute every figure from the contacts. Otherwise, on PostgreSQL, the requests the daily rollup "
        "serves read it: the same counts and rates, medians and 90th percentiles within 0.5 % (`approximate`).",
    )


class FiguresOut(Schema):
    key: str
    label: str
    contacts: int
    offered: int = Field(description="Answered + abandoned (short abandons left out).")
    answered: int
    asa_seconds: float | None = Field(description="Σ wait before answer / answered.")
    wait_median: float | None
    wait_p90: float | None
    service_level: float | None = Field(description="Answered within T / offered, in percent.")
    service_level_low: float | None = Field(description="Wilson 95 % interval, in percent.")
    service_level_high: float | None
    abandoned: int
    short_abandoned: int
    abandonment_rate: float | None = Field(description="Abandoned / offered, in percent (short abandons apart).")
    abandonment_rate_low: float | None
    abandonment_rate_high: float | None
    handled: int
    aht_seconds: float | None = Field(description="Σ(talk + hold + after-contact work) / handled.")
    aht_median: float | None
    aht_p90: float | None
    talk_seconds: float | None
    hold_seconds: float | None
    acw_seconds: float | None
    replied: int
    first_response_mean: float | None = Field(description="Creation → first public agent reply, seconds.")
    first_response_median: float | None
    first_response_p90: float | None
    resolved: int
    resolution_mean: float | None = Field(description="Creation → resolution, calendar seconds.")
    resolution_median: float | None
    resolution_p90: float | None
    resolved_24h_rate: float | None
    resolved_24h_rate_low: float | None
    resolved_24h_rate_high: float | None
    fcr_decided: int = Field(description="Resolved at least fcr_days ago: FCR's denominator.")
    fcr_rate: float | None
    fcr_rate_low: float | None
    fcr_rate_high: float | None
    assigned: int
    reassigned: int
    reassignment_rate: float | None
    reassignment_rate_low: float | None
    reassignment_rate_high: float | None
    backlog: int = Field(description="Not resolved (nor abandoned) at as_of.")
    missed: list[str] = Field(description="KPIs whose target this group misses.")


class SettingsOut(Schema):
    service_level_seconds: int
    short_abandon_seconds: int
    fcr_days: int


class PathOut(Schema):
    from_team: str
    to_team: str
    label: str
    count: int


class TargetResultOut(Schema):
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
    periods: list[tuple[str, float | None, bool | None]] = Field(description="(period, figure, met) in time order.")
    met: int
    counted: int
    share_met: float | None
    missed_streak: int


class KpiReportOut(Schema):
    by: str
    date_from: date | None
    date_to: date | None
    filters: dict[str, str]
    settings: SettingsOut
    as_of: datetime
    totals: FiguresOut
    groups: list[FiguresOut]
    paths: list[PathOut]
    targets: list[TargetResultOut]
    approximate: bool = Field(
        description="True: read from the daily rollup, medians and 90th percentiles within 0.5 % (log buckets); "
        "counts, sums and rates exact. False: every figure computed from the contacts."
    )


def _report(request: HttpRequest, query: KpiQuery) -> KpiReport:
    return kpi_report(
        actor=_reader(request),
        by=query.by,
        date_from=query.date_from,
        date_to=query.date_to,
        filters={name: getattr(query, name) for name in FILTERS},
        settings=KpiSettings(
            service_level_seconds=query.service_level_seconds,
            short_abandon_seconds=query.short_abandon_seconds,
            fcr_days=query.fcr_days,
        ),
        exact=query.exact,
    )


@router.get("/kpis", response={200: KpiReportOut, 400: ErrorOut, 404: ErrorOut}, summary="Operational KPI report")
def kpis(request: HttpRequest, query: Query[KpiQuery]) -> object:
    """Wait, ASA, service level, abandonment, AHT, first response, resolution, FCR, reassignment, backlog per group,
    with medians, 90th percentiles and Wilson intervals; targets met per period; reassignment paths (docs/operations.md)."""
    return _report(request, query)


@router.get("/kpis/export", openapi_extra=EXPORT_OPENAPI, summary="Operational KPI report as CSV or xlsx")
def kpis_export(request: HttpRequest, query: Query[KpiQuery], format: ExportFormat = "csv") -> HttpResponseBase:
    """The group table of `GET /operations/kpis` (same query), the totals last."""
    return export_response(kpi_report_table(_report(request, query)), fmt=format)


class LoyaltyQuery(ContactsQuery):
    days: int = Field(30, ge=1, le=365, description="Return window: a new contact on another reason within this many days.")
    fcr_days: int = Field(7, ge=1, le=90, description="FCR: no new contact on the same reason within this many days.")


class CohortOut(Schema):
    key: Literal["fcr", "not_fcr", "bad_0", "bad_1", "bad_repeated"]
    label: str
    customers: int
    returned: int = Field(description="Came back on another contact reason within `days` days of their last contact.")
    return_rate: float | None = Field(description="Returned / customers, in percent.")
    return_rate_low: float | None = Field(description="Wilson 95 % interval, in percent.")
    return_rate_high: float | None
    curve: list[float] = Field(description="Share returned by the end of day 1, 2, … `days` (cumulative, percent).")


class LoyaltyOut(Schema):
    date_from: date | None
    date_to: date | None
    days: int
    fcr_days: int
    customers: int = Field(description="Customers with a contact in the range.")
    watched: int = Field(description="… whose last contact is at least `days` old (the only ones counted).")
    cohorts: list[CohortOut]
    proxy: str = Field(description="What “came back” stands for while customer activity is not imported.")


@router.get("/loyalty", response={200: LoyaltyOut, 400: ErrorOut, 404: ErrorOut}, summary="Does resolution bring loyalty?")
def loyalty_report(request: HttpRequest, query: Query[LoyaltyQuery]) -> object:
    """Customers resolved at first contact vs not, and with no, one or repeated bad experiences: the share who came
    back within `days` days, with Wilson intervals and the return curve (docs/operations.md, "Loyalty")."""
    report = loyalty(
        actor=_reader(request),
        date_from=query.date_from,
        date_to=query.date_to,
        days=query.days,
        fcr_days=query.fcr_days,
        filters={name: getattr(query, name) for name in FILTERS},
    )
    return report.__dict__ | {"cohorts": [c.__dict__ | {"label": cohort_label(c.key)} for c in report.cohorts]}


class TargetIn(Schema):
    kpi: KpiCode
    value: float = Field(ge=0, le=1e12)
    channel: Literal["", "phone", "email", "chat", "social", "self_service"] = ""
    site: int | None = Field(None, description="Site id; empty: every site.")
    period: Literal["day", "week", "month"] = "week"
    threshold_seconds: int = Field(20, ge=0, le=86400, description="For service_level: answered within T seconds.")
    alert_after: int = Field(2, ge=1, le=52, description="Notify after this many missed periods in a row.")


class TargetOut(Schema):
    id: int
    kpi: str
    value: float
    channel: str
    site_id: int | None
    period: str
    threshold_seconds: int
    alert_after: int


@router.get("/targets", response={200: list[TargetOut], 404: ErrorOut}, summary="KPI targets")
def targets(request: HttpRequest) -> object:
    return list(KpiTarget.objects.visible_to(_reader(request)))


@router.post("/targets", response={201: TargetOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Set a KPI target")
def target_create(request: HttpRequest, body: TargetIn) -> object:
    """Admins, QA leads and managers; one target per KPI, channel, site and period (a second answers 400)."""
    actor = _reader(request)
    return 201, target_save(actor=actor, site=_site(body.site), **body.dict(exclude={"site"}))


@router.put(
    "/targets/{target_id}", response={200: TargetOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Change a KPI target"
)
def target_change(request: HttpRequest, target_id: int, body: TargetIn) -> object:
    """Admins, QA leads and managers; the same checks as a new target (a clash with another answers 400)."""
    actor = _reader(request)
    target = get_object_or_404(KpiTarget.objects.visible_to(actor), pk=target_id)
    return target_save(actor=actor, site=_site(body.site), target=target, **body.dict(exclude={"site"}))


def _site(pk: int | None) -> Site | None:
    if pk is None:
        return None
    site = Site.objects.filter(pk=pk).first()
    if site is None:
        raise InvalidInput(_("No site with id {id}.").format(id=pk), field=("body", "site"))
    return site


@router.delete("/targets/{target_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Remove a KPI target")
def target_remove(request: HttpRequest, target_id: int) -> object:
    actor = _reader(request)
    target_delete(actor=actor, target=get_object_or_404(KpiTarget.objects.visible_to(actor), pk=target_id))
    return 204, None


class ErlangQuery(Schema):
    calls: float = Field(ge=0, le=1_000_000, description="Contacts arriving in the interval.")
    interval_minutes: int = Field(30, ge=1, le=1440)
    aht_seconds: float = Field(gt=0, le=86400)
    target_seconds: float = Field(20, ge=0, le=86400, description="Answered within this many seconds…")
    target_level: float = Field(0.8, gt=0, lt=1, description="…for this share of contacts (0.8 = 80 %).")
    shrinkage: float = Field(0.0, ge=0, lt=1, description="Share of scheduled time away from the queue.")
    max_occupancy: float = Field(1.0, gt=0, le=1, description="Busy share of an agent's time at most.")
    agents: int | None = Field(None, ge=1, le=100_000, description="Figures for this many agents instead of the agents needed.")


class StaffingOut(Schema):
    traffic_erlangs: float
    agents: int
    agents_with_shrinkage: int
    probability_wait: float
    service_level: float
    asa_seconds: float | None = Field(description="Null when the agents cannot keep up (agents ≤ traffic).")
    occupancy: float


@router.get("/staffing/erlang", response={200: StaffingOut, 400: ErrorOut, 404: ErrorOut}, summary="Erlang C staffing")
def staffing_erlang(request: HttpRequest, query: Query[ErlangQuery]) -> object:
    """Agents needed for the service level (and the occupancy cap), with shrinkage; or the figures for `agents`."""
    _reader(request)
    try:
        result = erlang.staffing(
            calls=query.calls,
            interval_seconds=query.interval_minutes * 60,
            aht_seconds=query.aht_seconds,
            target_seconds=query.target_seconds,
            target_level=query.target_level,
            shrinkage=query.shrinkage,
            max_occupancy=query.max_occupancy,
            agents=query.agents,
        )
    except ValueError as exc:
        raise ApplicationError(_("No staffing of up to 100,000 agents meets these figures.")) from exc
    data = result.__dict__ | {"asa_seconds": None if result.asa_seconds == float("inf") else result.asa_seconds}
    return data


class ForecastQuery(Schema):
    day: date = Field(description="The day to staff (local time).")
    weeks: int = Field(4, ge=1, le=26, description="History: the same weekday over this many weeks before the day.")
    interval_minutes: int = Field(60, description="15, 30 or 60.")
    channel: str = Field("phone", max_length=20, description="Only this channel's contacts; empty for all.")
    target_seconds: float = Field(20, ge=0, le=86400, description="Answered within this many seconds…")
    target_level: float = Field(0.8, gt=0, lt=1, description="…for this share of contacts (0.8 = 80 %).")
    shrinkage: float = Field(0.0, ge=0, lt=1, description="Share of scheduled time away from the queue.")
    aht_seconds: float | None = Field(None, gt=0, le=86400, description="Handle time; default: the history's mean.")


class IntervalOut(Schema):
    time: str = Field(description="The interval's start, HH:MM local time.")
    forecast: float = Field(description="Contacts expected: the mean of the same interval on the same weekday.")
    needed: int = Field(description="Agents Erlang C needs for the forecast.")
    needed_with_shrinkage: int
    actual_contacts: int
    logged_in: int = Field(description="Distinct agents who handled the interval's contacts (no roster yet).")
    abandoned: int
    abandonment_rate: float | None = Field(description="Percent of the interval's queued contacts.")
    under_staffed: bool = Field(description="Fewer agents worked than Erlang C asks for.")


class ForecastOut(Schema):
    day: date
    aht_seconds: float
    intervals: list[IntervalOut]


@router.get(
    "/staffing/forecast",
    response={200: ForecastOut, 400: ErrorOut, 404: ErrorOut},
    summary="Forecast and staffing per interval",
)
def staffing_forecast_read(request: HttpRequest, query: Query[ForecastQuery]) -> object:
    """Per interval of the day: the contacts forecast from history, the agents Erlang C needs, and what the day's
    contacts show (contacts, agents who handled them, abandons); intervals with neither are left out."""
    actor = _reader(request)
    rows, aht = staffing_forecast(
        actor=actor,
        day=query.day,
        weeks=query.weeks,
        interval_minutes=query.interval_minutes,
        channel=query.channel,
        target_seconds=query.target_seconds,
        target_level=query.target_level,
        shrinkage=query.shrinkage,
        aht_seconds=query.aht_seconds,
    )
    return {"day": query.day, "aht_seconds": aht, "intervals": [r.__dict__ | {"time": r.time} for r in rows]}
