"""Reading accounts: a person's own API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from qadesk.accounts.models import ApiToken, User


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's tokens, newest first, revoked and expired ones included (so they can see why a program stopped)."""
    return ApiToken.objects.visible_to(actor).order_by("-created_at", "-pk")
