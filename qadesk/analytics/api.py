"""Reports over the API: `GET /api/v1/reports/quality` returns the quality report the caller may see."""

from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qadesk.analytics.selectors import quality_report
from qadesk.core.api import ErrorOut

router = Router(tags=["reports"])


class QualityQuery(Schema):
    by: Literal["agent", "team", "site", "channel", "label", "phase", "period"] = "agent"
    date_from: date | None = Field(None, alias="from", description="First day (by submission date), inclusive.")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive.")
    period: Literal["day", "week", "month"] = Field("month", description="Bucket size when by=period.")
    agent: str | None = Field(None, description="Agent id or username.")
    team: str | None = Field(None, description="Team id or name (of the reviewed interaction).")
    site: str | None = Field(None, description="Site id or name.")
    channel: str | None = Field(None, description="Channel code, e.g. email.")
    label: str | None = Field(None, description="Label id or code.")
    phase: str | None = Field(None, description="Journey phase code.")
    as_originally_scored: bool = Field(False, description="Use scores as first submitted, before disputes revised them.")


class QualityGroupOut(Schema):
    key: str
    label: str
    n: int
    iqs: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool
    pass_rate: float | None
    high_impact_errors: int
    high_impact_per_100: float | None
    low_impact_errors: int
    low_impact_per_100: float | None


class CriterionAverageOut(Schema):
    scorecard: str
    code: str
    title: str
    impact: str
    n: int
    mean_score: float | None
    failures: int
    failures_per_100: float | None
    high_impact_errors: int
    low_impact_errors: int


class RootCauseOut(Schema):
    criterion_code: str
    criterion_title: str
    code: str
    title: str
    count: int


class QualityReportOut(Schema):
    by: str
    period: str
    date_from: date | None
    date_to: date | None
    filters: dict[str, str]
    pass_mark: float
    minimum_n: int
    as_originally_scored: bool
    totals: QualityGroupOut
    groups: list[QualityGroupOut]
    criteria: list[CriterionAverageOut]
    failed_criteria: list[CriterionAverageOut]
    root_causes: list[RootCauseOut]


FILTERS = ("agent", "team", "site", "channel", "label", "phase")


@router.get("/quality", response={200: QualityReportOut, 400: ErrorOut}, summary="Quality report")
def quality(request: HttpRequest, query: Query[QualityQuery]) -> object:
    """IQS with n and 95 % interval, pass rate and error rates per group; criterion averages; top failures and root causes.

    Only submitted reviews the caller may see count; groups below the minimum n are not conclusive and listed last."""
    return quality_report(
        actor=request.user,  # type: ignore[arg-type]
        by=query.by,
        date_from=query.date_from,
        date_to=query.date_to,
        period=query.period,
        filters={name: getattr(query, name) for name in FILTERS},
        as_originally_scored=query.as_originally_scored,
    )
