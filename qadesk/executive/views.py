"""Thin views: the executive summary (and its PDF), baselines and targets, and the digest's recipients."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.executive.formatting import row_texts, significance_text
from qadesk.executive.forms import BaselineForm, PeriodForm, RecipientForm, TargetsForm
from qadesk.executive.headlines import HEADLINES
from qadesk.executive.models import Baseline, DigestSubscription, HeadlineTarget
from qadesk.executive.pdf import summary_pdf_bytes
from qadesk.executive.querysets import sees_executive
from qadesk.executive.selectors import ExecutiveSummary, executive_summary
from qadesk.executive.services import baseline_capture, subscription_delete, subscription_save, targets_set
from qadesk.executive.sparklines import sparkline_svg


def _reader(request: HttpRequest) -> User:
    """The signed-in manager or admin; for anyone else the page does not exist (404)."""
    user: User = request.user  # type: ignore[assignment]
    if not sees_executive(user):
        raise Http404
    return user


def _summary(request: HttpRequest) -> tuple[PeriodForm, ExecutiveSummary]:
    form = PeriodForm(request.GET or {"period": "month"})
    if not form.is_valid():
        form = PeriodForm({"period": "month"})
        form.is_valid()
    start, end, granularity = form.bounds(timezone.localdate())
    return form, executive_summary(start=start, end=end, granularity=granularity)


def sections_for_display(summary: ExecutiveSummary) -> list[dict[str, Any]]:
    """The sections with each row's texts and sparkline, in the active language."""
    sections = []
    for code, title, rows in summary.sections():
        lines = []
        for row in rows:
            texts = row_texts(row)
            texts["sparkline"] = mark_safe(  # numbers and an escaped label only
                sparkline_svg(row.series, label=_("{name}, last periods").format(name=texts["name"]), target=row.target)
            )
            lines.append(texts)
        sections.append({"code": code, "title": title, "rows": lines})
    return sections


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """One screen: quality planned (targets), delivered, received, value and cost, efficiency, competence."""
    _reader(request)
    form, report = _summary(request)
    sections = sections_for_display(report)
    changed = [significance_text(r) for s in sections for r in s["rows"] if r["change_significant"] or r["baseline_significant"]]
    labels = [formats.date_format(p[0], "M Y" if report.granularity == "month" else "j M") for p in report.series_periods]
    context = {
        "form": form,
        "report": report,
        "sections": sections,
        "changed": changed,
        "series_from": labels[0] if labels else "",
        "series_to": labels[-1] if labels else "",
        "query": request.GET.urlencode(),
    }
    return render(request, "executive/summary.html", context)


@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    """The same summary as a PDF rendered on the server, for printing."""
    _reader(request)
    _form, report = _summary(request)
    response = HttpResponse(summary_pdf_bytes(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="executive-{report.start.isoformat()}-{report.end.isoformat()}.pdf"'
    return response


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Baselines and targets of every headline: capture a baseline period, set or clear targets."""
    user = _reader(request)
    current = dict(HeadlineTarget.objects.values_list("headline", "value"))
    baseline_form = BaselineForm(request.POST if request.POST.get("action") == "baseline" else None)
    targets_form = TargetsForm(request.POST if request.POST.get("action") == "targets" else None, initial=current)
    if request.method == "POST":
        try:
            if baseline_form.is_bound and baseline_form.is_valid():
                captured = baseline_capture(actor=user, **baseline_form.cleaned_data)
                messages.success(request, _("Baseline captured for {n} headlines.").format(n=len(captured)))
                return redirect("executive:targets")
            if targets_form.is_bound and targets_form.is_valid():
                targets_set(actor=user, values=targets_form.cleaned_data)
                messages.success(request, _("Targets saved."))
                return redirect("executive:targets")
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    baselines = {b.headline: b for b in Baseline.objects.visible_to(user)}
    rows = [{"headline": h, "baseline": baselines.get(h.code), "target": current.get(h.code)} for h in HEADLINES]
    context = {"baseline_form": baseline_form, "targets_form": targets_form, "rows": rows}
    return render(request, "executive/targets.html", context)


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    """Who receives the summary by e-mail, weekly or monthly, in their own language."""
    user = _reader(request)
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription_save(actor=user, recipient=form.cleaned_data["user"], frequency=form.cleaned_data["frequency"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Recipient saved."))
            return redirect("executive:digest")
    subscriptions = DigestSubscription.objects.visible_to(user).select_related("user")
    return render(request, "executive/digest.html", {"form": form, "subscriptions": subscriptions})


@login_required
@require_POST
def digest_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    subscription_delete(actor=user, subscription=get_object_or_404(DigestSubscription.objects.visible_to(user), pk=pk))
    messages.success(request, _("Recipient removed."))
    return redirect("executive:digest")
