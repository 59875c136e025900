"""Thin views: the KPI report (and its download), the targets, and the Erlang C calculator."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import page_export
from qadesk.core.views import form_saved
from qadesk.operations import erlang
from qadesk.operations.exports import kpi_report_table
from qadesk.operations.forms import ErlangForm, ForecastForm, KpiReportForm, LoyaltyForm, TargetForm
from qadesk.operations.models import KpiTarget
from qadesk.operations.querysets import manages_targets, sees_operations
from qadesk.operations.selectors import KpiReport, cohort_label, kpi_report, loyalty, staffing_forecast
from qadesk.operations.services import target_delete, target_save


def _reader(request: HttpRequest) -> User:
    """The signed-in user when they may read the KPIs; otherwise the page does not exist for them (404)."""
    user: User = request.user  # type: ignore[assignment]
    if not sees_operations(user):
        raise Http404
    return user


@login_required
def kpis(request: HttpRequest) -> HttpResponseBase:
    """The KPI report: figures per group with medians, p90 and intervals, targets, reassignment paths."""
    _reader(request)
    if request.GET.get("format"):
        return kpis_export(request)
    form, report, error = _report(request)
    if error:
        messages.error(request, error)
    return render(request, "operations/kpis.html", {"form": form, "report": report})


@login_required
def kpis_export(request: HttpRequest) -> HttpResponseBase:
    """The KPI report's group table with the page's choices, as CSV or xlsx (`?format=csv|xlsx`)."""
    _reader(request)
    form, report, error = _report(request)
    if report is None:
        return HttpResponseBadRequest(error or "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return page_export(request, lambda: kpi_report_table(report))


def _report(request: HttpRequest) -> tuple[KpiReportForm, KpiReport | None, str]:
    data = request.GET.copy()
    for name, default in KpiReportForm.DEFAULTS.items():
        data.setdefault(name, default)
    form = KpiReportForm(data)
    if not form.is_valid():
        return form, None, ""
    try:
        return form, kpi_report(actor=_reader(request), **form.report_arguments()), ""
    except ApplicationError as exc:
        return form, None, str(exc.message)


@login_required
def loyalty_page(request: HttpRequest) -> HttpResponse:
    """Does resolution bring loyalty? The customers' return by first-contact resolution and by bad experiences."""
    user = _reader(request)
    form = LoyaltyForm(request.GET)
    report = None
    if form.is_valid():
        try:
            report = loyalty(actor=user, **form.loyalty_arguments())
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    rows = [(c, cohort_label(c.key)) for c in report.cohorts] if report else []
    return render(request, "operations/loyalty.html", {"form": form, "report": report, "rows": rows})


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """The targets: everyone who reads the KPIs sees them; admins and QA leads add and change them."""
    user = _reader(request)
    can_edit = manages_targets(user)
    form = TargetForm(request.POST or None) if can_edit else None
    if saved := form_saved(request, form, partial(target_save, actor=user), done=_("Target saved."), to="operations:targets"):
        return saved
    rows = KpiTarget.objects.visible_to(user).select_related("site")
    return render(request, "operations/targets.html", {"form": form, "targets": rows, "can_edit": can_edit})


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one target (admins, QA leads and managers); the same checks as a new one."""
    user = _reader(request)
    if not manages_targets(user):
        raise Http404
    target = get_object_or_404(KpiTarget.objects.visible_to(user).select_related("site"), pk=pk)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            target_save(actor=user, target=target, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Target saved."))
            return redirect("operations:targets")
    return render(request, "operations/target_edit.html", {"form": form, "target": target})


@login_required
@require_POST
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    if not manages_targets(user):
        raise Http404
    target_delete(actor=user, target=get_object_or_404(KpiTarget.objects.visible_to(user), pk=pk))
    messages.success(request, _("Target removed."))
    return redirect("operations:targets")


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    """The Erlang C calculator: agents needed per interval, or the figures for a given number of agents."""
    _reader(request)
    form = ErlangForm(request.GET if "calls" in request.GET else None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = erlang.staffing(**form.staffing_arguments())
        except ValueError:
            messages.error(request, _("No staffing of up to 100,000 agents meets these figures."))
    forecast_form = ForecastForm(request.GET if "f-day" in request.GET else None, prefix="f")
    table, aht = None, None
    if forecast_form.is_bound and forecast_form.is_valid():
        try:
            table, aht = staffing_forecast(actor=request.user, **forecast_form.forecast_arguments())  # type: ignore[arg-type]
        except (ApplicationError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
    context = {"form": form, "result": result, "forecast_form": forecast_form, "table": table, "aht": aht}
    return render(request, "operations/staffing.html", context)
