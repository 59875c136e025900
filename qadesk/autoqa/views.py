"""Thin views: the automatic-checks job page, and "check now" on one interaction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings, User
from qadesk.autoqa.forms import AutoSettingsForm, CustomCriterionForm
from qadesk.autoqa.models import AutoSettings, CustomCriterion
from qadesk.autoqa.reports import accuracy_rows, aqs_rows
from qadesk.autoqa.selectors import custom_criteria_overview, result_name
from qadesk.autoqa.services import (
    JOB_KIND,
    autoqa_check_allowed,
    autoqa_checked_now,
    autoqa_enqueue,
    custom_criterion_save,
)
from qadesk.core.errors import ApplicationError
from qadesk.core.models import JobRun, JobStatus
from qadesk.interactions.models import Interaction


def _lead(request: HttpRequest) -> User:
    """Runs are a QA lead's or an admin's business: anyone else gets 404, as for a page that is not theirs."""
    user = request.user
    assert isinstance(user, User)
    try:
        autoqa_check_allowed(actor=user)
    except ApplicationError:
        raise Http404 from None
    return user


@login_required
def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's status, progress, counts and log (QA leads and admins); htmx polls the card until the job ends."""
    _lead(request)
    job = get_object_or_404(JobRun.objects.filter(kind=JOB_KIND), pk=pk)
    context = {"job": job, "live": job.status in {JobStatus.QUEUED, JobStatus.RUNNING}}
    template = "autoqa/_job.html" if getattr(request, "htmx", False) else "autoqa/job_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def check_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the detectors on one interaction now (when its transcript is due), then show it again."""
    interaction = get_object_or_404(Interaction.objects.visible_to(_lead(request)), pk=pk)
    checked = autoqa_checked_now(interaction=interaction)  # stores in its own transaction, after asking any model
    if checked is None:
        messages.success(request, _("Already checked: nothing changed since."))
    elif checked:
        messages.success(request, _("Automatic checks done."))
    else:
        messages.warning(request, _("A language model could not answer now: the interaction stays due for the next run."))
    return redirect(reverse("interactions:detail", args=[interaction.pk]) + "#auto-checks")


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    """The automatic QA overview (QA leads, admins): the AQS, kept apart from the human IQS, by detector and language;
    each detector's accuracy against the reviews; the reliability threshold; the custom criteria; the last runs."""
    user = _lead(request)
    settings_row = AutoSettings.load()
    form = AutoSettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("autoqa:index")
    total, rows = aqs_rows(actor=user, minimum_n=OrgSettings.load().minimum_n)
    names = {code: result_name(code) for code in {r.detector for r in rows}}
    context = {
        "total": total,
        "aqs": [(names[r.detector], r) for r in rows],
        "accuracy": [(result_name(r.detector), r) for r in accuracy_rows(actor=user)],
        "form": form,
        "threshold": settings_row.reliable_kappa,
        "custom": CustomCriterion.objects.all(),
        "jobs": JobRun.objects.filter(kind=JOB_KIND).order_by("-pk")[:5],
    }
    return render(request, "autoqa/index.html", context)


@login_required
@require_POST
def run_view(request: HttpRequest) -> HttpResponse:
    """Queue a run over every interaction still due, then follow it."""
    user = _lead(request)
    with transaction.atomic():
        job = autoqa_enqueue(actor=user, params={"trigger": "page"})
    return redirect("autoqa:job", pk=job.pk)


@login_required
def criteria_view(request: HttpRequest) -> HttpResponse:
    """The custom criteria (QA leads, admins): phrase and pattern ones and questions to a language model, with the
    cached answers and the endpoints' use today."""
    user = _lead(request)
    return render(request, "autoqa/criteria.html", custom_criteria_overview(actor=user))


@login_required
def criterion_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a custom criterion; saving a change of its rules raises its version."""
    user = _lead(request)
    criterion = get_object_or_404(CustomCriterion, pk=pk) if pk else CustomCriterion()
    form = CustomCriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = custom_criterion_save(actor=user, criterion=form.save(commit=False))
        messages.success(request, _("Custom criterion saved (version {version}).").format(version=saved.version))
        return redirect("autoqa:criteria")
    return render(request, "autoqa/criterion_form.html", {"form": form, "criterion": criterion if pk else None})
