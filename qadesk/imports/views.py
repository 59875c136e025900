"""The import page (QA leads and admins; anyone else gets 404): upload, check and preview, map a CSV's columns, then
import in the background with a progress bar and a result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.models import JobStatus
from qadesk.imports.forms import MappingForm, RunForm, UploadForm
from qadesk.imports.models import ImportUpload, UploadFormat
from qadesk.imports.querysets import may_import
from qadesk.imports.selectors import RECENT_UPLOADS, job_progress, upload_list
from qadesk.imports.uploads import upload_create, upload_header, upload_map, upload_run_enqueue


def _importer(request: HttpRequest) -> User:
    """Only who may import sees these pages; anyone else gets 404, as for a page that is not theirs."""
    user = request.user
    assert isinstance(user, User)
    if not may_import(user):
        raise Http404
    return user


def _upload(request: HttpRequest, pk: int) -> tuple[User, ImportUpload]:
    actor = _importer(request)
    return actor, get_object_or_404(upload_list(actor=actor).defer(None), pk=pk)


@login_required
def upload_view(request: HttpRequest) -> HttpResponse:
    """The upload form and the latest uploads."""
    actor = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = upload_create(
                actor=actor, stream=file, name=file.name, fmt=form.cleaned_data["fmt"] or None, source=form.cleaned_data["source"]
            )
        except ApplicationError as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("imports:preview", pk=upload.pk)
    return render(request, "imports/upload.html", {"form": form, "uploads": upload_list(actor=actor)[:RECENT_UPLOADS]})


@login_required
def preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The check of a file: the first rows, what the import would do, every error; a CSV's column mapping; the mode."""
    _actor, upload = _upload(request, pk)
    mapping_form = None
    if upload.fmt == UploadFormat.CSV and upload.content:
        try:
            header = upload_header(upload=upload)
        except ApplicationError:
            header = []
        mapping_form = MappingForm(header=header, initial_mapping=upload.mapping)
    check_job = upload.check_job
    checking = check_job is not None and check_job.status in {JobStatus.QUEUED, JobStatus.RUNNING}
    progress, counts = job_progress(job=check_job) if check_job is not None else (0, {})
    context = {
        "upload": upload,
        "check": upload.check_report,
        "checking": checking,
        "check_job": check_job,
        "progress": progress,
        "read": counts.get("read"),
        "mapping_form": mapping_form,
        "run_form": RunForm(),
        "started": upload.job is not None and upload.job.status != JobStatus.FAILED,
    }
    return render(request, "imports/preview.html", context)


@login_required
@require_POST
def mapping_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a CSV's column mapping (for its source too) and check the file again."""
    actor, upload = _upload(request, pk)
    if upload.fmt != UploadFormat.CSV:
        raise Http404
    form = MappingForm(request.POST, header=upload_header(upload=upload), initial_mapping=upload.mapping)
    if form.is_valid():
        try:
            upload_map(upload=upload, actor=actor, mapping=form.mapping())
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Mapping saved; the file was checked again."))
    return redirect("imports:preview", pk=upload.pk)


@login_required
@require_POST
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the import (a second click goes to the same job) and show its progress."""
    actor, upload = _upload(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        return redirect("imports:preview", pk=upload.pk)
    try:
        with transaction.atomic():
            upload_run_enqueue(
                upload=upload,
                actor=actor,
                skip_invalid=form.cleaned_data["mode"] == "valid",
                new_revision=form.cleaned_data["new_revision"],
            )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("imports:preview", pk=upload.pk)
    return redirect("imports:job", pk=upload.pk)


@login_required
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's progress bar, then its result; htmx polls the card until the job ends."""
    _actor, upload = _upload(request, pk)
    job = upload.job
    if job is None:
        return redirect("imports:preview", pk=upload.pk)
    progress, counts = job_progress(job=job)
    context = {
        "upload": upload,
        "job": job,
        "progress": progress,
        "read": counts.get("read"),
        "live": job.status in {JobStatus.QUEUED, JobStatus.RUNNING},
        "report": upload.report,
    }
    template = "imports/_job.html" if getattr(request, "htmx", False) else "imports/job.html"
    return render(request, template, context)
