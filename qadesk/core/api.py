"""API plumbing shared by every router: token authentication, the ApplicationError mapping and 422 answers in the
caller's language."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.security import HttpBearer, django_auth

from qadesk.accounts.models import ApiToken
from qadesk.core.errors import ApplicationError, InvalidInput
from qadesk.core.validation import error_message

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
