"""Thin views of the complaint register: parse the request, call one selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.complaints.exports import complaints_table
from qadesk.complaints.forms import ActionForm, ComplaintFilterForm, ComplaintForm, TransitionForm
from qadesk.complaints.models import Complaint
from qadesk.complaints.selectors import (
    DIMENSIONS,
    complaint_audit,
    complaint_detail,
    complaint_is_overdue,
    complaint_list,
    complaint_report,
)
from qadesk.complaints.services import (
    TRANSITIONS,
    complaint_act,
    complaint_can_handle,
    complaint_can_log,
    complaint_create,
    complaint_transition,
    complaint_unlink,
    complaint_update,
)
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.core.exports import page_export
from qadesk.interactions.models import Interaction
from qadesk.surveys.outcome import complaint_outcome

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    """The register the user may see, filterable and sortable; htmx gets only the table."""
    form = ComplaintFilterForm(request.GET or None, actor=_user(request))
    complaints = complaint_list(actor=_user(request), filters=form.filters())
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "complaints/_table.html" if getattr(request, "htmx", False) else "complaints/list.html"
    return render(request, template, {"form": form, "page_obj": page, "can_log": complaint_can_log(actor=_user(request))})


@login_required
def complaint_export_view(request: HttpRequest) -> HttpResponseBase:
    """The complaints the list shows (all pages, same filters) as CSV or xlsx."""
    form = ComplaintFilterForm(request.GET or None, actor=_user(request))
    complaints = complaint_list(actor=_user(request), filters=form.filters())
    return page_export(request, lambda: complaints_table(complaints=complaints))


@login_required
def complaint_create_view(request: HttpRequest) -> HttpResponse:
    """Log a complaint by hand or from a contact (`?interaction=ID`, which must be visible to the user)."""
    user = _user(request)
    if not complaint_can_log(actor=user):
        raise Http404
    interaction = None
    ref = request.POST.get("interaction") or request.GET.get("interaction")
    if ref:
        if not str(ref).isdigit():
            raise Http404
        interaction = get_object_or_404(Interaction.objects.visible_to(user).select_related("team"), pk=int(ref))
    initial = {"phase": interaction.phase, "team": interaction.team_id} if interaction else {}
    if interaction and interaction.customer_id:
        initial["customer"] = interaction.customer.external_id  # type: ignore[union-attr]
    form = ComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_create(actor=user, interactions=[interaction] if interaction else [], **form.values())
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Complaint #{id} logged.").format(id=complaint.pk))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/form.html", {"form": form, "interaction": interaction, "complaint": None})


@login_required
def complaint_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    complaint = complaint_detail(actor=user, pk=pk)
    if not complaint_can_handle(actor=user, complaint=complaint):
        raise Http404
    form = ComplaintForm(request.POST or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_update(complaint=complaint, actor=user, **form.values())
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Complaint #{id} saved.").format(id=complaint.pk))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/form.html", {"form": form, "interaction": None, "complaint": complaint})


@login_required
def complaint_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_detail(actor=_user(request), pk=pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


def _detail_context(request: HttpRequest, complaint: Complaint, **forms: object) -> dict[str, object]:
    user = _user(request)
    can_handle = complaint_can_handle(actor=user, complaint=complaint) and not complaint.is_closed
    allowed = sorted(TRANSITIONS[complaint.status])
    visible = set(Interaction.objects.visible_to(user).filter(complaints=complaint).values_list("pk", flat=True))
    context: dict[str, object] = {
        "complaint": complaint,
        "overdue": complaint_is_overdue(complaint),
        "can_handle": can_handle,
        "action_form": ActionForm(),
        "transition_form": TransitionForm(allowed=allowed) if allowed else None,
        "audit": complaint_audit(complaint=complaint),
        "visible_interactions": visible,
        "outcome": complaint_outcome(complaint=complaint) if complaint.is_closed else None,
    }
    context.update(forms)
    return context


@login_required
@require_POST
def complaint_act_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_post(request, pk, ActionForm(request.POST), "action_form", complaint_act, lambda complaint: None)


@login_required
@require_POST
def complaint_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    def done(complaint: Complaint) -> None:
        messages.success(request, _("Status: {status}.").format(status=complaint.get_status_display()))

    return _detail_post(request, pk, TransitionForm(request.POST), "transition_form", complaint_transition, done)


def _detail_post(
    request: HttpRequest,
    pk: int,
    form: Form,
    form_name: str,
    service: Callable[..., Any],
    done: Callable[[Complaint], None],
) -> HttpResponse:
    """A form posted from the complaint's page: call the service, then back to the page; a refusal because the complaint
    moved meanwhile or is not theirs to change is a message on the page as it now stands, other errors stay on the form."""
    complaint = complaint_detail(actor=_user(request), pk=pk)
    if form.is_valid():
        try:
            service(complaint=complaint, actor=_user(request), **form.cleaned_data)
        except (PermissionDenied, Conflict) as exc:
            messages.error(request, str(exc.message))
            return redirect("complaints:detail", pk=complaint.pk)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            done(complaint)
            return redirect("complaints:detail", pk=complaint.pk)
    context = _detail_context(request, complaint_detail(actor=_user(request), pk=pk), **{form_name: form})
    return render(request, "complaints/detail.html", context, status=400)


@login_required
@require_POST
def complaint_unlink_view(request: HttpRequest, pk: int, interaction_pk: int) -> HttpResponse:
    complaint = complaint_detail(actor=_user(request), pk=pk)
    interaction = get_object_or_404(complaint.interactions.all(), pk=interaction_pk)
    try:
        complaint_unlink(complaint=complaint, actor=_user(request), interaction=interaction)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
def complaint_report_view(request: HttpRequest) -> HttpResponse:
    """Counts by category, phase, team or month; time to resolve; share closed within target; repeat complainants."""
    by = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else "category"
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    report = complaint_report(actor=_user(request), by=str(by), date_from=date_from, date_to=date_to)
    return render(request, "complaints/report.html", {"report": report, "dimensions": DIMENSIONS})


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
