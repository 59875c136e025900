"""Thin views: parse the request, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.analytics.exports import quality_report_write_csv
from qadesk.analytics.forms import QualityReportForm, StatisticsForm
from qadesk.analytics.selectors import QualityReport, discrepancies, precision_plan, quality_report, reviewer_discrepancies
from qadesk.core.errors import ApplicationError


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """The quality report page (chart and tables), or its group table as CSV with ?format=csv."""
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
    if report is not None and request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="quality-by-{report.by}.csv"'
        quality_report_write_csv(report, response, for_people=True)  # type: ignore[arg-type]
        return response
    context = {"form": form, "report": report, "chart": _chart_data(report) if report else None}
    return render(request, "analytics/quality.html", context)


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
    data = request.GET.copy()
    for name, default in StatisticsForm.DEFAULTS.items():
        data.setdefault(name, default)
    form = StatisticsForm(data)
    context: dict[str, object] = {"form": form, "plan": None, "changes": None, "reviewers": None}
    if form.is_valid():
        actor: User = request.user  # type: ignore[assignment]  # login_required: never anonymous here
        by = form.cleaned_data.get("by") or "agent"
        date_from, date_to = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
        period_a, period_b = form.periods(timezone.localdate())
        show_all = bool(form.cleaned_data.get("show_all"))
        calls = {
            "plan": lambda: precision_plan(
                actor=actor, by=by, margin=form.cleaned_data.get("margin") or 5.0, date_from=date_from, date_to=date_to
            ),
            "changes": lambda: discrepancies(actor=actor, by=by, period_a=period_a, period_b=period_b, include_all=show_all),
            "reviewers": lambda: reviewer_discrepancies(actor=actor, date_from=date_from, date_to=date_to, include_all=show_all),
        }
        for name, call in calls.items():
            try:
                context[name] = call()
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
    return render(request, "analytics/statistics.html", context)
