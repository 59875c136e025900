"""Row-level visibility for interactions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class InteractionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> InteractionQuerySet:
        """QA staff and managers see every contact; a team lead their team's; an agent those they handled."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything or user.can_review:
            return self
        if user.role == "team_lead":
            return self.filter(team_id=user.team_id) if user.team_id else self.none()
        return self.filter(handlers__agent__user=user).distinct()
