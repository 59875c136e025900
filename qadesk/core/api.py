"""API plumbing shared by every router: token authentication, the ApplicationError mapping and 422 answers in the
caller's language."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.security import HttpBearer, django_auth

from qadesk.accounts.models import ApiToken
from qadesk.core.errors import ApplicationError
from qadesk.core.validation import error_message


class TokenAuth(HttpBearer):
    """`Authorization: Bearer qad_…` with a personal API token; activates the user's language."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        translation.activate(found.user.language)
        return found.user


class ErrorOut(Schema):
    detail: str


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer a broken rule with its status and its message, and invalid input with 422 and each field's reason, in the
    caller's language. The status comes from the error's class: ApplicationError 400, PermissionDenied 403, Conflict
    409 (the object changed first: a review already submitted, a dispute already decided)."""

    @api.exception_handler(ApplicationError)
    def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
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
