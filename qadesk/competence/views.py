"""Thin views of training and competence: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.competence.exports import ASSOCIATION_NOTE
from qadesk.competence.figures import AT_BENCHMARK
from qadesk.competence.forms import CompletionForm, PeriodForm, ResultsForm, SettingsForm, TrainingSessionForm, UploadForm
from qadesk.competence.models import CompetenceSettings, TrainingSession
from qadesk.competence.querysets import agents_visible_filter
from qadesk.competence.selectors import (
    competence_agent,
    competence_report,
    completion_list,
    training_results,
    training_session_list,
)
from qadesk.competence.services import (
    can_record,
    competence_settings_update,
    completion_create,
    completions_import,
    training_session_delete,
    training_session_save,
)
from qadesk.core.errors import ApplicationError


def _reader(request: HttpRequest) -> User:
    """The signed-in user when they may see some competence (not reviewers); otherwise 404."""
    user: User = request.user  # type: ignore[assignment]
    if agents_visible_filter(user) is None:
        raise Http404
    return user


def _period(form: PeriodForm) -> dict[str, object]:
    if not form.is_valid():
        return {}
    return {"date_from": form.cleaned_data.get("date_from"), "date_to": form.cleaned_data.get("date_to")}


@login_required
def competence_view(request: HttpRequest) -> HttpResponse:
    """The ratings (agents, teams or sites) and the agents below the benchmark with where they lose points."""
    user = _reader(request)
    form = PeriodForm(request.GET or None)
    by = form.cleaned_data.get("by") or "agent" if form.is_valid() else "agent"
    try:
        report = competence_report(actor=user, **_period(form))  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        report = competence_report(actor=user)
    context = {"form": form, "report": report, "by": by, "at_benchmark": AT_BENCHMARK, "can_record": can_record(user)}
    return render(request, "competence/index.html", context)


@login_required
def competence_agent_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One agent: the parts of the rating, missing courses, losses with the courses covering them, completions."""
    user = _reader(request)
    form = PeriodForm(request.GET or None)
    row = competence_agent(actor=user, agent_id=pk, **_period(form))  # type: ignore[arg-type]
    completions = completion_list(actor=user, agent_id=pk)[:100]
    return render(request, "competence/agent.html", {"row": row, "completions": completions, "form": form})


@login_required
def training_results_view(request: HttpRequest) -> HttpResponse:
    """Training days against IQS, CSAT and productivity, and IQS before/after each course, with the warning."""
    user = _reader(request)
    form = ResultsForm(request.GET or None)
    window = (form.cleaned_data.get("window") if form.is_valid() else None) or 30
    found = training_results(actor=user, window_days=window, **_period(form))  # type: ignore[arg-type]
    return render(request, "competence/results.html", {"form": form, "found": found, "note": _(ASSOCIATION_NOTE)})


@login_required
def completion_record_view(request: HttpRequest) -> HttpResponse:
    """Enter one completion, or upload a CSV of them (all rows or none, errors named by line and column)."""
    user: User = request.user  # type: ignore[assignment]
    if not can_record(user):
        raise Http404
    form = CompletionForm(request.POST if request.POST.get("kind") == "one" else None, actor=user)
    upload = UploadForm(request.POST or None, request.FILES or None) if request.POST.get("kind") == "csv" else UploadForm()
    errors: list[object] = []
    if form.is_bound and form.is_valid():
        try:
            completion_create(
                actor=user,
                agent=str(form.cleaned_data["agent"].pk),
                course=form.cleaned_data["course"].code,
                completed_on=form.cleaned_data["completed_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Completion recorded."))
            return redirect("competence:record")
    if upload.is_bound and upload.is_valid():
        try:
            report = completions_import(actor=user, text=upload.cleaned_data["file"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            if report.committed:
                messages.success(request, _("{n} completions imported.").format(n=report.created))
                return redirect("competence:record")
            errors = list(report.errors)
    recent = completion_list(actor=user)[:20]
    return render(request, "competence/record.html", {"form": form, "upload": upload, "errors": errors, "recent": recent})


def _recorder(request: HttpRequest) -> User:
    """The signed-in user when they record training (the completions page's rule); otherwise 404."""
    user: User = request.user  # type: ignore[assignment]
    if not can_record(user):
        raise Http404
    return user


def _session_saved(request: HttpRequest, form: TrainingSessionForm, user: User, session: TrainingSession | None) -> bool:
    if not (request.method == "POST" and form.is_valid()):
        return False
    try:
        training_session_save(actor=user, session=session, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, _("Session saved."))
    return True


@login_required
def training_sessions_view(request: HttpRequest) -> HttpResponse:
    """The runs of the courses (dates, trainer, place, completions recorded), and a form to add one."""
    user = _recorder(request)
    form = TrainingSessionForm(request.POST or None)
    if _session_saved(request, form, user, None):
        return redirect("competence:sessions")
    sessions = training_session_list(actor=user)[:200]
    return render(request, "competence/sessions.html", {"form": form, "sessions": sessions})


@login_required
def training_session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one session, or remove it while no completion refers to it."""
    user = _recorder(request)
    session = get_object_or_404(training_session_list(actor=user), pk=pk)
    form = TrainingSessionForm(request.POST or None, session=session)
    if _session_saved(request, form, user, session):
        return redirect("competence:sessions")
    return render(request, "competence/session.html", {"form": form, "session": session})


@login_required
@require_POST
def training_session_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _recorder(request)
    session = get_object_or_404(training_session_list(actor=user), pk=pk)
    try:
        training_session_delete(actor=user, session=session)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("competence:session", pk=pk)
    messages.success(request, _("Session removed."))
    return redirect("competence:sessions")


@login_required
def competence_settings_view(request: HttpRequest) -> HttpResponse:
    """Admins choose the benchmark: a standard they set, or the organisation's own median."""
    user: User = request.user  # type: ignore[assignment]
    if not (user.role == "admin" or user.is_superuser):
        raise Http404
    current = CompetenceSettings.load()
    initial = {
        "mode": current.mode,
        "training_benchmark": current.training_benchmark,
        "delivery_benchmark": current.delivery_benchmark,
        "survey_question_code": current.survey_question_code,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            competence_settings_update(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Benchmarks saved."))
            return redirect("competence:index")
    return render(request, "competence/settings.html", {"form": form})
