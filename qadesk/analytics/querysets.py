"""Row-level visibility for the rollup: the reviews' rule (`ReviewQuerySet.visible_to`) over its agent and reviewer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class RollupQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> RollupQuerySet:
        """The cells of the submitted reviews `user` may see: all for QA leads, admins and managers; a reviewer's own;
        a team lead's team's agents (the agent's team now, as for reviews); an agent's own. The rollup holds submitted
        reviews only, so the reviews' `status = submitted` condition holds for every cell. A test checks each role
        against `Review.objects.visible_to`."""
        from qadesk.accounts.models import Agent

        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.role == "reviewer":
            return self.filter(reviewer_id=user.pk)
        if user.role == "team_lead":
            if not user.team_id:
                return self.none()
            return self.filter(agent_id__in=Agent.objects.filter(team_id=user.team_id).values("pk"))
        return self.filter(agent_id__in=Agent.objects.filter(user=user).values("pk"))
