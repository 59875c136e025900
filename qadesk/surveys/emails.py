"""E-mailed invitations: sent by a background job after the commit, with the survey's first question in the e-mail
itself (each rating a link that records the answer and opens the rest), tried again with growing waits while the SMTP
server fails, and marked failed after the last try — never silently lost (the same rhythm as notification e-mails)."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qadesk.core.i18n import pick
from qadesk.notifications.services import MAX_ATTEMPTS, QUEUED_GRACE, RETRY_DELAYS, SWEEP_BATCH
from qadesk.surveys.models import SurveyContact, SurveyInvitation
from qadesk.surveys.rollup import survey_rollup_kept

log = logging.getLogger(__name__)
ONE_CLICK_KINDS = ("csat", "nps", "ces", "yes_no")


def invitation_email_queue(invitation_id: int) -> None:
    """Queue the invitation's e-mail once the transaction that made it commits (the sweep sends it if this is lost)."""
    transaction.on_commit(partial(_enqueue, invitation_id))


def _enqueue(invitation_id: int) -> None:
    from qadesk.surveys.tasks import send_survey_invitation

    try:
        send_survey_invitation.enqueue(invitation_id)
    except Exception:  # the queue is down: the periodic sweep sends it once email_retry_at has passed
        log.exception("could not queue the e-mail of survey invitation %s", invitation_id)


def invitation_email_content(*, invitation: SurveyInvitation) -> tuple[str, str, str]:
    """(subject, text, HTML) in the invitation's language; the first question's ratings are one-click links."""
    version = invitation.survey.current_version()
    assert version is not None
    base = f"{settings.QADESK_BASE_URL.rstrip('/')}/s/{invitation.token}/"
    first = version.questions.order_by("position").first()
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        links: list[dict[str, Any]] = []
        if first is not None and first.kind in ONE_CLICK_KINDS:
            for value in reversed(first.scale):
                label = (translation.gettext("Yes") if value else translation.gettext("No")) if first.kind == "yes_no" else value
                links.append({"label": label, "url": f"{base}?q={first.code}&a={value}"})
        context = {
            "title": pick(version.title) or pick(invitation.survey.name),
            "intro": pick(version.intro),
            "question": pick(first.text) if first is not None else "",
            "links": links,
            "start": base,
            "opt_out": f"{base}opt-out/" if invitation.interaction_id else "",
            "expires_at": invitation.expires_at,
        }
        text = render_to_string("surveys/email.txt", context)
        html = render_to_string("surveys/email.html", context)
        return str(context["title"]), text, html


def invitation_email(*, invitation_id: int) -> bool:
    """Try once to e-mail an invitation. A failure is recorded on it and tried again later, never raised; two jobs for
    one invitation do not both send (each moves `email_attempts` on from the value it read, and only one can)."""
    invitation = SurveyInvitation.objects.select_related("survey").filter(pk=invitation_id).first()
    if invitation is None or invitation.sent_at or invitation.email_failed_at or not invitation.email:
        return False
    if SurveyContact.objects.filter(customer__interactions__survey_invitations=invitation, opted_out_at__isnull=False).exists():
        SurveyInvitation.objects.filter(pk=invitation_id).update(
            email_failed_at=timezone.now(), email_retry_at=None, email_error="opted out"
        )
        return False
    now = timezone.now()
    attempt = invitation.email_attempts + 1
    last = attempt >= MAX_ATTEMPTS
    pending = SurveyInvitation.objects.filter(pk=invitation_id, sent_at__isnull=True, email_failed_at__isnull=True)
    retry_at = now + (QUEUED_GRACE if last else RETRY_DELAYS[attempt - 1])
    if not pending.filter(email_attempts=attempt - 1).update(email_attempts=attempt, email_retry_at=retry_at):
        return False
    if attempt > MAX_ATTEMPTS:  # the last try's job died before it could say how it went
        pending.update(email_failed_at=now, email_retry_at=None)
        return False
    try:
        subject, text, html = invitation_email_content(invitation=invitation)
        message = EmailMultiAlternatives(subject, text, None, [invitation.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("could not e-mail survey invitation %s (attempt %s of %s): %s", invitation_id, attempt, MAX_ATTEMPTS, error)
        pending.update(email_error=error, **({"email_failed_at": timezone.now(), "email_retry_at": None} if last else {}))
        return False
    with transaction.atomic(), survey_rollup_kept(invitations=SurveyInvitation.objects.filter(pk=invitation_id)):
        pending.update(sent_at=timezone.now(), email_retry_at=None, email_error="")  # it now counts in the response rate
    return True


def invitation_emails_retry(*, now: datetime | None = None) -> int:
    """Queue the invitation e-mails whose next try is due (after a failure, or whose job was lost); returns how many."""
    from qadesk.surveys.tasks import send_survey_invitation

    now = now or timezone.now()
    due = SurveyInvitation.objects.filter(sent_at__isnull=True, email_failed_at__isnull=True, email_retry_at__lte=now)
    ids = list(due.order_by("email_retry_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    SurveyInvitation.objects.filter(pk__in=ids).update(email_retry_at=now + QUEUED_GRACE)
    for invitation_id in ids:
        transaction.on_commit(partial(send_survey_invitation.enqueue, invitation_id))
    return len(ids)
