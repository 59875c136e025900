"""Survey pages for signed-in people: the list, each survey's results (figures, groups, distributions, comments) with
downloads, and one response. Everyone sees the results over the responses they may see (visible_to)."""

from __future__ import annotations

import io
from datetime import date

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.dateparse import parse_date

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import page_export
from qadesk.core.i18n import pick
from qadesk.surveys.exports import DEFINITIONS, results_table
from qadesk.surveys.selectors import (
    DIMENSIONS,
    answer_display,
    response_detail,
    survey_comments,
    survey_get,
    survey_list,
    survey_results,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _day(request: HttpRequest, name: str) -> date | None:
    try:
        return parse_date(request.GET.get(name, "") or "")
    except ValueError:
        return None


def _filters(request: HttpRequest) -> tuple[str | None, date | None, date | None]:
    by = request.GET.get("by") or None
    return (by if by in DIMENSIONS else None), _day(request, "from"), _day(request, "to")


@login_required
def survey_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/list.html", {"surveys": survey_list(actor=_user(request))})


@login_required
def survey_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    """CSAT, NPS, CES and response rate with n, interval and "not conclusive", per group; distributions; comments."""
    actor = _user(request)
    survey = survey_get(actor=actor, survey_id=pk)
    by, date_from, date_to = _filters(request)
    search = request.GET.get("q", "")[:200]
    try:
        results = survey_results(actor=actor, survey=survey, by=by, date_from=date_from, date_to=date_to)
        comments = survey_comments(actor=actor, survey=survey, search=search, date_from=date_from, date_to=date_to)
        error = ""
    except ApplicationError as exc:
        results, comments, error = None, [], str(exc.message)
    open_url = request.build_absolute_uri(f"/s/o/{survey.open_token}/") if survey.open_link else ""
    context = {
        "survey": survey,
        "results": results,
        "comments": comments,
        "error": error,
        "dimensions": DIMENSIONS,
        "by": by or "",
        "date_from": date_from,
        "date_to": date_to,
        "search": search,
        "definitions": DEFINITIONS,
        "open_url": open_url if actor.sees_everything else "",
        "name": pick(survey.name),
    }
    return render(request, "surveys/results.html", context, status=400 if error else 200)


@login_required
def survey_results_export_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = _user(request)
    survey = survey_get(actor=actor, survey_id=pk)
    by, date_from, date_to = _filters(request)
    return page_export(
        request, lambda: results_table(survey_results(actor=actor, survey=survey, by=by, date_from=date_from, date_to=date_to))
    )


@login_required
def open_link_qr_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The open link as a QR code (SVG or PNG) for a counter or a poster; only for those who see the open link."""
    survey = survey_get(actor=_user(request), survey_id=pk)
    if not survey.open_link or not _user(request).sees_everything:
        raise Http404
    code = segno.make(request.build_absolute_uri(f"/s/o/{survey.open_token}/"), error="m")
    out = io.BytesIO()
    code.save(out, kind=fmt, scale=10, border=4, **({"title": pick(survey.name)} if fmt == "svg" else {}))
    answer = HttpResponse(out.getvalue(), content_type="image/svg+xml" if fmt == "svg" else "image/png")
    answer["Content-Disposition"] = f'inline; filename="survey-{survey.code}.{fmt}"'
    return answer


@login_required
def response_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One customer's answers (404 unless the reader may see the interaction they are about)."""
    response = response_detail(actor=_user(request), response_id=pk)
    answers = [
        (pick(a.question.text), answer_display(a))
        for a in response.answers.select_related("question").order_by("question__position")
    ]
    return render(request, "surveys/response.html", {"response": response, "answers": answers})
