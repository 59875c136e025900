"""Reading notifications: a person's own, newest first, and how many are unread."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from qadesk.notifications.models import Notification

if TYPE_CHECKING:
    from qadesk.accounts.models import User


def notification_list(*, recipient: User) -> QuerySet[Notification]:
    """The recipient's notifications, newest first (nobody reads anyone else's)."""
    return Notification.objects.filter(recipient=recipient).order_by("-created_at", "-id")


def notification_unread_count(*, recipient: User) -> int:
    """How many of the recipient's notifications are unread."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def notification_email_failures(*, since: datetime) -> int:
    """How many notification e-mails failed for good since then (admins: Settings page; the list is in the admin site)."""
    return Notification.objects.filter(email_failed_at__gte=since).count()
