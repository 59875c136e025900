"""Sampling pages: plans (QA leads edit them), run now, runs with what they drew, job logs, coverage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.core.exports import page_export
from qadesk.core.inputs import parse_id
from qadesk.core.models import JobRun, JobStatus
from qadesk.sampling.exports import coverage_table
from qadesk.sampling.forms import DIMENSION_LABELS, RISK_FLAGS, SamplingPlanForm
from qadesk.sampling.models import SamplingPlan, SamplingRun
from qadesk.sampling.selectors import (
    sampling_coverage,
    sampling_job_run,
    sampling_plan_list,
    sampling_run_items,
    sampling_run_list,
)
from qadesk.sampling.services import JOB_KIND, sampling_plan_create, sampling_plan_enqueue, sampling_plan_update

LEADS = {Role.QA_LEAD, Role.ADMIN}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _require_sampling(user: User) -> None:
    """Agents and team leads have no sampling pages (404): nothing of it is theirs."""
    if not (user.sees_everything or user.can_review):
        raise Http404


def _require_lead(user: User) -> None:
    if user.role not in LEADS and not user.is_superuser:
        raise Forbidden


def _plan(request: HttpRequest, pk: int) -> SamplingPlan:
    return get_object_or_404(sampling_plan_list(actor=_user(request)), pk=pk)


@login_required
def plan_list_view(request: HttpRequest) -> HttpResponse:
    """The plans the user may see; QA leads get "New plan" and "Run now"."""
    _require_sampling(_user(request))
    return render(request, "sampling/plan_list.html", {"plans": sampling_plan_list(actor=_user(request))})


@login_required
def plan_create_view(request: HttpRequest) -> HttpResponse:
    _require_lead(_user(request))
    return _plan_form(request, None)


@login_required
def plan_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(_user(request))
    return _plan_form(request, _plan(request, pk))


def _plan_form(request: HttpRequest, plan: SamplingPlan | None) -> HttpResponse:
    form = SamplingPlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data, reviewers = form.plan_data(), list(form.cleaned_data["reviewers"])
        try:
            if plan is None:
                plan = sampling_plan_create(actor=_user(request), reviewers=reviewers, **data)
            else:
                plan = sampling_plan_update(plan=plan, actor=_user(request), reviewers=reviewers, **data)
        except ApplicationError as exc:
            form.add_error(_form_field(form, exc), str(exc.message))
        else:
            messages.success(request, _("Plan saved."))
            return redirect("sampling:plan", pk=plan.pk)
    return render(request, "sampling/plan_form.html", {"form": form, "plan": plan})


def _form_field(form: SamplingPlanForm, exc: ApplicationError) -> str | None:
    """The form field a wrong value belongs to (a filter's name is the field's), or None for the whole form."""
    name = exc.field[-1] if isinstance(exc, InvalidInput) else None
    return name if name in form.fields else None


@login_required
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's settings and its runs, newest period first."""
    _require_sampling(_user(request))
    plan = _plan(request, pk)
    runs = sampling_run_list(actor=_user(request), plan_id=plan.pk)
    strata_by = [DIMENSION_LABELS.get(d, d) for d in (plan.strata or {}).get("by", [])]
    boosts = [(RISK_FLAGS.get(flag, flag), weight) for flag, weight in (plan.risk_boosts or {}).items()]
    context = {"plan": plan, "runs": runs, "is_lead": _is_lead(_user(request)), "strata_by": strata_by, "boosts": boosts}
    return render(request, "sampling/plan_detail.html", context)


def _is_lead(user: User) -> bool:
    return user.role in LEADS or user.is_superuser


@login_required
@require_POST
def plan_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a draw of the plan's last complete period and show its job."""
    _require_lead(_user(request))
    plan = _plan(request, pk)
    try:
        with transaction.atomic():
            job = sampling_plan_enqueue(plan=plan, actor=_user(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("sampling:plan", pk=plan.pk)
    messages.success(request, _("The draw is queued."))
    return redirect("sampling:job", pk=job.pk)


@login_required
def run_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What a run drew, for whom, in which stratum, against the stratum targets; and its job log."""
    _require_sampling(_user(request))
    run = get_object_or_404(sampling_run_list(actor=_user(request)), pk=pk)
    counts, targets = run.per_stratum.get("counts", {}), run.per_stratum.get("targets", {})
    strata = [(key, counts.get(key, 0), targets.get(key)) for key in sorted(set(counts) | set(targets))]
    context = {"run": run, "items": sampling_run_items(run=run), "strata": strata, "flag_labels": RISK_FLAGS}
    return render(request, "sampling/run_detail.html", context)


@login_required
def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A sampling job's status, counts and log; htmx polls the card until the job ends."""
    if not _user(request).sees_everything:
        raise Http404
    job = get_object_or_404(JobRun.objects.filter(kind=JOB_KIND), pk=pk)
    run = sampling_job_run(job)
    live = job.status in {JobStatus.QUEUED, JobStatus.RUNNING}
    template = "sampling/_job.html" if getattr(request, "htmx", False) else "sampling/job_detail.html"
    counts = [(_count_label(name), n) for name, n in job.counts.items()]
    period_start = parse_date(str((job.params or {}).get("period_start") or ""))
    context = {"job": job, "run": run, "live": live, "counts": counts, "period_start": period_start}
    return render(request, template, context)


def _count_label(name: str) -> Any:
    """A job count's label: the run field of that name (candidates, drawn, assigned), translated."""
    try:
        field = SamplingRun._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return getattr(field, "verbose_name", name)


@login_required
def coverage_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Done against planned per agent, team, site and channel; strata that had interactions but were never drawn."""
    _require_sampling(_user(request))
    plan = _plan(request, pk)
    run_id = parse_id(request.GET.get("run"))
    run = get_object_or_404(plan.runs, pk=run_id) if run_id is not None else None
    context = {"plan": plan, "run": run, "runs": plan.runs.all(), "coverage": sampling_coverage(plan=plan, run=run)}
    return render(request, "sampling/coverage.html", context)


@login_required
def coverage_export_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The coverage page's table (all groups) as CSV or xlsx: `?format=csv|xlsx&run=<id>`."""
    _require_sampling(_user(request))
    plan = _plan(request, pk)
    run_id = parse_id(request.GET.get("run"))
    run = get_object_or_404(plan.runs, pk=run_id) if run_id is not None else None
    return page_export(request, lambda: coverage_table(coverage=sampling_coverage(plan=plan, run=run)))
