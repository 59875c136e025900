"""Background jobs of the notifications app: thin wrappers that call a service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from qadesk.core.schedule import periodic
from qadesk.notifications.services import notification_email, notification_emails_retry


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification; a failure is recorded on it and tried again by the periodic sweep."""
    return notification_email(notification_id=notification_id)


@periodic(every=timedelta(minutes=1))
@task()
def retry_notification_emails() -> int:
    """Periodic: queue the e-mails whose next try is due; returns how many."""
    return notification_emails_retry()
