"""The executive digest: after every whole week or month each recipient gets that period's summary by e-mail, in their
own language, with the PDF attached. A periodic job finds the recipients due and queues one job each; a job claims its
period with a conditional UPDATE (two jobs never both send it) and gives the claim back when the SMTP server fails, so
the next sweep tries again (docs/executive.md)."""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from qadesk.executive import figures
from qadesk.executive.formatting import row_texts, significance_text
from qadesk.executive.models import DigestFrequency, DigestSubscription
from qadesk.executive.pdf import summary_pdf_bytes
from qadesk.executive.querysets import sees_executive
from qadesk.executive.selectors import executive_summary

log = logging.getLogger(__name__)
GRANULARITY = {DigestFrequency.WEEKLY: "week", DigestFrequency.MONTHLY: "month"}


def digest_period(frequency: str, today: date) -> tuple[date, date]:
    """The period a digest sent on `today` reports: the last whole week (Monday–Sunday) or calendar month."""
    return figures.last_complete_period(today, GRANULARITY[DigestFrequency(frequency)])


def digests_due(*, today: date | None = None) -> int:
    """Queue the digest of every recipient whose last whole period has not been sent yet; returns how many."""
    from qadesk.executive.tasks import send_executive_digest

    today = today or timezone.localdate()
    queued = 0
    for subscription in DigestSubscription.objects.filter(user__is_active=True).exclude(user__email=""):
        _start, end = digest_period(subscription.frequency, today)
        if subscription.last_period_end is None or subscription.last_period_end < end:
            transaction.on_commit(partial(send_executive_digest.enqueue, subscription.pk, today.isoformat()))
            queued += 1
    return queued


def digest_content(*, subscription: DigestSubscription, start: date, end: date) -> tuple[str, str, str, bytes]:
    """(subject, text, HTML, PDF) of one recipient's digest, in their language."""
    granularity = GRANULARITY[DigestFrequency(subscription.frequency)]
    with translation.override(subscription.user.language or settings.LANGUAGE_CODE):
        summary = executive_summary(start=start, end=end, granularity=granularity, sparklines=False)
        sections: list[dict[str, Any]] = [
            {"title": title, "rows": [row_texts(r) for r in rows]} for _code, title, rows in summary.sections()
        ]
        changed = [
            significance_text(r) for s in sections for r in s["rows"] if r["change_significant"] or r["baseline_significant"]
        ]
        context = {
            "name": subscription.user.get_full_name() or subscription.user.username,
            "start": formats.date_format(start, "j M Y"),
            "end": formats.date_format(end, "j M Y"),
            "sections": sections,
            "changed": changed,
            "url": f"{settings.QADESK_BASE_URL.rstrip('/')}/executive/?period={granularity}&day={start.isoformat()}",
        }
        subject = translation.gettext("Executive summary {start} – {end}").format(start=context["start"], end=context["end"])
        text = render_to_string("executive/email.txt", context)
        html = render_to_string("executive/email.html", context)
        return subject, text, html, summary_pdf_bytes(summary)


def digest_send(*, subscription_id: int, today: date) -> bool:
    """Send one recipient the digest of their last whole period, once; a failure is recorded and tried again later."""
    subscription = DigestSubscription.objects.select_related("user").filter(pk=subscription_id).first()
    if subscription is None or not subscription.user.email or not sees_executive(subscription.user):
        return False
    start, end = digest_period(subscription.frequency, today)
    previous = subscription.last_period_end
    unsent = Q(last_period_end__isnull=True) | Q(last_period_end__lt=end)
    if not DigestSubscription.objects.filter(unsent, pk=subscription_id).update(last_period_end=end):
        return False  # already sent, or another job is sending it
    try:
        subject, text, html, pdf = digest_content(subscription=subscription, start=start, end=end)
        message = EmailMultiAlternatives(subject, text, None, [subscription.user.email])
        message.attach_alternative(html, "text/html")
        message.attach(f"executive-{start.isoformat()}-{end.isoformat()}.pdf", pdf, "application/pdf")
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("could not e-mail the executive digest to subscription %s: %s", subscription_id, error)
        DigestSubscription.objects.filter(pk=subscription_id, last_period_end=end).update(
            last_period_end=previous, last_error=error
        )
        return False
    DigestSubscription.objects.filter(pk=subscription_id).update(last_sent_at=timezone.now(), last_error="")
    return True
