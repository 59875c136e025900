"""The respondent's pages: public, no login, one question a step (each answer saved as it is given, with or without
script), in the invitation's language or the browser's. Personal links (/s/<token>/) and open links (/s/o/<token>/)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from qadesk.accounts.throttling import client_address
from qadesk.core.errors import ApplicationError
from qadesk.core.i18n import pick
from qadesk.surveys.models import Question, Survey, SurveyInvitation, SurveyResponse, SurveyVersion, new_token
from qadesk.surveys.rules import contact_opt_out
from qadesk.surveys.services import (
    invitation_one_click,
    next_question,
    response_answer,
    response_for_invitation,
    response_for_open_link,
)

HONEYPOT = "website"  # a field people never see nor fill; bots that fill every field are thanked and ignored
COOKIE_DAYS = 30
WIDGET_KEY = re.compile(r"^[A-Za-z0-9_-]{22,64}$")  # the widget's random key (the script makes 128 bits as 32 hex digits)
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _language(request: HttpRequest, preferred: str = "") -> str:
    """The invitation's language when it has one qadesk speaks, else the browser's (LocaleMiddleware chose it)."""
    if preferred[:2] in LANGUAGES:
        return preferred[:2]
    return (getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE)[:2]


def _unavailable(request: HttpRequest, reason: str, status: int, language: str) -> HttpResponse:
    with translation.override(language):
        return render(request, "surveys/public/unavailable.html", {"reason": reason}, status=status)


@never_cache
@csrf_protect
def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """A personal link: one response per invitation; submitting a question again changes its answer."""
    if request.method != "POST" and "a" in request.GET and "q" in request.GET:
        return _one_click(request, token)
    invitation = SurveyInvitation.objects.select_related("survey").filter(token=token).first()
    language = _language(request, invitation.language if invitation else "")
    if invitation is None:
        return _unavailable(request, "unknown", 404, language)
    if invitation.expired:
        return _unavailable(request, "expired", 410, language)
    with translation.override(language):
        response = SurveyResponse.objects.filter(invitation=invitation).select_related("survey", "version").first()
        if request.method == "POST":
            return _answer(
                request, invitation.survey, lambda: response or response_for_invitation(invitation=invitation), language
            )
        if response is not None and response.completed_at and "q" not in request.GET:
            return _done(request, response, language, already=True)
        return _show(request, invitation.survey, response, language)


@never_cache
@csrf_protect
def open_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """An open link for pages, social media or a QR code: the browser keeps a random key in a cookie so its later
    answers change the same response; rate-limited per client and guarded by a honeypot field."""
    survey = Survey.objects.filter(open_token=token, open_link=True).first()
    language = _language(request)
    if survey is None:
        return _unavailable(request, "unknown", 404, language)
    cookie = f"qadesk_survey_{survey.pk}"
    key = request.COOKIES.get(cookie, "")
    adopted = "" if key else _widget_key(str(request.GET.get("k", "")))
    key = key or adopted
    response = SurveyResponse.objects.filter(survey=survey, source="open", key=key).first() if key else None
    with translation.override(language):
        if request.method != "POST":
            shown = _show(request, survey, response, language)
            if adopted and response is not None:  # the help-centre widget's "tell us more": go on with its response
                shown.set_cookie(cookie, key, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax")
            return shown
        if request.POST.get(HONEYPOT):
            return _done(request, None, language, survey=survey)
        if _rate_limited(request, survey):
            return _unavailable(request, "busy", 429, language)
        key = key or new_token()
        page = str(request.POST.get("page", ""))
        answered = _answer(
            request,
            survey,
            lambda: response or response_for_open_link(survey=survey, key=key, language=language, page_url=page),
            language,
        )
        if answered.status_code == 302:
            answered.set_cookie(cookie, key, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax")
        return answered


@never_cache
@csrf_protect
def opt_out_view(request: HttpRequest, token: str) -> HttpResponse:
    """Never be invited again: a page with one button (a link alone could be followed by a mail scanner)."""
    invitation = SurveyInvitation.objects.select_related("interaction").filter(token=token).first()
    language = _language(request, invitation.language if invitation else "")
    if invitation is None or invitation.interaction is None:
        return _unavailable(request, "unknown", 404, language)
    with translation.override(language):
        done = request.method == "POST" and (contact_opt_out(invitation=invitation) or True)
        return render(request, "surveys/public/opt_out.html", {"done": done})


def _one_click(request: HttpRequest, token: str) -> HttpResponse:
    """A rating clicked in the invitation e-mail: recorded (clicking another one changes it), then the rest of the survey.
    Writes nothing but the answer: no session, no cookie (the page is public and anonymous)."""
    code = str(request.GET.get("q", ""))
    try:
        following = invitation_one_click(token=token, code=code, raw=str(request.GET.get("a", "")))
    except ApplicationError as exc:
        if exc.status_code in (404, 410):
            language = _language(request, exc.extra.get("language", ""))
            return _unavailable(request, exc.extra.get("reason", "unknown"), exc.status_code, language)
        return redirect(f"{request.path}?q={code}")
    return redirect(f"{request.path}?q={following.code}" if following else f"{request.path}?done=1")


def _widget_key(value: str) -> str:
    """The browser's random key the help-centre widget made, when it looks like one (else "")."""
    return value if WIDGET_KEY.match(value) else ""


