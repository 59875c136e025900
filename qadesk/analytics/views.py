"""Thin views: parse the request, call one selector or service, render."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.analytics.charts import period_series, period_starts
from qadesk.analytics.exports import (
    STATISTICS_TABLES,
    changes_table,
    precision_table,
    quality_report_table,
    reviewer_differences_table,
)
from qadesk.analytics.forms import QualityReportForm, StatisticsForm
from qadesk.analytics.selectors import QualityReport, discrepancies, precision_plan, quality_report, reviewer_discrepancies
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import Table, page_export

COMPARE_LINES = 8  # lines one chart can show and still be read


@login_required
def quality(request: HttpRequest) -> HttpResponseBase:
    """The quality report page (chart and tables); `?format=csv|xlsx` downloads its group table (as quality_export)."""
    if request.GET.get("format"):
        return quality_export(request)
    form, report, error = _quality_report(request)
    if error:
        messages.error(request, error)
    chart = None
    if report is not None:
        try:
            chart = _chart_data(report, _comparison(request, form, report))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    context = {"form": form, "report": report, "chart": chart}
    return render(request, "analytics/quality.html", context)


@login_required
def quality_export(request: HttpRequest) -> HttpResponseBase:
    """The quality report's group table with the page's choices and filters, as CSV or xlsx (`?format=csv|xlsx`)."""
    form, report, error = _quality_report(request)
    if report is None:
        return HttpResponseBadRequest(error or "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return page_export(request, lambda: quality_report_table(report))


def _quality_report(request: HttpRequest) -> tuple[QualityReportForm, QualityReport | None, str]:
    """The form, the report when the form is valid and the report could be made, and else the reason it could not."""
    data = request.GET.copy()
    for name, default in QualityReportForm.DEFAULTS.items():
        data.setdefault(name, default)
    form = QualityReportForm(data)
    report, error = None, ""
    if form.is_valid():
        try:
            report = quality_report(actor=request.user, **form.report_arguments())  # type: ignore[arg-type]
        except ApplicationError as exc:
            error = str(exc.message)
    return form, report, error


def _chart_data(report: QualityReport, lines: list[tuple[str, QualityReport]] | None = None) -> dict[str, object]:
    """What quality.js draws: bars per group (or points over time) with their intervals, which are below the pass mark,
    and for a trend every period between the first and the last with gaps (analytics.charts); with `lines`, one line
    per team or agent on the same periods."""
    groups = [
        {
            "label": g.label,
            "iqs": g.iqs,
            "ci_low": g.ci_low,
            "ci_high": g.ci_high,
            "n": g.n,
            "conclusive": g.conclusive,
            "below": g.iqs is not None and g.iqs < report.pass_mark,
        }
        for g in report.groups
    ]
    data: dict[str, object] = {
        "by": report.by,
        "passMark": report.pass_mark,
        "groups": groups,
        "text": {
            "iqs": _("IQS"),
            "ci": _("{level} interval").format(level="95 %"),
            "n": _("n"),
            "notConclusive": _("not conclusive"),
            "passMark": _("Pass mark"),
        },
    }
    if report.by == "period":
        keys = [date.fromisoformat(g.key) for _label, r in [("", report), *(lines or [])] for g in r.groups if g.key]
        starts = period_starts(min(keys), max(keys), report.period) if keys else []
        every = lines or [(_("All reviews"), report)]
        data["series"] = [
            {"label": label, **period_series(r.groups, period=report.period, pass_mark=report.pass_mark, starts=starts)}
            for label, r in every
        ]
    return data


def _comparison(request: HttpRequest, form: QualityReportForm, report: QualityReport) -> list[tuple[str, QualityReport]] | None:
    """With by=period and compare=team|agent: the trend of each of the (at most COMPARE_LINES) groups with most reviews."""
    compare = form.cleaned_data.get("compare") if form.is_valid() else None
    if report.by != "period" or compare not in ("team", "agent"):
        return None
    arguments = form.report_arguments()
    groups = quality_report(actor=request.user, **{**arguments, "by": compare}).groups  # type: ignore[arg-type]
    biggest = sorted((g for g in groups if g.key), key=lambda g: -g.n)[:COMPARE_LINES]
    return [
        (g.label, quality_report(actor=request.user, **{**arguments, "filters": {**arguments["filters"], compare: g.key}}))  # type: ignore[arg-type]
        for g in biggest
    ]


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Honest statistics: reviews needed for a precision, significant score changes, reviewers unlike their peers."""
    form, calls = _statistics(request)
    context: dict[str, object] = {"form": form, "plan": None, "changes": None, "reviewers": None}
    for name, call in calls.items():
        try:
            context[name] = call()
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    return render(request, "analytics/statistics.html", context)


@login_required
def statistics_export(request: HttpRequest) -> HttpResponseBase:
    """One table of the statistics page (`table=precision|changes|reviewers`) with its choices, as CSV or xlsx."""
    _form, calls = _statistics(request)
    name = request.GET.get("table") or "precision"
    key = "plan" if name == "precision" else name
    if name not in STATISTICS_TABLES or key not in calls:
        return HttpResponseBadRequest(_("Unknown table, or choices that are not valid."))
    makers: dict[str, Callable[[Any], Table]] = {
        "plan": precision_table,
        "changes": changes_table,
        "reviewers": reviewer_differences_table,
    }
    try:
        result = calls[key]()
    except ApplicationError as exc:
        return HttpResponseBadRequest(str(exc.message))
    return page_export(request, lambda: makers[key](result))


def _statistics(request: HttpRequest) -> tuple[StatisticsForm, dict[str, Callable[[], Any]]]:
    """The form and, when it is valid, the three tables' selectors ready to call (by table name)."""
    data = request.GET.copy()
    for name, default in StatisticsForm.DEFAULTS.items():
        data.setdefault(name, default)
    form = StatisticsForm(data)
    if not form.is_valid():
        return form, {}
    actor: User = request.user  # type: ignore[assignment]  # login_required: never anonymous here
    by = form.cleaned_data.get("by") or "agent"
    date_from, date_to = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    period_a, period_b = form.periods(timezone.localdate())
    show_all = bool(form.cleaned_data.get("show_all"))
    margin = form.cleaned_data.get("margin") or 5.0
    return form, {
        "plan": lambda: precision_plan(actor=actor, by=by, margin=margin, date_from=date_from, date_to=date_to),
        "changes": lambda: discrepancies(actor=actor, by=by, period_a=period_a, period_b=period_b, include_all=show_all),
        "reviewers": lambda: reviewer_discrepancies(actor=actor, date_from=date_from, date_to=date_to, include_all=show_all),
    }
