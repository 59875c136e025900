"""Row-level visibility for training records: the one rule the page, API, CLI and exports use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def agents_visible_filter(user: User, prefix: str = "") -> models.Q | None:
    """The agents whose competence `user` may see, as a Q on `prefix` + agent fields; None for nobody.

    QA leads, managers and admins see everyone; a team lead their team; an agent themself; reviewers nobody (a rating
    is about a person's development, not the reviews they score)."""
    if not user.is_authenticated:
        return None
    if user.sees_everything:
        return models.Q()
    if user.role == "team_lead":
        return models.Q(**{f"{prefix}team_id": user.team_id}) if user.team_id else None
    if user.role == "agent":
        return models.Q(**{f"{prefix}user": user})
    return None


class CompletionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> CompletionQuerySet:
        """The completions of the agents `user` may see (see agents_visible_filter)."""
        rule = agents_visible_filter(user, "agent__")
        return self.none() if rule is None else self.filter(rule)


class TrainingSessionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> TrainingSessionQuerySet:
        """Every session to whoever may see some competence (a course's runs are the catalogue's, no one's record);
        nothing to anyone else."""
        return self if agents_visible_filter(user) is not None else self.none()
