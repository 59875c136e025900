"""Row-level visibility for calibration: the one rule every API endpoint, CLI call and page uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class CalibrationSessionQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> CalibrationSessionQuerySet:
        """QA leads, admins and managers see every session; participants the sessions they take part in."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(participants=user).distinct()
