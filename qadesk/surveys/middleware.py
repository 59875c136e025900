"""A lighter way through Django for the rating links in invitation e-mails (GET /s/TOKEN/?q=CODE&a=N).

Such a click needs no session, user, CSRF token or messages: it records the rating and redirects to the next question.
This middleware sits after the security headers (SecurityMiddleware, CSP) and static files and before everything else;
for a one-click link it records the click (`one_click.invitation_first_click` on PostgreSQL, one statement; the service
`invitation_one_click` on SQLite and for every click the statement leaves to it) and answers the redirect with the
headers the whole stack gives it (no caching, X-Frame-Options, Content-Language and Vary from the respondent's language,
Content-Length). Whatever it does not answer with a redirect — an unknown or expired link, a question not in the
survey, a value off the scale, a null character — goes the usual way (the view renders the page that says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import IntegrityError, connection
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import add_never_cache_headers

from qadesk.core.errors import ApplicationError
from qadesk.core.inputs import NULL

ONE_CLICK = re.compile(r"^/s/(?P<token>[A-Za-z0-9_-]{1,64})/$")
ENABLED = True  # tests switch it off to compare with the whole stack


class OneClickMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        # The response side of the middleware the whole stack would run for this redirect (innermost first).
        self.frame = XFrameOptionsMiddleware(get_response)
        self.common = CommonMiddleware(get_response)
        self.locale = LocaleMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if ENABLED and request.method == "GET":
            found = ONE_CLICK.match(request.path_info)
            if found is not None and "q" in request.GET and "a" in request.GET:
                answered = self._click(request, found["token"])
                if answered is not None:
                    return answered
        return self.get_response(request)

    def _click(self, request: HttpRequest, token: str) -> HttpResponseBase | None:
        code, raw = str(request.GET.get("q", "")), str(request.GET.get("a", ""))
        if any(NULL in name or any(NULL in v for v in values) for name, values in request.GET.lists()):
            return None  # refused by HostileInputMiddleware, the usual way
        self.locale.process_request(request)  # the respondent's language, as the view would see it
        try:
            if connection.vendor == "postgresql":
                from qadesk.surveys.one_click import invitation_first_click

                done, following = invitation_first_click(token=token, code=code, raw=raw)
                if not done:
                    following = self._service(token, code, raw)
            else:
                following = self._service(token, code, raw)
        except (ApplicationError, IntegrityError):
            return None  # nothing was written: the view answers (an error page, or the question asked again)
        target = f"{request.path}?q={following}" if following else f"{request.path}?done=1"
        redirect = HttpResponseRedirect(target)
        add_never_cache_headers(redirect)  # the view's never_cache
        response: HttpResponseBase = self.frame.process_response(request, redirect)
        response = self.common.process_response(request, response)
        return self.locale.process_response(request, response)

    @staticmethod
    def _service(token: str, code: str, raw: str) -> str | None:
        from qadesk.surveys.services import invitation_one_click

        following = invitation_one_click(token=token, code=code, raw=raw)
        return following.code if following is not None else None
