"""Thin views: the automatic-checks job page, and "check now" on one interaction."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings, User
from qadesk.autoqa.aqs import AqsReport, aqs_report
from qadesk.autoqa.exports import aqs_report_table
from qadesk.autoqa.forms import AqsReportForm, AutoSettingsForm, ClassifierSettingsForm, CustomCriterionForm
from qadesk.autoqa.label_model import JOB_KIND as TRAIN_KIND
from qadesk.autoqa.label_model import classifier_enqueue
from qadesk.autoqa.models import AutoSettings, CustomCriterion
from qadesk.autoqa.reports import accuracy_rows, aqs_rows
from qadesk.autoqa.selectors import classifier_overview, custom_criteria_overview, result_names
from qadesk.autoqa.services import (
    JOB_KIND,
    autoqa_check_allowed,
    autoqa_checked_now,
    autoqa_enqueue,
    custom_criterion_save,
)
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import page_export
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
    job = get_object_or_404(JobRun.objects.filter(kind__in=[JOB_KIND, TRAIN_KIND]), pk=pk)
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


def _is_lead(user: User) -> bool:
    try:
        autoqa_check_allowed(actor=user)
    except ApplicationError:
        return False
    return True


def _aqs_report(request: HttpRequest) -> tuple[AqsReportForm, AqsReport | None, str]:
    """The AQS table's form, the report when the form is valid and the report could be made, and else the reason."""
    data = request.GET.copy()
    for name, default in AqsReportForm.DEFAULTS.items():
        data.setdefault(name, default)
    form = AqsReportForm(data)
    if not form.is_valid():
        return form, None, "; ".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        return form, aqs_report(actor=request.user, **form.report_arguments()), ""  # type: ignore[arg-type]
    except ApplicationError as exc:
        return form, None, str(exc.message)


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    """The automatic QA page. Everyone: the AQS by group over the interactions they may see, kept apart from the human
    IQS. QA leads and admins also: the AQS by check and language, each check's accuracy against the reviews, the
    reliability threshold, the custom criteria and the last runs."""
    user = request.user
    assert isinstance(user, User)
    lead = _is_lead(user)
    if request.method == "POST" and not lead:
        raise Http404
    aqs_form, report, error = _aqs_report(request)
    if error:
        messages.error(request, error)
    context: dict[str, Any] = {"lead": lead, "aqs_form": aqs_form, "report": report}
    if not lead:
        return render(request, "autoqa/index.html", context)
    settings_row = AutoSettings.load()
    form = AutoSettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("autoqa:index")
    dates = {k: getattr(report, k) for k in ("date_from", "date_to")} if report else {}
    rows = aqs_rows(actor=user, minimum_n=OrgSettings.load().minimum_n, **dates)
    accuracy = accuracy_rows(actor=user)
    names = result_names([*(r.detector for r in rows), *(r.detector for r in accuracy)])
    context |= {
        "aqs": [(names[r.detector], r) for r in rows],
        "accuracy": [(names[r.detector], r) for r in accuracy],
        "form": form,
        "threshold": settings_row.reliable_kappa,
        "custom": CustomCriterion.objects.all(),
        "jobs": JobRun.objects.filter(kind=JOB_KIND).order_by("-pk")[:5],
    }
    return render(request, "autoqa/index.html", context)


@login_required
def export_view(request: HttpRequest) -> HttpResponseBase:
    """The page's AQS table with its choices, as CSV or xlsx (`?format=csv|xlsx`)."""
    _form, report, error = _aqs_report(request)
    if report is None:
        return HttpResponseBadRequest(error)
    return page_export(request, lambda: aqs_report_table(report))


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


def classifier_view(request: HttpRequest) -> HttpResponse:
    """The contact-reason classifier (QA leads, admins): its cross-validated accuracy and confusion matrix, the labels
    left out for too few examples, the minimum of examples per label, and the last trainings."""
    _lead(request)
    form = ClassifierSettingsForm(request.POST or None, instance=AutoSettings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved. They apply from the next training."))
        return redirect("autoqa:classifier")
    return render(request, "autoqa/classifier.html", {"overview": classifier_overview(), "form": form})


@login_required
@require_POST
def classifier_train_view(request: HttpRequest) -> HttpResponse:
    """Queue a training now ("retrain now"), then follow it."""
    user = _lead(request)
    with transaction.atomic():
        job = classifier_enqueue(actor=user, params={"trigger": "page", "force": True})
    return redirect("autoqa:job", pk=job.pk)
