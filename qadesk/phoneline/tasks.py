"""Background jobs of the phone line: thin wrappers that call a service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.core.schedule import periodic
from qadesk.phoneline.services import level_alerts_send


@periodic(every=timedelta(hours=1))
@task()
def send_delivery_level_alerts() -> int:
    """Periodic: tell the QA leads of each reasonable level missed this month or last (once per level and month)."""
    return level_alerts_send()
