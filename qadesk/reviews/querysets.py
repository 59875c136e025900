"""Row-level visibility for reviews: the one rule every page, API endpoint and export uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class ReviewQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> ReviewQuerySet:
        """QA leads, admins and managers see all; a reviewer what they wrote; a team lead their team's
        submitted reviews; an agent their own submitted reviews."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.role == "reviewer":
            return self.filter(reviewer=user)
        submitted = Q(status="submitted")
        if user.role == "team_lead":
            return self.filter(submitted, agent__team_id=user.team_id) if user.team_id else self.none()
        return self.filter(submitted, agent__user=user)

    def submitted(self) -> ReviewQuerySet:
        return self.filter(status="submitted")
