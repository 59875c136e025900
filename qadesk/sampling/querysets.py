"""Row-level visibility for sampling plans and runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class SamplingPlanQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> SamplingPlanQuerySet:
        """QA leads, admins and managers see every plan; a reviewer the plans that feed their queue; others none."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.can_review:
            return self.filter(reviewers=user).distinct()
        return self.none()


class SamplingRunQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> SamplingRunQuerySet:
        """A run is visible to whoever sees its plan."""
        from qadesk.sampling.models import SamplingPlan

        return self.filter(plan__in=SamplingPlan.objects.visible_to(user).values("pk"))
