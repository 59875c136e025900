"""Background jobs of the complaint register: thin wrappers that call a service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.complaints.services import complaints_notify_overdue
from qadesk.core.schedule import periodic


@periodic(every=timedelta(hours=1))
@task()
def notify_overdue_complaints() -> int:
    """Periodic: tell owners, once each, about their open complaints past the due date; returns how many."""
    return complaints_notify_overdue()
