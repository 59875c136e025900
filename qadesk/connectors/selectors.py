"""Reading connectors and their sync history."""

from __future__ import annotations

from django.db.models import QuerySet

from qadesk.connectors.models import Connector, ConnectorSync


def connector_list() -> QuerySet[Connector]:
    """Every connector, by name (the page is for admins only; the view checks)."""
    return Connector.objects.all()


def connector_sync_history(*, connector: Connector, limit: int = 50) -> QuerySet[ConnectorSync]:
    """The connector's latest syncs, newest first."""
    return ConnectorSync.objects.filter(connector=connector).select_related("started_by")[:limit]
