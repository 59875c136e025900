"""Background jobs of the interactions app: the text search vectors of imported messages."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.core.schedule import periodic


@periodic(every=timedelta(minutes=5))
@task()
def message_search_index() -> int:
    """Index the messages an import left for later (queued by the import after its commit; periodic, for a queue that
    was down or a crash between the commit and the job); returns how many it indexed. Safe to run twice at once."""
    from qadesk.interactions.services import messages_search_index

    return messages_search_index()
