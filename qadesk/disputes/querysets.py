"""Row-level visibility for disputes: follows the review's rule, plus the disputes one must decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class DisputeQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> DisputeQuerySet:
        """Disputes on reviews the user may see, those assigned to them to decide, and those they raised (an agent keeps
        their dispute, and its decision, after a wrong-agent decision credits the review to someone else)."""
        from qadesk.reviews.models import Review

        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(Q(review__in=Review.objects.visible_to(user)) | Q(assignee=user) | Q(raised_by=user))

    def open(self) -> DisputeQuerySet:
        return self.exclude(status="decided")
