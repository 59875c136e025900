"""Row-level visibility for survey responses: the customer's ratings follow the interactions they are about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class SurveyResponseQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> SurveyResponseQuerySet:
        """QA staff and managers see every response (open-link and anonymous ones too); a team lead the responses about
        their team's interactions; an agent those about interactions they handled (their own customers' ratings)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything or user.can_review:
            return self
        if user.role == "team_lead":
            return self.filter(interaction__team_id=user.team_id) if user.team_id else self.none()
        from qadesk.interactions.models import InteractionAgent

        # A subquery, not a join: an interaction handled twice by the agent must not count its responses twice.
        handled = InteractionAgent.objects.filter(agent__user=user).values("interaction_id")
        return self.filter(interaction_id__in=handled)
