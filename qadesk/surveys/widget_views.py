"""The help-centre widget's endpoint (/s/w/<token>/): the first question of a survey with an open link as JSON, and its
answer posted from any page that includes static/surveys/widget.js.

Cross-origin on purpose: the answer comes from the help centre's own domain. The endpoint uses no cookie and no
session (the script sends no credentials and qadesk sets none here), so a forged request can do nothing a visitor
could not do by hand; that is why it is exempt from CSRF and answers with `Access-Control-Allow-Origin: *` but never
with credentials. The posted body is a "simple" form (no preflight), at most WIDGET_MAX_BODY bytes; answers are
rate-limited per client like the open-link page, and a honeypot field thanks and ignores bots.

The iframe option (/s/w/<token>/frame/) is the same widget on a page of qadesk's own, for help centres that take an
iframe but no script. It is the only page qadesk lets other sites frame: no X-Frame-Options, and CSP frame-ancestors
from QADESK_SURVEY_FRAME_ANCESTORS. It is safe to frame because it sets and reads no cookie and holds nothing but the
question: a click tricked out of a visitor records one vote, as clicking the widget would."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from qadesk.core.errors import ApplicationError
from qadesk.core.i18n import pick
from qadesk.surveys.models import Question, Survey
from qadesk.surveys.public_views import HONEYPOT, LANGUAGES, _language, _options, _rate_limited, _widget_key
from qadesk.surveys.services import response_answer, response_for_open_link

WIDGET_MAX_BODY = 4096  # bytes: a key, one answer and a page address
WIDGET_KINDS = ("yes_no", "csat", "nps", "ces", "single")  # the first question must be answered with one click


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    answer = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    answer["Access-Control-Allow-Origin"] = "*"
    answer["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    answer["Access-Control-Allow-Headers"] = "Content-Type"
    answer["Access-Control-Max-Age"] = "86400"
    return answer


def _first_question(survey: Survey) -> Question | None:
    version = survey.current_version()
    first = version.questions.order_by("position").first() if version else None
    return first if first is not None and first.kind in WIDGET_KINDS and not first.condition else None


@never_cache
@csrf_exempt
def widget_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the question, its options and the thanks in the asked language; POST key, answer, page: record the answer
    (a second post with the same key changes it) and give the open-link address for the rest of the survey."""
    if request.method == "OPTIONS":
        return _json({})
    if request.method not in ("GET", "POST"):
        return _json({"error": "method not allowed"}, 405)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = WIDGET_MAX_BODY + 1
    if length > WIDGET_MAX_BODY:
        return _json({"error": f"request body larger than {WIDGET_MAX_BODY} bytes"}, 413)
    lang = str(request.GET.get("lang", "") or request.POST.get("lang", ""))[:2].lower()
    language = _language(request, lang if lang in LANGUAGES else "")
    survey = Survey.objects.filter(open_token=token, open_link=True).first()
    question = _first_question(survey) if survey is not None else None
    if survey is None or question is None:
        return _json({"error": "unknown survey"}, 404)
    with translation.override(language):
        if request.method == "GET":
            version = question.version
            return _json(
                {
                    "question": question.code,
                    "title": pick(version.title, language) or pick(survey.name, language),
                    "text": pick(question.text, language),
                    "options": [{"value": v, "label": label} for v, label in _options(question, language)],
                    "thanks": pick(version.thanks, language) or translation.gettext("Thank you for your answer."),
                    "more": translation.gettext("Tell us more"),
                    "language": language,
                }
            )
        if request.POST.get(HONEYPOT):
            return _json({"ok": True})
        key = _widget_key(str(request.POST.get("key", "")))
        if not key:
            return _json({"error": "key: 22 to 64 letters, digits, - or _"}, 400)
        if _rate_limited(request, survey):
            return _json({"error": "too many answers, try again in a minute"}, 429)
        page = str(request.POST.get("page", ""))[:500]
        try:
            response = response_for_open_link(survey=survey, key=key, language=language, page_url=page)
            if question.version_id != response.version_id:
                question = response.version.questions.filter(code=question.code).first() or question
            following = response_answer(response=response, question=question, raw=[str(request.POST.get("answer", ""))])
        except ApplicationError as exc:
            return _json({"error": f"answer: {exc.message}"}, 400)
        more = ""
        if following is not None:
            more = request.build_absolute_uri(reverse("survey_public:open", args=[survey.open_token]))
            more += f"?q={following.code}&k={key}"
        return _json({"ok": True, "more": more})


@xframe_options_exempt
@require_GET
def widget_frame_view(request: HttpRequest, token: str) -> HttpResponse:
    """The widget alone on a page, for an iframe on a help-centre page (?lang=it|fr|en, else the browser's language):
    framable by QADESK_SURVEY_FRAME_ANCESTORS, unlike every other page."""
    lang = str(request.GET.get("lang", ""))[:2].lower()
    language = _language(request, lang if lang in LANGUAGES else "")
    survey = Survey.objects.filter(open_token=token, open_link=True).first()
    if survey is None or _first_question(survey) is None:
        raise Http404
    with translation.override(language):
        answer = render(request, "surveys/public/frame.html", {"token": survey.open_token, "language": language})
    answer._csp_replace = {"frame-ancestors": list(settings.QADESK_SURVEY_FRAME_ANCESTORS)}  # type: ignore[attr-defined]
    return answer
