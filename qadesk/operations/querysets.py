"""Row-level visibility for the operations app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def sees_operations(user: User) -> bool:
    """Admins, QA leads, managers and team leads read the operational KPIs (a team lead, their team's contacts).

    Agents and reviewers do not: a wait or a handle time is the team's figure, and one agent's few contacts would be
    compared with nothing (docs/operations.md)."""
    if not user.is_authenticated:
        return False
    return user.sees_everything or user.role == "team_lead"


def manages_targets(user: User) -> bool:
    """Admins, QA leads and managers set the targets (the planned levels are the operation's plan)."""
    return user.is_authenticated and (user.is_superuser or user.role in ("admin", "qa_lead", "manager"))


class KpiTargetQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> KpiTargetQuerySet:
        """Whoever reads the KPIs reads every target (the planned levels are the whole operation's)."""
        return self if sees_operations(user) else self.none()
