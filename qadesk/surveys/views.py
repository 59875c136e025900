"""Survey pages for signed-in people: the list, each survey's results (figures, groups, distributions, comments) with
downloads, and one response. Everyone sees the results over the responses they may see (visible_to)."""

from __future__ import annotations

import io
from datetime import date

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import page_export
from qadesk.core.i18n import pick
from qadesk.surveys.exports import DEFINITIONS, results_table
from qadesk.surveys.models import Question, Survey, SurveyResponse
from qadesk.surveys.poster import poster_pdf_bytes
from qadesk.surveys.selectors import (
    DIMENSIONS,
    TREND_PERIODS,
    answer_display,
    followup_check_access,
    followup_list,
    response_audit,
    response_detail,
    survey_comments,
    survey_get,
    survey_list,
    survey_results,
    survey_trend,
)
from qadesk.surveys.services import response_follow_up
from qadesk.surveys.widget_views import WIDGET_KINDS


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
    period = str(request.GET.get("period")) if request.GET.get("period") in TREND_PERIODS else "month"
    try:
        results = survey_results(actor=actor, survey=survey, by=by, date_from=date_from, date_to=date_to)
        comments = survey_comments(actor=actor, survey=survey, search=search, date_from=date_from, date_to=date_to)
        trend = survey_trend(actor=actor, survey=survey, period=period, date_from=date_from, date_to=date_to)
        error = ""
    except ApplicationError as exc:
        results, comments, trend, error = None, [], [], str(exc.message)
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
        "trend": trend,
        "period": period,
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
    survey = _open_link_survey(request, pk)
    code = segno.make(request.build_absolute_uri(f"/s/o/{survey.open_token}/"), error="m")
    out = io.BytesIO()
    code.save(out, kind=fmt, scale=10, border=4, **({"title": pick(survey.name)} if fmt == "svg" else {}))
    answer = HttpResponse(out.getvalue(), content_type="image/svg+xml" if fmt == "svg" else "image/png")
    answer["Content-Disposition"] = f'inline; filename="survey-{survey.code}.{fmt}"'
    return answer


def _open_link_survey(request: HttpRequest, pk: int) -> Survey:
    """The survey when it has an open link and the reader may hand it out (those who see everything), else 404."""
    survey = survey_get(actor=_user(request), survey_id=pk)
    if not survey.open_link or not _user(request).sees_everything:
        raise Http404
    return survey


@login_required
def survey_embed_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The help-centre widget's snippet to copy, the open link, and the A4 poster in each language."""
    survey = _open_link_survey(request, pk)
    base = request.build_absolute_uri("/").rstrip("/")
    static_base = request.build_absolute_uri(static("surveys/widget.js")).rsplit("/", 1)[0]
    snippet = (
        f'<link rel="stylesheet" href="{static_base}/widget.css">\n'
        f'<div data-qadesk-survey="{survey.open_token}"></div>\n'
        f'<script src="{static_base}/widget.js" async></script>'
    )
    frame_url = base + reverse("survey_public:widget_frame", args=[survey.open_token])
    language = (get_language() or "en")[:2]
    iframe = (
        f'<iframe src="{frame_url}?lang={language}" title="{escape(pick(survey.name))}" width="100%" height="160" '
        'style="border:0"></iframe>'
    )
    question = _first_question(survey)
    context = {
        "survey": survey,
        "name": pick(survey.name),
        "snippet": snippet,
        "iframe": iframe,
        "frame_ancestors": " ".join(settings.QADESK_SURVEY_FRAME_ANCESTORS),
        "open_url": f"{base}/s/o/{survey.open_token}/",
        "languages": settings.LANGUAGES,
        "widget_ready": question is not None and question.kind in WIDGET_KINDS and not question.condition,
    }
    return render(request, "surveys/embed.html", context)


def _first_question(survey: Survey) -> Question | None:
    version = survey.current_version()
    return version.questions.order_by("position").first() if version else None


@login_required
def survey_poster_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable A4 poster (PDF) with the open link's QR code, in ?lang= (else the reader's language)."""
    survey = _open_link_survey(request, pk)
    wanted = str(request.GET.get("lang", ""))[:2]
    language = wanted if wanted in {code for code, _name in settings.LANGUAGES} else (get_language() or "en")[:2]
    version = survey.current_version()
    question = _first_question(survey)
    with translation.override(language):
        body = poster_pdf_bytes(
            title=(pick(version.title, language) if version else "") or pick(survey.name, language),
            question=pick(question.text, language) if question else "",
            call=_("Scan the code to answer"),
            url=request.build_absolute_uri(f"/s/o/{survey.open_token}/"),
            language=language,
        )
    answer = HttpResponse(body, content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="survey-{survey.code}-poster-{language}.pdf"'
    return answer


@login_required
def response_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One customer's answers (404 unless the reader may see the interaction they are about)."""
    response = response_detail(actor=_user(request), response_id=pk)
    answers = [
        (pick(a.question.text), answer_display(a))
        for a in response.answers.select_related("question").order_by("question__position")
    ]
    context = {"response": response, "answers": answers, "audit": response_audit(response=response)}
    return render(request, "surveys/response.html", context)


FOLLOWUPS_SHOWN = 200


@login_required
def followup_list_view(request: HttpRequest) -> HttpResponse:
    """Detractors and CSAT ≤ 2 answers awaiting follow-up (or those done), each with its owner and a "followed up"."""
    actor = _user(request)
    done = request.GET.get("status") == "done"
    responses = list(followup_list(actor=actor, done=done).prefetch_related("answers__question")[:FOLLOWUPS_SHOWN])
    rows = [(r, *_rating_and_comment(r)) for r in responses]
    return render(request, "surveys/followups.html", {"rows": rows, "done": done, "shown": FOLLOWUPS_SHOWN})


def _rating_and_comment(response: SurveyResponse) -> tuple[str, str]:
    """The response's first CSAT/NPS answer as "CSAT 2" and its first non-empty comment."""
    answers = sorted(response.answers.all(), key=lambda a: a.question.position)
    rating = next((f"{a.question.kind.upper()} {a.value}" for a in answers if a.question.kind in ("csat", "nps")), "")
    comment = next((a.text for a in answers if a.question.kind == "text" and a.text), "")
    return rating, comment


@login_required
@require_POST
def followup_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    followup_check_access(actor=actor)
    response = response_detail(actor=actor, response_id=pk)
    try:
        response_follow_up(response=response, actor=actor, note=request.POST.get("note", ""))
        messages.success(request, _("Marked as followed up."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("surveys:followups")
