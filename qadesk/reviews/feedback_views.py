"""The agent's side of reviews: "my reviews" with their trend, acknowledging, coaching notes, reopening locked scores.

Thin views: parse the request, call one selector or service, redirect or render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import OrgSettings, User
from qadesk.analytics.charts import period_series
from qadesk.analytics.selectors import QualityReport, quality_report
from qadesk.core.errors import ApplicationError
from qadesk.disputes.selectors import reviews_of_agent
from qadesk.disputes.services import review_reopen
from qadesk.reviews.selectors import review_detail
from qadesk.reviews.services import coaching_note_add, review_acknowledge
from qadesk.surveys.selectors import customer_voice

PAGE_SIZE = 25
TREND_PERIODS = ("week", "month")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def my_reviews_view(request: HttpRequest) -> HttpResponse:
    """The user's own submitted reviews with errors, acknowledgement and dispute status, and their IQS trend."""
    user = _user(request)
    period = request.GET.get("period") or "week"
    period = period if period in TREND_PERIODS else "week"
    page = Paginator(reviews_of_agent(actor=user), PAGE_SIZE).get_page(request.GET.get("page"))
    trend = quality_report(actor=user, by="period", period=period, date_from=None, date_to=None, filters=_own(user))
    context = {
        "page_obj": page,
        "pass_mark": OrgSettings.load().pass_mark,
        "trend": trend,
        "period": period,
        "chart": _chart(trend),
        "customer_voice": customer_voice(actor=user, own=True),  # an agent's own customers' ratings beside their reviews
    }
    return render(request, "reviews/mine.html", context)


def _own(user: User) -> dict[str, Any]:
    """Restrict the report to the user's own agent (visibility already does for an agent; a team lead has a team too)."""
    agent = getattr(user, "agent", None)
    return {"agent": agent.pk} if agent is not None else {"agent": -1}


def _chart(report: QualityReport) -> dict[str, Any]:
    """The trend as my_trend.js draws it: every period between the first and the last review (gaps where none), labels
    in the reader's language, the 95 % interval and which points are below the pass mark (analytics.charts)."""
    series = period_series(report.groups, period=report.period, pass_mark=float(report.pass_mark))
    return {
        **series,
        "passMark": report.pass_mark,
        "text": {
            "iqs": _("IQS"),
            "n": _("n"),
            "passMark": _("Pass mark"),
            "ci": _("{level} interval").format(level="95 %"),
            "noReviews": _("no reviews"),
        },
    }


@login_required
@require_POST
def review_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The credited agent confirms having read the review."""
    review = review_detail(actor=_user(request), pk=pk)
    try:
        review_acknowledge(review=review, actor=_user(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: the review is marked as read."))
    return redirect("reviews:detail", pk=review.pk)


@login_required
@require_POST
def coaching_note_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The agent's team lead or a QA lead adds a coaching note; on an error the text is kept."""
    review = review_detail(actor=_user(request), pk=pk)
    body = request.POST.get("body", "")
    try:
        coaching_note_add(review=review, actor=_user(request), body=body)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        request.session["coaching_draft"] = {"review": review.pk, "body": body}
    else:
        messages.success(request, _("Coaching note added; the agent has been told."))
    return redirect(reverse("reviews:detail", args=[review.pk]) + "#coaching")


@login_required
@require_POST
def review_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead unlocks scores locked by a rejected dispute."""
    review = review_detail(actor=_user(request), pk=pk)
    try:
        review_reopen(review=review, actor=_user(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The review was reopened: the agent may dispute it again."))
    return redirect("reviews:detail", pk=review.pk)
