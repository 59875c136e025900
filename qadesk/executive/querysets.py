"""Who sees the executive view: one rule for its pages, exports, CLI-less doors and the digest's recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def sees_executive(user: User) -> bool:
    """Managers and admins read the executive summary and set its baselines, targets and recipients; for anyone else
    the pages do not exist (404)."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in ("manager", "admin")))


class ExecutiveQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> ExecutiveQuerySet:
        """Everything to managers and admins, nothing to anyone else."""
        return self if sees_executive(user) else self.none()
