"""Background jobs of the executive view: thin wrappers that call a service."""

from __future__ import annotations

from datetime import date, timedelta

from django_tasks import task

from qadesk.core.schedule import periodic
from qadesk.executive.emails import digest_send, digests_due


@task()
def send_executive_digest(subscription_id: int, today: str) -> bool:
    """E-mail one recipient the summary of their last whole week or month (`today` as YYYY-MM-DD)."""
    return digest_send(subscription_id=subscription_id, today=date.fromisoformat(today))


@periodic(every=timedelta(hours=1))
@task()
def executive_digests() -> int:
    """Periodic: queue the digests whose period has ended and is not sent yet; returns how many."""
    return digests_due()
