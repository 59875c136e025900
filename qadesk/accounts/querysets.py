"""Row-level visibility for accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class AgentQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> AgentQuerySet:
        """Everyone but agents and team leads sees every agent; a team lead their team; an agent themself."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything or user.can_review:
            return self
        if user.role == "team_lead":
            return self.filter(team_id=user.team_id) if user.team_id else self.none()
        return self.filter(user=user)


class ApiTokenQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> ApiTokenQuerySet:
        """A token is its owner's alone (admins see every token in the admin site, never its key)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class SavedFilterQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> SavedFilterQuerySet:
        """A saved filter is its owner's alone."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)
