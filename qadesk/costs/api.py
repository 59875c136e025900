"""Costs over the API: `GET /api/v1/costs/report`, and the cost model's rows (list and add) and their import.

Like the pages, only admins and managers; anyone else gets 404. Money is a decimal string ("1234.50")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qadesk.accounts.models import Agent, Site, Team, User
from qadesk.core.api import ErrorOut
from qadesk.core.errors import InvalidInput
from qadesk.costs.exports import cost_report_as_dict
from qadesk.costs.models import LabourCost, Revenue, SegmentCustomers, SupportCost
from qadesk.costs.querysets import sees_costs
from qadesk.costs.selectors import cost_report
from qadesk.costs.services import (
    costs_import,
    labour_cost_save,
    revenue_save,
    segment_customers_save,
    support_cost_save,
)

router = Router(tags=["costs"])
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]
LISTED = 500


def _reader(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not sees_costs(user):
        raise Http404
    return user


class ReportQuery(Schema):
    date_from: date | None = Field(None, alias="from", description="First day, inclusive; default: the last full month.")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive.")
    by: Literal["channel", "team", "site", "label", "phase"] = Field("channel", description="Split the cost per incident by.")


class GroupOut(Schema):
    key: str
    incidents_resolved: int
    handle_hours: str
    cost: str | None
    cost_per_incident: str | None


class SegmentOut(Schema):
    segment: str
    customers: int
    incidents_resolved: int
    cost_of_serving: str | None
    value: str | None
    value_source: str = Field(description="segment: its own margin; average: customers × margin per customer.")
    value_per_customer: str | None


class CostlyOut(Schema):
    customer: str
    segment: str
    incidents_resolved: int
    cost: str | None
    value: str | None


class MistakeOut(Schema):
    high_impact_errors_reviewed: int
    reviews: int
    errors_estimated: str
    repeat_cost: str | None
    complaint_cost: str | None
    lost_value: str | None
    total: str | None


class TelephonyMonthOut(Schema):
    month: str
    calls: int
    priced: int = Field(description="Calls with their own cost, or on a trunk with a tariff.")
    cost: str | None


class TelephonyOut(Schema):
    from_calls: list[TelephonyMonthOut] = Field(description="The months whose telephony is what their calls cost.")
    entered_not_counted: str | None = Field(description="The telephony entered for those months, left out.")


class MeasuredOut(Schema):
    with_error: int = Field(description="Reviewed contacts with a high-impact error (for the customer lost: watched 30 days).")
    with_error_events: int
    without_error: int
    without_error_events: int
    value: str | None = Field(description="The share with the event minus the share without; null: under 30 on a side.")


class CostReportOut(Schema):
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    by: str
    currency: str
    labour_cost: str | None
    other_costs: dict[str, str | None]
    telephony: TelephonyOut | None = Field(
        description="Where the call records are priced, telephony comes from them; null: entered amounts only."
    )
    total_cost: str | None = Field(description="Labour + other support costs; null when nothing was entered.")
    agents_costed: int
    agents_without_cost: int
    contacts: int
    incidents_resolved: int
    cost_per_incident: str | None = Field(description="Total support cost / incidents resolved in the period.")
    cost_per_contact: str | None
    labour_share: str | None
    groups: list[GroupOut]
    revenue: str | None
    gross_margin: str | None
    margin_after_support: str | None
    support_to_margin: str | None
    customers: int | None
    clv_seed: str | None = Field(description="Gross margin / customers (seed 001's definition).")
    clv_conventional: str | None = Field(description="Monthly margin per customer × expected lifetime (1 / monthly churn).")
    lifetime_months: str | None
    segments: list[SegmentOut]
    costly_customers: list[CostlyOut] = Field(description="Cost of serving above value: for a person to decide.")
    mistake_cost: MistakeOut | None
    measured_assumptions: dict[str, MeasuredOut] | None = Field(
        description="The three probabilities as the period's reviewed contacts measure them; null: set values chosen."
    )
    assumptions: dict[str, str] = Field(description="What the mistake cost used: measured where measured, else set.")
    missing: list[str] = Field(description="What to enter for the figures that are null.")


@router.get("/report", response={200: CostReportOut, 404: ErrorOut, 422: ErrorOut}, by_alias=True, summary="Cost report")
def report(request: HttpRequest, query: Query[ReportQuery]) -> object:
    """Cost per incident (overall and by group), cost per contact, labour share, margin, customer value, costly
    customers and what high-impact errors cost (docs/value.md)."""
    return cost_report_as_dict(cost_report(actor=_reader(request), date_from=query.date_from, date_to=query.date_to, by=query.by))


def _one(model: type[Agent] | type[Team] | type[Site], pk: int | None, name: str) -> object:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(_("No {kind} with id {id}.").format(kind=model._meta.verbose_name, id=pk), field=("body", name))
    return found


class LabourIn(Schema):
    valid_from: date
    agent: int | None = Field(None, description="Agent id; or team, or site, or none for the organisation's default.")
    team: int | None = None
    site: int | None = None
    salary: Money
    overtime: Money = Decimal(0)
    benefits: Money = Decimal(0)
    taxes: Money = Decimal(0)
    other: Money = Decimal(0)
    paid_hours: Decimal = Field(Decimal(160), gt=0, le=Decimal("99999.99"), decimal_places=2)


class LabourOut(Schema):
    id: int
    valid_from: date
    agent_id: int | None
    team_id: int | None
    site_id: int | None
    salary: Decimal
    overtime: Decimal
    benefits: Decimal
    taxes: Decimal
    other: Decimal
    paid_hours: Decimal


@router.get("/labour", response={200: list[LabourOut], 404: ErrorOut}, summary="Labour cost records")
def labour_list(request: HttpRequest) -> object:
    return list(LabourCost.objects.visible_to(_reader(request))[:LISTED])


@router.post("/labour", response={201: LabourOut, 404: ErrorOut, 422: ErrorOut}, summary="Add a labour cost record")
def labour_create(request: HttpRequest, body: LabourIn) -> object:
    """A record for the same scope and date replaces the earlier one."""
    actor = _reader(request)
    data = body.dict(exclude={"agent", "team", "site"})
    scopes = {
        "agent": _one(Agent, body.agent, "agent"),
        "team": _one(Team, body.team, "team"),
        "site": _one(Site, body.site, "site"),
    }
    return 201, labour_cost_save(actor=actor, **data, **scopes)


class SupportIn(Schema):
    month: date = Field(description="Any day of the month.")
    category: Literal["tools", "telephony", "premises", "outsourcing", "other"]
    site: int | None = None
    amount: Money
    note: str = Field("", max_length=200)


class SupportOut(Schema):
    id: int
    month: date
    category: str
    site_id: int | None
    amount: Decimal
    note: str


@router.get("/support", response={200: list[SupportOut], 404: ErrorOut}, summary="Other support costs")
def support_list(request: HttpRequest) -> object:
    return list(SupportCost.objects.visible_to(_reader(request))[:LISTED])


@router.post("/support", response={201: SupportOut, 404: ErrorOut, 422: ErrorOut}, summary="Record a support cost")
def support_create(request: HttpRequest, body: SupportIn) -> object:
    """The same month, category and site replaces the earlier amount."""
    actor = _reader(request)
    return 201, support_cost_save(actor=actor, **body.dict(exclude={"site"}), site=_one(Site, body.site, "site"))


class RevenueIn(Schema):
    month: date = Field(description="Any day of the month.")
    revenue: Money
    gross_margin: Decimal = Field(ge=Decimal("-999999999999.99"), le=Decimal("999999999999.99"), decimal_places=2)


class RevenueOut(Schema):
    month: date
    revenue: Decimal
    gross_margin: Decimal


@router.get("/revenue", response={200: list[RevenueOut], 404: ErrorOut}, summary="Revenue and gross margin per month")
def revenue_list(request: HttpRequest) -> object:
    return list(Revenue.objects.visible_to(_reader(request))[:LISTED])


@router.post("/revenue", response={201: RevenueOut, 404: ErrorOut, 422: ErrorOut}, summary="Record a month's revenue")
def revenue_create(request: HttpRequest, body: RevenueIn) -> object:
    return 201, revenue_save(actor=_reader(request), **body.dict())


class SegmentIn(Schema):
    month: date = Field(description="Any day of the month.")
    segment: str = Field(min_length=1, max_length=50)
    customers: int = Field(ge=0, le=2_000_000_000)
    customers_lost: int | None = Field(None, ge=0, le=2_000_000_000)
    gross_margin: Decimal | None = Field(None, ge=Decimal("-999999999999.99"), le=Decimal("999999999999.99"), decimal_places=2)


class SegmentRowOut(Schema):
    month: date
    segment: str
    customers: int
    customers_lost: int | None
    gross_margin: Decimal | None


@router.get("/segments", response={200: list[SegmentRowOut], 404: ErrorOut}, summary="Customers per segment")
def segments_list(request: HttpRequest) -> object:
    return list(SegmentCustomers.objects.visible_to(_reader(request))[:LISTED])


@router.post("/segments", response={201: SegmentRowOut, 404: ErrorOut, 422: ErrorOut}, summary="Record a segment's customers")
def segments_create(request: HttpRequest, body: SegmentIn) -> object:
    return 201, segment_customers_save(actor=_reader(request), **body.dict())


class ImportIn(Schema):
    kind: Literal["labour", "support", "revenue", "segments"]
    rows: list[dict[str, str]] = Field(max_length=50_000, description="One object per row, by the file format's column names.")


class RowErrorOut(Schema):
    row: int = Field(description="The row as a file would number it: the first data row is 2.")
    field: str
    message: str


class ImportOut(Schema):
    saved: int
    errors: list[RowErrorOut]


@router.post("/import", response={200: ImportOut, 404: ErrorOut, 422: ErrorOut}, summary="Import cost rows")
def import_rows(request: HttpRequest, body: ImportIn) -> object:
    """All rows or none: with any error nothing is saved and every error is listed with its row and field."""
    result = costs_import(actor=_reader(request), kind=body.kind, rows=body.rows)
    return {"saved": result.saved, "errors": [e.__dict__ for e in result.errors]}
