"""Row-level visibility of automatic results: exactly the interaction's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from qadesk.accounts.models import User


class AutoResultQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> AutoResultQuerySet:
        """Whoever may see the interaction sees what the detectors found in it."""
        from qadesk.interactions.models import Interaction

        return self.filter(interaction__in=Interaction.objects.visible_to(user).values("pk"))


class AutoCheckQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> AutoCheckQuerySet:
        from qadesk.interactions.models import Interaction

        return self.filter(interaction__in=Interaction.objects.visible_to(user).values("pk"))
