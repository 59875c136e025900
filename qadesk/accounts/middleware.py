"""Activate the language each user picked for themselves."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.language:
            return self.get_response(request)
        request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        # override, not activate: the language must not outlive the request in this thread.
        with translation.override(user.language):
            return self.get_response(request)
