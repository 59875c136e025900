"""Reports over the API: `GET /api/v1/reports/quality` returns the quality report the caller may see; `precision`,
`discrepancies` and `reviewer-discrepancies` the honest statistics beside it (docs/statistics.md)."""

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema

from qadesk.analytics.exports import changes_table, precision_table, quality_report_table, reviewer_differences_table
from qadesk.analytics.selectors import discrepancies, precision_plan, quality_report, reviewer_discrepancies
from qadesk.core.api import ErrorOut
from qadesk.core.exports import EXPORT_OPENAPI, ExportFormat, export_response

router = Router(tags=["reports"])


class QualityQuery(Schema):
    by: str = Field(
        "agent",
        description="agent, team, site, channel, label, phase, period, or field:<key> for a declared custom field.",
        pattern=r"^(agent|team|site|channel|label|phase|period|field:[-a-zA-Z0-9_]{1,50})$",
    )
    date_from: date | None = Field(None, alias="from", description="First day (by submission date), inclusive.")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive.")
    period: Literal["day", "week", "month"] = Field("month", description="Bucket size when by=period.")
    agent: str | None = Field(None, description="Agent id or username.")
    team: str | None = Field(None, description="Team id or name (of the reviewed interaction).")
    site: str | None = Field(None, description="Site id or name.")
    channel: str | None = Field(None, description="Channel code, e.g. email.")
    label: str | None = Field(None, description="Label id or code.")
    phase: str | None = Field(None, description="Journey phase code.")
    reviewee: Literal["people", "bots"] | None = Field(None, description="Only reviews of people, or only of bots.")
    as_originally_scored: bool = Field(False, description="Use scores as first submitted, before disputes revised them.")


class QualityGroupOut(Schema):
    key: str
    label: str
    n: int
    iqs: float | None
    ci_low: float | None = Field(description="95 % interval of the IQS (two-part: Wilson × Student t; docs/statistics.md).")
    ci_high: float | None
    conclusive: bool = Field(description="n ≥ minimum_n and the interval at most max_interval_width points wide.")
    pass_rate: float | None
    pass_rate_low: float | None = Field(description="Wilson 95 % interval of the pass rate, in percent.")
    pass_rate_high: float | None
    high_impact_errors: int
    high_impact_per_100: float | None
    high_impact_per_100_low: float | None = Field(description="Exact Poisson (Garwood) 95 % interval, per 100 reviews.")
    high_impact_per_100_high: float | None
    low_impact_errors: int
    low_impact_per_100: float | None
    low_impact_per_100_low: float | None = Field(description="Exact Poisson (Garwood) 95 % interval, per 100 reviews.")
    low_impact_per_100_high: float | None
    rank: int | None = Field(None, description="1 = best IQS among conclusive groups; null when not conclusive or by=period.")


class CriterionAverageOut(Schema):
    scorecard: str
    code: str
    title: str
    impact: str
    n: int
    mean_score: float | None
    failures: int
    failures_per_100: float | None
    failures_per_100_low: float | None = Field(description="Wilson 95 % interval of failures per 100 reviews.")
    failures_per_100_high: float | None
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
    max_interval_width: float = Field(description="A conclusive group's 95 % interval is at most this many points wide.")
    as_originally_scored: bool
    totals: QualityGroupOut = Field(description="All reviews; its intervals account for clustering by agent and reviewer.")
    groups: list[QualityGroupOut]
    criteria: list[CriterionAverageOut]
    failed_criteria: list[CriterionAverageOut]
    root_causes: list[RootCauseOut]


FILTERS = ("agent", "team", "site", "channel", "label", "phase", "reviewee")


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


class RangeQuery(Schema):
    date_from: date | None = Field(None, alias="from", description="First day (by submission date), inclusive.")
    date_to: date | None = Field(None, alias="to", description="Last day, inclusive.")


class PrecisionQuery(RangeQuery):
    by: Literal["agent", "team"] = "agent"
    margin: float = Field(5.0, description="Wanted half-width of the 95 % interval, in score points.")


class PrecisionRowOut(Schema):
    key: str
    label: str
    n: int
    iqs: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    conclusive: bool
    half_width: float | None = Field(description="Half the current 95 % interval's width (null below 2 reviews).")
    reviews_needed: int | None = Field(
        description="Reviews whose 95 % interval is at most 2 × margin wide if scores keep their shape (100000: unreachable)."
    )
    more_needed: int | None = Field(description="max(0, reviews_needed − n).")


class PrecisionPlanOut(Schema):
    by: str
    margin: float
    date_from: date | None
    date_to: date | None
    minimum_n: int
    groups: list[PrecisionRowOut]


class DiscrepancyQuery(Schema):
    by: Literal["agent", "team"] = "agent"
    a_from: date = Field(description="Period A (before), first day.")
    a_to: date = Field(description="Period A, last day.")
    b_from: date = Field(description="Period B (after), first day.")
    b_to: date = Field(description="Period B, last day.")
    all: bool = Field(False, description="List every group compared, significant or not, to audit the p-values.")


class PeriodFiguresOut(Schema):
    n: int
    iqs: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


class DiscrepancyRowOut(Schema):
    key: str
    label: str
    a: PeriodFiguresOut
    b: PeriodFiguresOut
    change: float = Field(description="IQS in B minus IQS in A.")
    p_value: float = Field(description="Welch's t-test, two-sided, this group alone.")
    p_adjusted: float = Field(description="p adjusted for every group compared (Benjamini–Hochberg).")
    significant: bool = Field(description="p_adjusted < alpha (without all=true only these are listed).")


