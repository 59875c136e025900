"""The gap page: our scores beside the customer's (seed 003), the discrepancy list with its two actions (a second review,
a calibration session) and the planned / delivered / received panel. QA staff, managers and team leads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError
from qadesk.reviews.forms import reviewers_queryset
from qadesk.surveys.gap_selectors import GAP_DIMENSIONS, RATINGS, gap_check_access, gap_report
from qadesk.surveys.models import TargetFigure
from qadesk.surveys.views import _day


@login_required
def gap_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    gap_check_access(actor=actor)
    by = request.GET.get("by") or "team"
    rating = request.GET.get("rating") or "csat"
    date_from, date_to = _day(request, "from"), _day(request, "to")
    try:
        report, error = gap_report(actor=actor, by=by, rating=rating, date_from=date_from, date_to=date_to), ""
    except ApplicationError as exc:
        report, error = None, str(exc.message)
    can_act = actor.role in {Role.QA_LEAD, Role.ADMIN}
    context = {
        "report": report,
        "error": error,
        "by": by,
        "rating": rating,
        "dimensions": GAP_DIMENSIONS,
        "ratings": RATINGS,
        "date_from": date_from,
        "date_to": date_to,
        "figures": TargetFigure.choices,
        "can_act": can_act,
        "reviewers": list(reviewers_queryset()) if can_act and report and report.discrepancies else [],
    }
    return render(request, "surveys/gap.html", context, status=400 if error else 200)
