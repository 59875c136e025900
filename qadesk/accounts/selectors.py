"""Reading accounts: a person's own API tokens; the agents and their logins (people)."""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q, QuerySet

from qadesk.accounts.models import Agent, ApiToken, User


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's tokens, newest first, revoked and expired ones included (so they can see why a program stopped)."""
    return ApiToken.objects.visible_to(actor).order_by("-created_at", "-pk")


def people_list() -> QuerySet[Agent]:
    """Every agent (bots included) with their login, if any, for the people page: who can be invited, who was."""
    return Agent.objects.select_related("user", "team").order_by("is_bot", "display_name", "username")


def people_to_invite() -> QuerySet[Agent]:
    """Agents with an e-mail address who have not set a password yet (never invited, or invited and not come)."""
    waiting = Q(user__isnull=True) | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return Agent.objects.filter(waiting, is_bot=False).exclude(email="")
