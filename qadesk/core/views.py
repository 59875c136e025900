"""Error answers: JSON `{"detail": …}` under /api/, an HTML page elsewhere, both in the caller's language.

Django calls these for errors raised outside a view's own handling (urls.py sets handler400/403/404/500); the API's
own errors are answered by core/api.py, and core/middleware.py turns any other error answer under /api/ into JSON.

Also `form_saved`, the POST half of the pages that show a report with a form to add to it (targets, levels, promises).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qadesk.core.errors import ApplicationError

API_PREFIX = "/api/"

TITLES = {
    400: gettext_lazy("Bad request"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Page not found"),
    405: gettext_lazy("Method not allowed"),
    409: gettext_lazy("Changed at the same time"),
    413: gettext_lazy("Request too large"),
    500: gettext_lazy("Server error"),
}
REASONS = {
    400: gettext_lazy("The request could not be read."),
    403: gettext_lazy("You are not allowed to do this."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("Method not allowed."),
    409: gettext_lazy("Someone else changed this at the same moment: reload the page and try again."),
    413: gettext_lazy("The request is too large."),
    500: gettext_lazy("Something went wrong on our side; it has been logged. Try again later."),
}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def caller_language(request: HttpRequest) -> str | None:
    """The language of the person behind the request: the logged-in user's, else the API token owner's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", ""):
        return str(user.language)
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    from qadesk.accounts.models import ApiToken

    found = ApiToken.objects.filter(digest=ApiToken.hash(key.strip()), user__is_active=True).values_list("user__language")
    return next((language for (language,) in found), None) or None


def error_response(request: HttpRequest, status: int, reason: Any = None, *, api_detail: Any = None) -> HttpResponse:
    """`status` with its reason: JSON under /api/ (`api_detail` if given), else the error page."""
    language = caller_language(request) if _db_usable(status) else None
    with translation.override(language or translation.get_language()):
        text = str(reason if reason is not None else REASONS.get(status, REASONS[400]))
        if is_api(request):
            return JsonResponse({"detail": api_detail if api_detail is not None else text}, status=status)
        title = TITLES.get(status, TITLES[400])
        html = loader.render_to_string("core/error.html", {"status": status, "title": title, "reason": text}, request)
        return HttpResponse(html, status=status)


def _db_usable(status: int) -> bool:
    """A 500 may come from a broken database connection: the error page then makes no query."""
    return status != 500


def bad_request(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    return error_response(request, 404, None if is_api(request) else _("There is nothing at this address."))


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return error_response(request, 500)


def form_saved(
    request: HttpRequest, form: forms.BaseForm | None, save: Callable[..., object], *, done: str, to: str
) -> HttpResponse | None:
    """On a POST: 404 when the user has no form (may not edit); when the form is valid, `save(**cleaned_data)`, the
    message `done` and a redirect to the URL named `to`; the service's ApplicationError becomes an error message.
    None when the page is to be shown: a GET, a form with errors, or a refused save."""
    if request.method != "POST":
        return None
    if form is None:
        raise Http404
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
            return redirect(to)
    return None
