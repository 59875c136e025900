"""API plumbing shared by every router: token authentication, the request parser that turns hostile bodies away,
pagination, the ApplicationError mapping and every error answer as JSON in the caller's language."""

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connections
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, django_auth

from qadesk.accounts.models import ApiToken
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.core.inputs import MAX_INT, MAX_JSON_DEPTH, deeper_than, out_of_range_path, unstorable_message, unstorable_path
from qadesk.core.validation import error_message
from qadesk.core.views import REASONS

log = logging.getLogger(__name__)

LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer qad_…` with a personal API token; activates the user's language. An expired or revoked
    token answers 401 with the reason (`{"detail": …, "reason": "expired" | "revoked"}`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        translation.activate(found.user.language)
        _refuse_if_unusable(found)
        now = timezone.now()
        # last_used_at is shown to the owner to the minute: one write a minute per token, not one per request.
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


def _refuse_if_unusable(token: ApiToken) -> None:
    if token.revoked_at is not None:
        when = formats.date_format(timezone.localtime(token.revoked_at), "SHORT_DATETIME_FORMAT")
        if token.revoked_reason == ApiToken.Revoked.PASSWORD:
            message = _("This API token was revoked on {when}, when its owner's password changed.").format(when=when)
        else:
            message = _("This API token was revoked on {when}.").format(when=when)
        raise ApplicationError(message, status_code=401, extra={"reason": "revoked"})
    if token.is_expired:
        when = formats.date_format(timezone.localtime(token.expires_at), "SHORT_DATETIME_FORMAT")
        raise ApplicationError(
            _("This API token expired on {when}.").format(when=when), status_code=401, extra={"reason": "expired"}
        )


class ErrorOut(Schema):
    detail: str


class RejectedInput(Exception):
    """A request body the parser turns away; answered 422 like a validation error, with where and why."""

    def __init__(self, kind: str, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.error = {"type": kind, "loc": list(loc), "msg": message}


class InputParser(Parser):
    """JSON bodies nested at most MAX_JSON_DEPTH levels, without null characters or integers beyond ±(2⁶³−1).

    Checked once the body is decoded, before any schema sees it, so no handler has to think about them."""

    def parse_body(self, request: HttpRequest) -> Any:
        too_deep = RejectedInput("too_deep", ("body",), _("is nested deeper than {n} levels").format(n=MAX_JSON_DEPTH))
        try:
            data = json.loads(request.body, parse_constant=_not_json)
        except RecursionError:  # nested past what Python can decode: far past the limit
            raise too_deep from None
        if deeper_than(data, MAX_JSON_DEPTH):
            raise too_deep
        found = unstorable_path(data, ("body",))
        if found is not None:
            where, kind = found
            raise RejectedInput(kind, where, unstorable_message(kind))
        beyond = out_of_range_path(data, ("body",))
        if beyond is not None:
            message = _("is not a whole number between {low} and {high}").format(low=-MAX_INT, high=MAX_INT)
            raise RejectedInput("int_out_of_range", beyond, message)
        return data


def _not_json(constant: str) -> Any:
    """NaN and Infinity are not JSON (Python reads them; no database stores them in a JSON column)."""
    raise ValueError(constant)


class Pagination(LimitOffsetPagination):
    """`limit` and `offset` as ninja has them, bounded so that no page reaches past the database's integers."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_INT)
        offset: int = Field(0, ge=0, le=MAX_INT)

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        offset = pagination.offset
        end = min(offset + min(pagination.limit, self.max_limit), MAX_INT)
        return {self.items_attribute: queryset[offset:end], "count": self._items_count(queryset)}


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer a broken rule with its status and its message, and invalid input with 422 and each field's reason, in the
    caller's language. The status comes from the error's class: ApplicationError 400, PermissionDenied 403, Conflict
    409 (the object changed first: a review already submitted, a dispute already decided)."""

    @api.exception_handler(ApplicationError)
    def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        if isinstance(exc, InvalidInput):  # the shape of the 422 below, for a value the service found wrong
            error = {"type": "value_error", "loc": ["body", "payload", *exc.field], "msg": str(exc.message)}
            return api.create_response(request, {"detail": [error]}, status=exc.status_code)
        return api.create_response(request, {"detail": str(exc.message), **exc.extra}, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # django-ninja's shape ({"detail": [{"type", "loc", "msg", "ctx"}]}) with `msg` in the caller's language; `loc`
        # says where (["query", "a_from"], ["body", "payload", "pass_mark"]); `type` and `ctx` stay for programs, less
        # ctx's "error", pydantic's English wording of what `msg` now says.
        return api.create_response(request, {"detail": [_translated(error) for error in exc.errors]}, status=422)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps whatever the parser raised in a 400 "Cannot parse request body" (in English).
        if isinstance(exc.__cause__, RejectedInput):
            return api.create_response(request, {"detail": [exc.__cause__.error]}, status=422)
        if isinstance(exc, AuthenticationError):
            return api.create_response(request, {"detail": _("Log in or send a valid API token.")}, status=exc.status_code)
        if exc.status_code == 400 and exc.__cause__ is not None:
            return api.create_response(request, {"detail": _("The request body is not valid JSON.")}, status=400)
        if str(exc) == "CSRF check Failed":  # ninja's session authentication, in English
            detail = _("The CSRF check failed: send the page's CSRF token (X-CSRFToken header), or use an API token.")
            return api.create_response(request, {"detail": detail}, status=403)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(IntegrityError)
    def _lost_race(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # Two writes at once that the services' locks did not serialise: the database's constraint kept the data
        # right and the transaction rolled back; the caller may retry. Logged: it means a lock is missing.
        log.error("a write lost a race at the database's constraints: %s", request.path, exc_info=exc)
        return api.create_response(request, {"detail": str(REASONS[409])}, status=409)


def _translated(error: dict[str, Any]) -> dict[str, Any]:
    """One error with its reason in the active language; its ctx keeps pydantic's figures (max_length, expected, …)."""
    translated = {**error, "msg": error_message(error)}
    ctx = {name: value for name, value in (error.get("ctx") or {}).items() if name != "error"}
    if ctx:
        translated["ctx"] = ctx
    else:
        translated.pop("ctx", None)
    return translated


AUTH = [TokenAuth(), django_auth]


def paged_rows(
    queryset: QuerySet[Any],
    pagination: Pagination.Input,
    *,
    columns: tuple[str, ...],
    item: Callable[[dict[str, Any]], dict[str, Any]],
    rows_at: Callable[[int, int], list[dict[str, Any]]] | None = None,
    count_cap: int | None = None,
    says_exact: bool = False,
) -> HttpResponse:
    """A big list's page as `@paginate(Pagination)` answers it ({"items": [...], "count": n}), built from `values()`
    rows by `item` instead of model instances validated field by field: that was two thirds of a 100-row list's CPU
    (benchmarks/README.md: Load). The endpoint still declares its Paged…Out schema; tests check each answer validates
    against it and equals what the schema made from model instances.

    `count_cap`: count at most that many (then `count` is the cap and `count_exact` false), as the list pages do
    (`lists.paginate`: on PostgreSQL only). Without it the count is exact; `says_exact` adds `count_exact` (true) to
    the body all the same, for an endpoint that caps some of its counts."""
    offset = pagination.offset
    end = min(offset + min(pagination.limit, ninja_settings.PAGINATION_MAX_LIMIT), MAX_INT)
    rows = rows_at(offset, end - offset) if rows_at else queryset.values(*columns)[offset:end]  # rows_at: see lists.paginate
    items = [item(row) for row in rows]
    ids = queryset.order_by().values("pk")
    body: dict[str, Any] = {"items": items}
    if count_cap is None or connections[queryset.db].vendor == "sqlite":
        body["count"] = ids.count()
        if count_cap is not None or says_exact:
            body["count_exact"] = True
    else:
        count = ids[: count_cap + 1].count()
        body.update(count=min(count, count_cap), count_exact=count <= count_cap)
    return HttpResponse(json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8")
