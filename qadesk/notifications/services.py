"""Notifying people: a row in the app, and an e-mail in the recipient's language after the commit."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from qadesk.notifications.models import Notification

if TYPE_CHECKING:
    from qadesk.accounts.models import User

log = logging.getLogger(__name__)


def notify(*, recipient: User, kind: str, subject: str, params: dict[str, Any] | None = None, url: str = "") -> Notification:
    """Notify one person. `subject` is an untranslated msgid (mark it with gettext_noop) with {placeholders}."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = gettext(subject).format(**(params or {}))
    notification = Notification.objects.create(recipient=recipient, kind=kind, subject=text, url=url)
    if recipient.email:
        transaction.on_commit(partial(notification_email, notification_id=notification.pk))
    return notification


def notification_email(*, notification_id: int) -> bool:
    """Send one notification by e-mail (SMTP); a failure is logged and leaves it unsent, never breaks the caller."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        link = f"{settings.QADESK_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        body = render_to_string("notifications/email.txt", {"notification": notification, "link": link, "user": recipient})
    try:
        send_mail(f"[qadesk] {notification.subject}", body, None, [recipient.email])
    except (OSError, ConnectionError) as exc:
        log.warning("could not e-mail notification %s: %s", notification_id, exc)
        return False
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return True


def notifications_mark_read(*, recipient: User, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications (these ids, or all) as read; returns how many changed."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
