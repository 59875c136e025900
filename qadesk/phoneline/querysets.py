"""Who reads the phone line: admins, QA leads and managers (the whole operation's line); nobody else sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def sees_phoneline(user: User) -> bool:
    """Admins, QA leads and managers; agents, reviewers and team leads get 404 (the line is not one team's)."""
    return bool(user.is_authenticated and user.sees_everything)


def manages_levels(user: User) -> bool:
    """Admins and QA leads set the reasonable levels and the tariffs."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in ("admin", "qa_lead")))


class CallRecordQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> CallRecordQuerySet:
        return self if sees_phoneline(user) else self.none()


class DeliveryLevelQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> DeliveryLevelQuerySet:
        return self if sees_phoneline(user) else self.none()
