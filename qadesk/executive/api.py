"""The executive summary over the API: `GET /api/v1/executive`, the figures of the page (docs/executive.md).

Like the page, only managers and admins read it; anyone else gets 404."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from qadesk.accounts.models import User
from qadesk.core.api import ErrorOut
from qadesk.executive import figures
from qadesk.executive.figures import Change
from qadesk.executive.headlines import SECTIONS, UNIT_NAMES
from qadesk.executive.querysets import sees_executive
from qadesk.executive.selectors import ExecutiveSummary, HeadlineRow, executive_summary

router = Router(tags=["executive"])


def _reader(request: HttpRequest) -> User:
    """The caller when a manager or admin; for anyone else the summary does not exist (404), as on the page."""
    user: User = request.user  # type: ignore[assignment]
    if not sees_executive(user):
        raise Http404
    return user


class SummaryQuery(Schema):
    period: Literal["month", "week"] = Field("month", description="A calendar month or a week (Monday–Sunday).")
    day: date | None = Field(None, description="The period holding this day; empty: the last whole period.")


class ChangeOut(Schema):
    difference: float = Field(description="Current value − reference value, in the headline's unit (points for a %).")
    p_value: float | None = Field(description="Welch's t-test; null when a value has no sample behind it (not tested).")
    p_adjusted: float | None = Field(description="Benjamini–Hochberg over every headline of the same comparison.")
    significant: bool = Field(description="Adjusted p below 0.05.")
    better: bool | None = Field(description="In the headline's good direction; null when nothing changed.")


class MeasureOut(Schema):
    value: float
    n: int | None = Field(description="Units behind the value (reviews, answers, contacts); null when not given.")
    sd: float | None = Field(description="Their sample standard deviation.")


class BaselineOut(MeasureOut):
    period_from: date
    period_to: date


class HeadlineOut(Schema):
    code: str
    name: str
    definition: str
    section: str
    section_title: str
    unit: Literal["points", "percent", "per_100", "score", "seconds", "money"]
    unit_label: str
    direction: Literal["higher", "lower"] = Field(description="Which way is better.")
    available: bool = Field(description="False while the app providing the figure is not installed.")
    current: MeasureOut | None = Field(description="The period's value; null: no data (or not available).")
    target: float | None = Field(description="Quality planned.")
    target_met: bool | None
    previous: MeasureOut | None = Field(description="The previous period of the same kind.")
    change: ChangeOut | None = Field(description="From the previous period, tested.")
    baseline: BaselineOut | None
    baseline_change: ChangeOut | None = Field(description="From the baseline, tested.")
    series: list[float | None] = Field(description="The value over the periods of `series_periods`, oldest first.")


class PeriodOut(Schema):
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")


class SummaryOut(Schema):
    period: Literal["month", "week"]
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    previous_from: date
    previous_to: date
    headlines: list[HeadlineOut]
    significant: list[str] = Field(description="Codes of the headlines that changed significantly (previous or baseline).")
    series_periods: list[PeriodOut] = Field(description="The periods of each headline's series (the page's sparklines).")


def _change(change: Change | None) -> dict[str, object] | None:
    return None if change is None else change.__dict__


def _headline(row: HeadlineRow) -> dict[str, object]:
    h, baseline = row.headline, row.baseline
    return {
        "code": h.code,
        "name": str(h.name),
        "definition": str(h.definition),
        "section": h.section,
        "section_title": str(SECTIONS[h.section]),
        "unit": h.unit,
        "unit_label": str(UNIT_NAMES[h.unit]),
        "direction": h.direction,
        "available": row.available,
        "current": row.current,
        "target": row.target,
        "target_met": row.target_met,
        "previous": row.previous,
        "change": _change(row.change),
        "baseline": None
        if baseline is None
        else {
            "value": baseline.value,
            "n": baseline.n,
            "sd": baseline.sd,
            "period_from": baseline.period_start,
            "period_to": baseline.period_end,
        },
        "baseline_change": _change(row.baseline_change),
        "series": row.series,
    }


def _summary(summary: ExecutiveSummary, period: str) -> dict[str, object]:
    return {
        "period": period,
        "from": summary.start,
        "to": summary.end,
        "previous_from": summary.previous_start,
        "previous_to": summary.previous_end,
        "headlines": [_headline(r) for r in summary.rows],
        "significant": [r.code for r in summary.significant],
        "series_periods": [{"from": start, "to": end} for start, end in summary.series_periods],
    }


@router.get("", response={200: SummaryOut, 404: ErrorOut}, summary="Executive summary", by_alias=True)
def summary(request: HttpRequest, query: Query[SummaryQuery]) -> object:
    """Every headline over a month or a week (the last whole one by default): its value with the sample behind it, its
    target, the change from the previous period and from its baseline with Welch's test corrected by Benjamini–Hochberg,
    and its last 12 periods — the figures of the `/executive/` page (docs/executive.md)."""
    _reader(request)
    if query.day:
        start, end = figures.period_bounds(query.day, query.period)
    else:
        start, end = figures.last_complete_period(timezone.localdate(), query.period)
    return _summary(executive_summary(start=start, end=end, granularity=query.period), query.period)
