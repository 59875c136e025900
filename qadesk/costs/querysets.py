"""Row-level visibility for costs: salaries and costs are for admins and managers only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def sees_costs(user: User) -> bool:
    """Admins and managers read and enter costs. Nobody else does: not agents (never another person's salary), not
    reviewers, QA leads or team leads (docs/value.md)."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in ("admin", "manager")))


class CostQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> CostQuerySet:
        """Every cost row for admins and managers, none for anyone else."""
        return self if sees_costs(user) else self.none()
