"""Thin views: parse the request, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qadesk.accounts.services import user_set_language
from qadesk.core.errors import ApplicationError


@login_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponseRedirect:
    """Save the interface language the user picked and go back to the page they were on."""
    try:
        user_set_language(user=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(_safe_next(request))


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url("interactions:list")
