"""Connector pages (admins only): the list, the form, a connector's sync history, "sync now" and its job's progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.connectors.forms import ConnectorForm
from qadesk.connectors.models import Connector, ConnectorSync
from qadesk.connectors.selectors import connector_list, connector_sync_history
from qadesk.connectors.services import JOB_KIND, connector_check_allowed, connector_save, connector_sync_enqueue
from qadesk.core.errors import ApplicationError
from qadesk.core.models import JobRun, JobStatus


def _admin(request: HttpRequest) -> User:
    """Connectors are an admin's business: anyone else gets 404, as for a page that is not theirs."""
    user = request.user
    assert isinstance(user, User)
    try:
        connector_check_allowed(actor=user)
    except ApplicationError:
        raise Http404 from None
    return user


@login_required
def connector_list_view(request: HttpRequest) -> HttpResponse:
    """Every connector with its last sync."""
    _admin(request)
    return render(request, "connectors/list.html", {"connectors": connector_list()})


@login_required
def connector_create_view(request: HttpRequest) -> HttpResponse:
    return _form(request, Connector())


@login_required
def connector_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _form(request, get_object_or_404(connector_list(), pk=pk))


def _form(request: HttpRequest, connector: Connector) -> HttpResponse:
    actor = _admin(request)
    form = ConnectorForm(request.POST or None, instance=connector)
    if request.method == "POST" and form.is_valid():
        try:
            saved = connector_save(connector=form.save(commit=False), secret=form.cleaned_data.get("secret"), actor=actor)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Connector saved."))
            return redirect("connectors:detail", pk=saved.pk)
    return render(request, "connectors/form.html", {"form": form, "connector": connector if connector.pk else None})


@login_required
def connector_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A connector's settings, cursor and sync history (counts and errors)."""
    _admin(request)
    connector = get_object_or_404(connector_list(), pk=pk)
    return render(
        request, "connectors/detail.html", {"connector": connector, "syncs": connector_sync_history(connector=connector)}
    )


@login_required
@require_POST
def connector_sync_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Sync now: queue a sync and show its job's progress."""
    actor = _admin(request)
    connector = get_object_or_404(connector_list(), pk=pk)
    with transaction.atomic():
        job = connector_sync_enqueue(connector=connector, actor=actor)
    messages.success(request, _("The sync is queued."))
    return redirect("connectors:job", pk=job.pk)


COUNTED = {
    "fetched": _lazy("fetched"), "created": _lazy("created"), "updated": _lazy("updated"),
    "deleted": _lazy("deleted"), "kept": _lazy("kept"), "refused": _lazy("refused"), "revised": _lazy("revised"),
}  # fmt: skip


@login_required
def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A sync job's status, progress, counts and log; htmx polls the card until the job ends."""
    _admin(request)
    job = get_object_or_404(JobRun.objects.filter(kind=JOB_KIND), pk=pk)
    sync = ConnectorSync.objects.filter(job=job).first()
    connector = Connector.objects.filter(pk=int((job.params or {}).get("connector") or 0)).first()
    live = job.status in {JobStatus.QUEUED, JobStatus.RUNNING}
    counts = [(COUNTED[name], n) for name, n in job.counts.items() if name in COUNTED]
    context = {"job": job, "sync": sync, "connector": connector, "live": live, "counts": counts}
    template = "connectors/_job.html" if getattr(request, "htmx", False) else "connectors/job_detail.html"
    return render(request, template, context)
