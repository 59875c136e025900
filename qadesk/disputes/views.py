"""Thin views: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.core.exports import page_export
from qadesk.disputes.exports import disputes_table
from qadesk.disputes.forms import DisputeCommentForm, DisputeDecideForm, DisputeFilterForm, DisputeOpenForm
from qadesk.disputes.models import Dispute, DisputeKind, DisputeStatus
from qadesk.disputes.selectors import (
    dispute_dashboard,
    dispute_detail,
    dispute_is_overdue,
    dispute_list,
    settled_criterion_ids,
)
from qadesk.disputes.services import dispute_check_decider, dispute_comment, dispute_decide, dispute_escalate, dispute_open
from qadesk.interactions.models import Interaction
from qadesk.interactions.selectors import interaction_detail
from qadesk.reviews.models import Review
from qadesk.reviews.selectors import review_detail

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def dispute_list_view(request: HttpRequest) -> HttpResponse:
    """Disputes the user may see, filterable by status, overdue, decider and team; htmx gets only the table."""
    form = DisputeFilterForm(request.GET or None, actor=_user(request))
    page = Paginator(dispute_list(actor=_user(request), filters=form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "disputes/_table.html" if getattr(request, "htmx", False) else "disputes/list.html"
    return render(request, template, {"form": form, "page_obj": page})


@login_required
def dispute_export_view(request: HttpRequest) -> HttpResponseBase:
    """The disputes the list shows (all pages, same filters) as CSV or xlsx."""
    form = DisputeFilterForm(request.GET or None, actor=_user(request))
    disputes = dispute_list(actor=_user(request), filters=form.filters())
    return page_export(request, lambda: disputes_table(disputes=disputes))


@login_required
def dispute_dashboard_view(request: HttpRequest) -> HttpResponse:
    """Open and overdue counts, resolution time and acceptance rates; agents have no dashboard (404)."""
    if _user(request).role == Role.AGENT:
        raise Http404
    return render(request, "disputes/dashboard.html", {"dash": dispute_dashboard(actor=_user(request))})


@login_required
def dispute_open_view(request: HttpRequest, review_pk: int) -> HttpResponse:
    """The credited agent contests criteria (or the crediting) of their review."""
    review = review_detail(actor=_user(request), pk=review_pk)
    if review.agent.user_id != _user(request).pk:
        raise Http404
    settled = settled_criterion_ids(review=review)  # each finding is disputed once: those decided are not offered
    form = DisputeOpenForm(request.POST or None, ratings=[r for r in review.ratings.all() if r.criterion_id not in settled])
    if request.method == "POST" and form.is_valid():
        try:
            dispute = dispute_open(
                review=review,
                actor=_user(request),
                argument=form.cleaned_data["argument"],
                items=form.items(),
                kind=form.cleaned_data["kind"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your dispute was sent to {name}.").format(name=_name(dispute.assignee)))
            return redirect("disputes:detail", pk=dispute.pk)
    context = {"review": review, "form": form, "pass_mark": OrgSettings.load().pass_mark}
    context["interaction"] = _interaction(_user(request), review)  # the argument cites it: shown beside the form
    return render(request, "disputes/open.html", context)


@login_required
def dispute_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The contested criteria, the argument, the thread, and the decision form for whoever decides."""
    dispute = dispute_detail(actor=_user(request), pk=pk)
    return render(request, "disputes/detail.html", _detail_context(request, dispute))


def _detail_context(request: HttpRequest, dispute: Dispute, **forms: object) -> dict[str, object]:
    user = _user(request)
    in_dispute = user.pk in (dispute.raised_by_id, dispute.assignee_id) or user.role in {Role.QA_LEAD, Role.ADMIN}
    open_ = dispute.status != DisputeStatus.DECIDED
    can_decide = open_ and (user.pk == dispute.assignee_id or user.role in {Role.QA_LEAD, Role.ADMIN})
    context: dict[str, object] = {
        "dispute": dispute,
        "review": dispute.review,
        "pass_mark": OrgSettings.load().pass_mark,
        "overdue": dispute_is_overdue(dispute),
        "can_comment": in_dispute,
        "can_escalate": in_dispute and dispute.status == DisputeStatus.OPEN,
        "can_decide": can_decide,
        # An agent whose wrong-agent dispute moved the review to someone else still sees the dispute, not the review.
        "can_open_review": Review.objects.visible_to(user).filter(pk=dispute.review_id).exists(),
        "wrong_agent": dispute.kind == DisputeKind.WRONG_AGENT,
        "comment_form": DisputeCommentForm(),
        "decide_form": DisputeDecideForm(dispute=dispute) if can_decide else None,
        "interaction": _transcript(user, dispute),
    }
    context.update(forms)
    return context


def _transcript(user: User, dispute: Dispute) -> Interaction | None:
    """The contact with its messages, for whoever may see it: the argument cites it, and the decision rests on it."""
    return _interaction(user, dispute.review)


def _interaction(user: User, review: Review) -> Interaction | None:
    try:
        return interaction_detail(actor=user, pk=review.interaction_id)
    except Http404:
        return None


@login_required
@require_POST
def dispute_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = dispute_detail(actor=_user(request), pk=pk)
    form = DisputeCommentForm(request.POST)
    if form.is_valid():
        try:
            dispute_comment(dispute=dispute, actor=_user(request), body=form.cleaned_data["body"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect(reverse("disputes:detail", args=[dispute.pk]) + "#thread")
    return render(request, "disputes/detail.html", _detail_context(request, dispute, comment_form=form), status=400)


@login_required
@require_POST
def dispute_escalate_view(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = dispute_detail(actor=_user(request), pk=pk)
    try:
        dispute_escalate(dispute=dispute, actor=_user(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The dispute was escalated to {name}.").format(name=_name(dispute.assignee)))
    return redirect("disputes:detail", pk=dispute.pk)


@login_required
@require_POST
def dispute_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = dispute_detail(actor=_user(request), pk=pk)
    try:
        dispute_check_decider(dispute=dispute, actor=_user(request))
    except PermissionDenied as exc:
        messages.error(request, str(exc.message))
        return redirect("disputes:detail", pk=dispute.pk)
    form = DisputeDecideForm(request.POST, dispute=dispute)
    if form.is_valid():
        try:
            dispute_decide(
                dispute=dispute,
                actor=_user(request),
                accepted=form.accepted(),
                note=form.cleaned_data["note"],
                credit_agent=form.cleaned_data.get("credit_agent"),
            )
        except (PermissionDenied, Conflict) as exc:
            # Decided meanwhile by someone else, or not theirs to decide: the page as it now stands says the rest.
            messages.error(request, str(exc.message))
            return redirect("disputes:detail", pk=dispute.pk)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Decision recorded: {outcome}.").format(outcome=dispute.get_outcome_display()))
            return redirect("disputes:detail", pk=dispute.pk)
    return render(request, "disputes/detail.html", _detail_context(request, dispute, decide_form=form), status=400)


def _name(user: User) -> str:
    return user.get_full_name() or user.username
