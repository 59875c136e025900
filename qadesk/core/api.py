"""API plumbing shared by every router: token authentication and the ApplicationError mapping."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

from qadesk.accounts.models import ApiToken
from qadesk.core.errors import ApplicationError


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
    """Answer a broken rule with its status and its message in the caller's language."""

    @api.exception_handler(ApplicationError)
    def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc.message), **exc.extra}, status=exc.status_code)


AUTH = [TokenAuth(), django_auth]
