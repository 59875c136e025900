"""Thin views: parse the request, call one selector or service, render."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
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


@login_required
def quality(request: HttpRequest) -> HttpResponseBase:
    """The quality report page (chart and tables); `?format=csv|xlsx` downloads its group table (as quality_export)."""
    if request.GET.get("format"):
        return quality_export(request)
    form, report = _quality_report(request)
    context = {"form": form, "report": report, "chart": _chart_data(report) if report else None}
    return render(request, "analytics/quality.html", context)


@login_required
def quality_export(request: HttpRequest) -> HttpResponseBase:
    """The quality report's group table with the page's choices and filters, as CSV or xlsx (`?format=csv|xlsx`)."""
    form, report = _quality_report(request)
    if report is None:
        return HttpResponseBadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors) or _("No report."))
    return page_export(request, lambda: quality_report_table(report))


def _quality_report(request: HttpRequest) -> tuple[QualityReportForm, QualityReport | None]:
    data = request.GET.copy()
    for name, default in QualityReportForm.DEFAULTS.items():
        data.setdefault(name, default)
    form = QualityReportForm(data)
    report = None
    if form.is_valid():
        try:
            report = quality_report(actor=request.user, **form.report_arguments())  # type: ignore[arg-type]
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    return form, report


def _chart_data(report: QualityReport) -> dict[str, object]:
    return {
        "by": report.by,
        "groups": [
            {"label": g.label, "iqs": g.iqs, "ci_low": g.ci_low, "ci_high": g.ci_high, "n": g.n, "conclusive": g.conclusive}
            for g in report.groups
        ],
        "text": {
            "iqs": _("IQS"),
            "ci": _("{level} interval").format(level="95 %"),
            "n": _("n"),
            "notConclusive": _("not conclusive"),
        },
    }


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
