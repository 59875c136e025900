"""Three guards every request passes: no null character in what was sent, JSON error answers under /api/, and a 409
(never a 500) when a write lost a race the services did not foresee.

PostgreSQL cannot store a null character (and rejects it even in a comparison), so a null character in the path, a
query parameter or a form field is refused here, once, before any view or form sees it: 422 naming the field under
/api/ (the shape of a validation error), 400 with the reason on a page. JSON bodies are checked by the API's parser
(core/api.py), uploaded files by the import. Any error the API answered as HTML or plain text (Django's 405 from
ninja, a CSRF failure, …) is answered as JSON `{"detail": …}` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from qadesk.core.inputs import NULL
from qadesk.core.views import caller_language, error_response, is_api

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
log = logging.getLogger(__name__)


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A constraint the database enforced (two writes at once the services' locks did not serialise): 409 with a
        reason, the transaction already rolled back; logged with its traceback, as it means a lock is missing."""
        if isinstance(exception, IntegrityError):
            log.error("a write lost a race at the database's constraints: %s", request.path, exc_info=exception)
            return error_response(request, 409)
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            where = _null_character(request)
        except MultiPartParserError:
            return error_response(request, 400)
        if where is not None:
            return _refuse(request, where)
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            answer = error_response(request, response.status_code)
            if response.has_header("Allow"):  # a 405 says which methods are allowed
                answer["Allow"] = response["Allow"]
            return answer
        return response


def _null_character(request: HttpRequest) -> tuple[str, ...] | None:
    """("path",), ("query", name) or ("form", name) of the first null character sent, or None."""
    if NULL in request.path_info:
        return ("path",)
    where = _in_fields(request.GET, "query")
    if where is None and request.method == "POST" and request.content_type in _FORM_TYPES:
        where = _in_fields(request.POST, "form")
    return where


def _in_fields(fields: MultiValueDict[str, str], kind: str) -> tuple[str, ...] | None:
    for name, values in fields.lists():
        if NULL in name or any(NULL in value for value in values):
            return (kind, name.replace(NULL, "\\0"))
    return None


def _refuse(request: HttpRequest, where: tuple[str, ...]) -> HttpResponse:
    if is_api(request):  # a token's owner has no session that set their language: look it up
        with translation.override(caller_language(request) or translation.get_language()):
            detail = [{"type": "null_character", "loc": list(where), "msg": _("must not contain a null character")}]
        return JsonResponse({"detail": detail}, status=422)
    if len(where) == 1:
        return error_response(request, 400, _("The address must not contain a null character."))
    return error_response(request, 400, _("{field} must not contain a null character.").format(field=where[1]))
