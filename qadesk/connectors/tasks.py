"""Background jobs of the connectors app: a sync, and the periodic job that queues the syncs that are due."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django_tasks import task

from qadesk.connectors.models import Connector
from qadesk.connectors.services import connector_sync, connector_sync_enqueue, connectors_due
from qadesk.core.errors import Conflict
from qadesk.core.models import JobRun, JobStatus
from qadesk.core.schedule import periodic


@task()
def sync_connector(connector_id: int, job_id: int | None = None) -> int | None:
    """Sync one connector; returns the ConnectorSync id, or None when it was already syncing."""
    connector = Connector.objects.get(pk=connector_id)
    job = JobRun.objects.select_related("created_by").filter(pk=job_id).first() if job_id else None
    try:
        return connector_sync(connector=connector, actor=job.created_by if job else None, job=job).pk
    except Conflict as exc:
        if job:
            job.finish(status=JobStatus.SKIPPED, log=str(exc.message))
        return None


@periodic(every=timedelta(minutes=5))
@task()
def enqueue_due_connector_syncs() -> int:
    """Periodic: queue a sync of every scheduled connector whose interval has passed; returns how many."""
    with transaction.atomic():
        return len([connector_sync_enqueue(connector=c, actor=None) for c in connectors_due()])