def _rate_limited(request: HttpRequest, survey: Survey) -> bool:
    """More than QADESK_SURVEY_ANSWERS_PER_MINUTE answers from one client address to one open link this minute.
    The address is only hashed into a cache key that expires with the minute; it is never stored with the response."""
    limit = int(getattr(settings, "QADESK_SURVEY_ANSWERS_PER_MINUTE", 30))
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()[:32]
    name = f"survey-rate:{survey.pk}:{digest}"
    cache.add(name, 0, timeout=60)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=60)
        count = 1
    return count > limit


def _question(version: SurveyVersion, code: str) -> Question | None:
    return version.questions.filter(code=code).first() if code else None


def _answer(request: HttpRequest, survey: Survey, get_response: Any, language: str) -> HttpResponse:
    """Save the posted question's answer and go on to the next question shown (or the thanks page)."""
    version = survey.current_version()
    question = _question(version, str(request.POST.get("question", ""))) if version else None
    if question is None:
        return _unavailable(request, "unknown", 404, language)
    raw = None if "skip" in request.POST else request.POST.getlist("answer")
    if question.kind not in ("multiple",) and raw:
        raw = raw[:1]
    response = None
    try:
        response = get_response()
        assert response is not None
        if question.version_id != response.version_id:
            question = _question(response.version, question.code) or question
        following = response_answer(response=response, question=question, raw=raw)
    except ApplicationError as exc:
        context = _context(request, survey, response, question, language, error=str(exc.message), raw=raw)
        return render(request, "surveys/public/question.html", context, status=400)
    if following is None:
        return redirect(f"{request.path}?done=1")
    return redirect(f"{request.path}?q={following.code}")


def _show(request: HttpRequest, survey: Survey, response: SurveyResponse | None, language: str) -> HttpResponse:
    if "done" in request.GET:
        return _done(request, response, language, survey=survey)
    version = response.version if response is not None else survey.current_version()
    if version is None:
        return _unavailable(request, "unknown", 404, language)
    wanted = _question(version, str(request.GET.get("q", "")))
    first = next_question(response=response, after=None) if response else version.questions.order_by("position").first()
    question = wanted if wanted is not None and _shown(response, wanted) else first
    if question is None:
        return _unavailable(request, "unknown", 404, language)
    return render(request, "surveys/public/question.html", _context(request, survey, response, question, language))


def _shown(response: SurveyResponse | None, question: Question) -> bool:
    if not question.condition:
        return True
    if response is None:
        return False
    before = next_question(response=response, after=None)
    while before is not None and before.position < question.position:
        before = next_question(response=response, after=before)
    return before is not None and before.pk == question.pk


def _context(
    request: HttpRequest,
    survey: Survey,
    response: SurveyResponse | None,
    question: Question,
    language: str,
    *,
    error: str = "",
    raw: list[str] | None = None,
) -> dict[str, Any]:
    version = question.version
    answer = response.answers.filter(question=question).first() if response is not None else None
    if raw is not None:
        given = [str(v) for v in raw]
    elif answer is None:
        given = []
    elif answer.value is not None:
        given = [str(answer.value)]
    else:
        given = list(answer.choices) or [answer.text]
    questions = list(version.questions.order_by("position"))
    return {
        "survey": survey,
        "title": pick(version.title, language) or pick(survey.name, language),
        "intro": pick(version.intro, language) if question.position == questions[0].position else "",
        "question": question,
        "text": pick(question.text, language),
        "help": pick(question.help, language),
        "options": _options(question, language),
        "given": given,
        "error": error,
        "step": questions.index(question) + 1,
        "steps": len(questions),
        "honeypot": HONEYPOT if request.resolver_match and request.resolver_match.url_name == "open" else "",
        "page": request.GET.get("page", "")[:500],
        "language": language,
    }


def _options(question: Question, language: str) -> list[tuple[str, str]]:
    if question.kind in ("single", "multiple"):
        return [(c["code"], pick(c["text"], language)) for c in question.choices]
    if question.kind == "yes_no":
        return [("1", translation.gettext("Yes")), ("0", translation.gettext("No"))]
    return [(str(v), str(v)) for v in question.scale]


def _done(
    request: HttpRequest, response: SurveyResponse | None, language: str, *, already: bool = False, survey: Survey | None = None
) -> HttpResponse:
    survey = survey or (response.survey if response else None)
    version = response.version if response else (survey.current_version() if survey else None)
    thanks = pick(version.thanks, language) if version else ""
    context = {"thanks": thanks, "already": already, "survey": survey, "can_change": response is not None and not already}
    return render(request, "surveys/public/done.html", context)
