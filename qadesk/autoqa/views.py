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
from qadesk.autoqa.forms import AutoSettingsForm, ClassifierSettingsForm
from qadesk.autoqa.label_model import JOB_KIND as TRAIN_KIND
from qadesk.autoqa.label_model import classifier_enqueue
from qadesk.autoqa.models import AutoSettings, CustomCriterion
from qadesk.autoqa.reports import accuracy_rows, aqs_rows
from qadesk.autoqa.selectors import classifier_overview, result_name
from qadesk.autoqa.services import JOB_KIND, autoqa_check_allowed, autoqa_checked_now, autoqa_enqueue
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
    job = get_object_or_404(JobRun.objects.filter(kind__in=[JOB_KIND, TRAIN_KIND]), pk=pk)
    context = {"job": job, "live": job.status in {JobStatus.QUEUED, JobStatus.RUNNING}}
    template = "autoqa/_job.html" if getattr(request, "htmx", False) else "autoqa/job_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def check_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the detectors on one interaction now (when its transcript is due), then show it again."""
    interaction = get_object_or_404(Interaction.objects.visible_to(_lead(request)), pk=pk)
    with transaction.atomic():
        checked = autoqa_checked_now(interaction=interaction)
    messages.success(request, _("Automatic checks done.") if checked else _("Already checked: nothing changed since."))
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
