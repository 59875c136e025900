"""Who reads reliability: admins, QA leads and managers; agents, reviewers and team leads get 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def sees_reliability(user: User) -> bool:
    return bool(user.is_authenticated and user.sees_everything)


def manages_promises(user: User) -> bool:
    """Admins and QA leads define the service promises."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in ("admin", "qa_lead")))


class ServicePromiseQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> ServicePromiseQuerySet:
        return self if sees_reliability(user) else self.none()
