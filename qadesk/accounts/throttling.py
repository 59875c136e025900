"""Login throttling (django-axes): whose address a login comes from, and the page a locked-out login gets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind QADESK_PROXY_COUNT trusted proxies the X-Forwarded-For entry the
    farthest of them added. Each proxy appends the address it was reached from, so entries further left are whatever
    the client sent and are never trusted."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.QADESK_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if entry.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed logins for this account or from this address. Try again in %(minutes)d minute, "
        "or ask an admin to unlock the account.",
        "Too many failed logins for this account or from this address. Try again in %(minutes)d minutes, "
        "or ask an admin to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The login page again (429), saying why in the visitor's language; the password is not checked meanwhile."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "accounts/login.html", context, status=429)