class DiscrepancyReportOut(Schema):
    by: str
    a_from: date
    a_to: date
    b_from: date
    b_to: date
    alpha: float
    correction: str = Field(description="How p-values are adjusted for the number of tests: benjamini-hochberg.")
    compared: int = Field(description="Groups with at least 2 reviews in both periods: the tests the correction counts.")
    include_all: bool
    groups: list[DiscrepancyRowOut]


class ReviewerDiscrepancyRowOut(Schema):
    reviewer_id: int
    reviewer: str
    reviews: int
    mean_difference: float = Field(
        description="Mean over shared agents of (reviewer's mean − the mean of the other reviewers' means); > 0 lenient."
    )
    shared_agents: int = Field(description="Agents this reviewer reviewed together with at least 2 other reviewers.")
    p_value: float = Field(description="Paired t-test of the differences against 0, two-sided, this reviewer alone.")
    p_adjusted: float = Field(description="p adjusted for every reviewer compared (Benjamini–Hochberg).")
    direction: Literal["lenient", "strict"]
    significant: bool = Field(description="p_adjusted < alpha (without all=true only these are listed).")


class ReviewerDiscrepancyReportOut(Schema):
    date_from: date | None
    date_to: date | None
    alpha: float
    correction: str = Field(description="How p-values are adjusted for the number of tests: benjamini-hochberg.")
    compared: int = Field(description="Reviewers sharing at least 2 agents with peers: the tests the correction counts.")
    include_all: bool
    min_reviewers: int = Field(description="An agent counts when at least this many reviewers reviewed them (2 peers).")
    reviewers: list[ReviewerDiscrepancyRowOut]


@router.get("/precision", response={200: PrecisionPlanOut, 400: ErrorOut}, summary="Reviews needed for a precision")
def precision(request: HttpRequest, query: Query[PrecisionQuery]) -> object:
    """Per agent or team: n, IQS, sd, 95 % interval, and how many more reviews know the IQS within ±margin points."""
    return precision_plan(
        actor=request.user,  # type: ignore[arg-type]
        by=query.by,
        margin=query.margin,
        date_from=query.date_from,
        date_to=query.date_to,
    )


@router.get("/discrepancies", response={200: DiscrepancyReportOut, 400: ErrorOut}, summary="Significant score changes")
def score_discrepancies(request: HttpRequest, query: Query[DiscrepancyQuery]) -> object:
    """Agents or teams whose IQS moved between period A and period B more than chance explains.

    Welch's t-test per group (an exact permutation test when neither period varies); listed when the p-value adjusted
    for every group compared (Benjamini–Hochberg) is below 0.05 (every group compared with all=true). Each group
    carries both p-values."""
    return discrepancies(
        actor=request.user,  # type: ignore[arg-type]
        by=query.by,
        period_a=(query.a_from, query.a_to),
        period_b=(query.b_from, query.b_to),
        include_all=query.all,
    )


class ReviewerDiscrepancyQuery(RangeQuery):
    all: bool = Field(False, description="List every reviewer compared, significant or not, to audit the p-values.")


@router.get(
    "/reviewer-discrepancies", response={200: ReviewerDiscrepancyReportOut, 400: ErrorOut}, summary="Reviewers unlike peers"
)
def reviewer_discrepancy_list(request: HttpRequest, query: Query[ReviewerDiscrepancyQuery]) -> object:
    """Reviewers whose scores for the same agents differ significantly from their peers'.

    Per agent reviewed by at least 3 reviewers: the reviewer's mean minus the mean of the other reviewers' means; a
    paired t-test per reviewer; listed when the p-value adjusted for every reviewer compared (Benjamini–Hochberg) is
    below 0.05 (every reviewer compared with all=true). Each reviewer carries both p-values."""
    return reviewer_discrepancies(
        actor=request.user,  # type: ignore[arg-type]
        date_from=query.date_from,
        date_to=query.date_to,
        include_all=query.all,
    )


# Downloads: each report's table as a file, with the same query as its JSON operation (`format=csv|xlsx`).


@router.get("/quality/export", openapi_extra=EXPORT_OPENAPI, summary="Quality report's group table as CSV or xlsx")
def quality_export(request: HttpRequest, query: Query[QualityQuery], format: ExportFormat = "csv") -> HttpResponseBase:
    """The group table of `GET /reports/quality` (same query)."""
    return export_response(quality_report_table(quality(request, query)), fmt=format)  # type: ignore[arg-type]


@router.get("/precision/export", openapi_extra=EXPORT_OPENAPI, summary="Reviews needed for a precision, as CSV or xlsx")
def precision_export(request: HttpRequest, query: Query[PrecisionQuery], format: ExportFormat = "csv") -> HttpResponseBase:
    """The groups of `GET /reports/precision` (same query)."""
    return export_response(precision_table(precision(request, query)), fmt=format)


@router.get("/discrepancies/export", openapi_extra=EXPORT_OPENAPI, summary="Significant score changes as CSV or xlsx")
def discrepancies_export(request: HttpRequest, query: Query[DiscrepancyQuery], format: ExportFormat = "csv") -> HttpResponseBase:
    """The groups of `GET /reports/discrepancies` (same query)."""
    return export_response(changes_table(score_discrepancies(request, query)), fmt=format)


@router.get("/reviewer-discrepancies/export", openapi_extra=EXPORT_OPENAPI, summary="Reviewers unlike peers, as CSV or xlsx")
def reviewer_discrepancies_export(
    request: HttpRequest, query: Query[ReviewerDiscrepancyQuery], format: ExportFormat = "csv"
) -> HttpResponseBase:
    """The reviewers of `GET /reports/reviewer-discrepancies` (same query), by name."""
    return export_response(reviewer_differences_table(reviewer_discrepancy_list(request, query)), fmt=format)
