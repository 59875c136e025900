"""Thin views: the cost report, and the page where admins and managers enter or import the cost model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.costs import figures
from qadesk.costs.forms import FORMS, GROUPING_LABELS, KIND_LABELS, CostImportForm, CostReportForm
from qadesk.costs.models import CostCategory, CostSettings, LabourCost, Revenue, SegmentCustomers, SupportCost
from qadesk.costs.querysets import sees_costs
from qadesk.costs.selectors import CostReport, cost_report
from qadesk.costs.services import (
    cost_settings_save,
    costs_import,
    labour_cost_save,
    read_table,
    revenue_save,
    segment_customers_save,
    support_cost_save,
)
from qadesk.interactions.models import Channel, JourneyPhase

SAVES: dict[str, Callable[..., Any]] = {
    "labour": labour_cost_save,
    "support": support_cost_save,
    "revenue": revenue_save,
    "segments": segment_customers_save,
    "settings": cost_settings_save,
}
LISTED = 24


def _reader(request: HttpRequest) -> User:
    """Admins and managers; for anyone else the costs pages do not exist (404)."""
    user: User = request.user  # type: ignore[assignment]
    if not sees_costs(user):
        raise Http404
    return user


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The cost report: cost per incident and contact, labour share, margin, customer value, what mistakes cost."""
    user = _reader(request)
    form = CostReportForm(request.GET or None)
    result = None
    if not form.is_bound or form.is_valid():
        arguments = form.report_arguments() if form.is_bound else {}
        try:
            result = cost_report(actor=user, **arguments)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    context: dict[str, Any] = {"form": form, "report": result}
    if result is not None:
        context.update(_labels(result))
    return render(request, "costs/report.html", context)


def _labels(result: CostReport) -> dict[str, Any]:
    """Names for the codes the report holds: cost categories, channels and journey phases."""
    names: dict[str, Any] = {"channel": dict(Channel.choices), "phase": dict(JourneyPhase.choices)}.get(result.by, {})
    categories = dict(CostCategory.choices)
    return {
        "by_label": GROUPING_LABELS[result.by],
        "other_costs": [(categories.get(k, k), v) for k, v in sorted(result.other_costs.items())],
        "telephony_months": ", ".join(date_format(m.month, "YEAR_MONTH_FORMAT") for m in result.telephony.from_calls)
        if result.telephony
        else "",
        "groups": [
            (row.key, names.get(row.key, row.key), {**row.__dict__, "hours": row.handle_seconds / 3600}) for row in result.groups
        ],
    }


@login_required
def data(request: HttpRequest) -> HttpResponse:
    """The cost model: what is entered, a form for each kind of row, the import and the assumptions."""
    user = _reader(request)
    bound: dict[str, Any] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in FORMS:
            raise Http404
        instance = CostSettings.load() if kind == "settings" else None
        form = FORMS[kind](request.POST, prefix=kind, instance=instance)
        if form.is_valid():
            try:
                SAVES[kind](actor=user, **form.cleaned_data)
            except InvalidInput as exc:
                form.add_error(exc.field[-1] if exc.field[-1] in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Saved."))
                return redirect("costs:data")
        bound[kind] = form
    forms = [
        (
            kind,
            KIND_LABELS.get(kind, ""),
            bound.get(kind) or form_class(prefix=kind, instance=CostSettings.load() if kind == "settings" else None),
        )
        for kind, form_class in FORMS.items()
    ]
    rows = LabourCost.objects.visible_to(user).select_related("agent", "team", "site")[:LISTED]
    labour = [(row, _rate(row).monthly_total, figures.hourly_labour_cost(_rate(row))) for row in rows]
    return render(
        request,
        "costs/data.html",
        {
            "forms": forms,
            "labour": labour,
            "support": SupportCost.objects.visible_to(user).select_related("site")[:LISTED],
            "revenue": Revenue.objects.visible_to(user)[:LISTED],
            "segments": SegmentCustomers.objects.visible_to(user)[:LISTED],
            "currency": CostSettings.load().currency,
            "import_form": CostImportForm(),
        },
    )


def _rate(row: LabourCost) -> figures.LabourRate:
    return figures.LabourRate(row.valid_from, row.salary, row.overtime, row.benefits, row.taxes, row.other, row.paid_hours)


@login_required
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    """Import one kind of row from a CSV or xlsx file: all rows, or none with every error listed by row and field."""
    user = _reader(request)
    form = CostImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose what the file holds and a file."))
        return redirect("costs:data")
    upload = form.cleaned_data["file"]
    try:
        rows = read_table(content=upload.read(), filename=upload.name)
        result = costs_import(actor=user, kind=form.cleaned_data["kind"], rows=rows)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("costs:data")
    if result.errors:
        for error in result.errors[:20]:
            messages.error(request, str(error))
        messages.error(request, _("Nothing was imported: {n} errors.").format(n=len(result.errors)))
    else:
        messages.success(request, _("{n} rows imported.").format(n=result.saved))
    return redirect("costs:data")
