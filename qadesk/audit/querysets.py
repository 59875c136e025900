"""Audit events are seen by whoever may see the review they belong to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from qadesk.audit import models as audit_models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class AuditEventQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> AuditEventQuerySet:
        """The trail of the reviews the user may see."""
        from qadesk.reviews.models import Review

        return self.filter(review__in=Review.objects.visible_to(user))

    def update(self, **kwargs: Any) -> int:
        raise audit_models.AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise audit_models.AppendOnlyError("audit events are append-only")
