"""Notifying people: a row in the app, and an e-mail in the recipient's language sent by a background job after the
commit, tried again with growing waits while the SMTP server fails (notifications/tasks.py)."""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from qadesk.notifications.models import Notification

if TYPE_CHECKING:
    from qadesk.accounts.models import User

log = logging.getLogger(__name__)


# Waits after each failed try: about 1 h 05 min from the first try to the fifth, which is the last.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=15), timedelta(minutes=45))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# When a queued e-mail is sent anyway if its job has not run by then (the job was lost: worker killed, queue emptied).
QUEUED_GRACE = timedelta(minutes=10)
SWEEP_BATCH = 500


def notify(*, recipient: User, kind: str, subject: str, params: dict[str, Any] | None = None, url: str = "") -> Notification:
    """Notify one person. `subject` is an untranslated msgid (mark it with gettext_noop) with {placeholders}; numbers
    and dates among the params are written the recipient's way (85,4 and "4 dicembre 2026, 18:30" in Italian).

    The e-mail is queued as a background job after the commit: a slow or unreachable SMTP server never slows or
    breaks the request that notified.
    """
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = gettext(subject).format(**{name: _localised(value) for name, value in (params or {}).items()})
    retry_at = timezone.now() + QUEUED_GRACE if recipient.email else None
    notification = Notification.objects.create(recipient=recipient, kind=kind, subject=text, url=url, email_retry_at=retry_at)
    if recipient.email:
        transaction.on_commit(partial(_queue_email, notification.pk))
    return notification


def _localised(value: Any) -> Any:
    """A param as the active language writes it: a score with one decimal, a moment in the local time zone."""
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    return value


def _queue_email(notification_id: int) -> None:
    from qadesk.notifications.tasks import send_notification_email

    try:
        send_notification_email.enqueue(notification_id)
    except Exception:  # the queue is down: the periodic sweep sends it once email_retry_at has passed
        log.exception("could not queue the e-mail of notification %s", notification_id)


def notification_email(*, notification_id: int) -> bool:
    """Try once to e-mail a notification (SMTP). A failure is recorded on it and tried again later, never raised.

    Two jobs for one notification (its own and the sweep's) do not both send: each takes its try by moving
    `email_attempts` on from the value it read, and only one of them can.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or notification.email_failed_at:
        return False
    now = timezone.now()
    attempt = notification.email_attempts + 1
    last = attempt >= MAX_ATTEMPTS
    retry_at = now + (QUEUED_GRACE if last else RETRY_DELAYS[attempt - 1])
    pending = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True, email_failed_at__isnull=True)
    if not pending.filter(email_attempts=attempt - 1).update(email_attempts=attempt, email_retry_at=retry_at):
        return False
    if attempt > MAX_ATTEMPTS:  # the last try's job died before it could say how it went
        pending.update(email_failed_at=now, email_retry_at=None)
        return False
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        link = f"{settings.QADESK_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        body = render_to_string("notifications/email.txt", {"notification": notification, "link": link, "user": recipient})
    try:
        if not recipient.email:
            raise ValueError("the recipient has no e-mail address any more")
        send_mail(f"[qadesk] {notification.subject}", body, None, [recipient.email])
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("could not e-mail notification %s (attempt %s of %s): %s", notification_id, attempt, MAX_ATTEMPTS, error)
        if last or not recipient.email:
            pending.update(email_error=error, email_failed_at=timezone.now(), email_retry_at=None)
        else:
            pending.update(email_error=error)
        return False
    pending.update(emailed_at=timezone.now(), email_retry_at=None, email_error="")
    return True


def notification_emails_retry(*, now: datetime | None = None) -> int:
    """Queue the e-mails whose next try is due (after a failure, or whose job was lost); returns how many."""
    from qadesk.notifications.tasks import send_notification_email

    now = now or timezone.now()
    due = Notification.objects.filter(emailed_at__isnull=True, email_failed_at__isnull=True, email_retry_at__lte=now)
    ids = list(due.order_by("email_retry_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    # Not queued again at the next sweep while this job waits in the queue.
    Notification.objects.filter(pk__in=ids).update(email_retry_at=now + QUEUED_GRACE)
    for notification_id in ids:
        transaction.on_commit(partial(send_notification_email.enqueue, notification_id))
    return len(ids)


def notifications_mark_read(*, recipient: User, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications (these ids, or all) as read; returns how many changed."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
