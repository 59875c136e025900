"""Row-level visibility for complaints: the one rule every page, API endpoint, export and report uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from qadesk.accounts.models import User

OPEN_STATUSES = ("open", "in_progress")


class ComplaintQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, user: User) -> ComplaintQuerySet:
        """QA leads, admins and managers see every complaint; a team lead their team's (the complaint's team or a
        linked contact of the team); an agent those on contacts they handled. Everyone also sees the complaints they
        own or logged (the owner must work on it; whoever logged it by hand keeps it in view)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        mine = Q(owner=user) | Q(created_by=user)
        if user.role == "team_lead" and user.team_id:
            theirs = Q(team_id=user.team_id) | Q(pk__in=self._linked(interactions__team_id=user.team_id))
        elif user.role == "agent":
            theirs = Q(pk__in=self._linked(interactions__handlers__agent__user=user))
        else:
            theirs = Q(pk__in=[])
        return self.filter(mine | theirs)

    def _linked(self, **lookup: object) -> models.QuerySet:  # type: ignore[type-arg]
        from qadesk.complaints.models import Complaint

        return Complaint.objects.filter(**lookup).values("pk")

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=OPEN_STATUSES)
