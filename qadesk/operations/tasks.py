"""Background jobs of the operations app: thin wrappers that call a service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.core.schedule import periodic
from qadesk.operations.services import target_alerts_send


@periodic(every=timedelta(hours=1))
@task()
def send_kpi_target_alerts() -> int:
    """Periodic: notify targets missed for their number of periods in a row (once per streak end); returns how many."""
    return target_alerts_send()
