"""Background jobs of the calibration app: thin wrappers that call a service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.calibration.services import calibration_reminders_send
from qadesk.core.schedule import periodic


@periodic(every=timedelta(minutes=15))
@task()
def send_calibration_reminders() -> int:
    """Periodic: remind participants still scoring a session whose deadline is near; returns how many."""
    return calibration_reminders_send()
