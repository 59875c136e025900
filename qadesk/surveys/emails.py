"""E-mailed invitations: sent by a background job after the commit, with the survey's first question in the e-mail
itself (each rating a link that records the answer and opens the rest), tried again with growing waits while the SMTP
server fails, and marked failed after the last try — never silently lost (the same rhythm as notification e-mails)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qadesk.core.i18n import pick
from qadesk.core.mail_handoff import (
    MESSAGE_ID_MARK,
    RECIPIENT_MARK,
    TOKEN_MARK,
    Outgoing,
    blank_of,
    fill,
    hand_over,
    outgoing_of,
    send_each,
    smtp_in_use,
)
from qadesk.notifications.services import MAX_ATTEMPTS, QUEUED_GRACE, RETRY_DELAYS
from qadesk.surveys.models import Question, SurveyContact, SurveyInvitation, SurveyVersion
from qadesk.surveys.rollup import survey_rollup_add, survey_rollup_counts

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
    first = version.questions.order_by("position").first()
    return _content(invitation=invitation, version=version, first=first, token=invitation.token)


def _content(*, invitation: SurveyInvitation, version: SurveyVersion, first: Question | None, token: str) -> tuple[str, str, str]:
    base = f"{settings.QADESK_BASE_URL.rstrip('/')}/s/{token}/"
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
    """Try once to e-mail an invitation (its own job, queued when it was made): the batch sender's claim and delivery
    for this one invitation, due yet or not. A failure is recorded on it and tried again later, never raised; two jobs
    for one invitation do not both send (the claim counts the attempt first, and only one can)."""
    return invitation_emails_deliver(invitations=invitation_emails_claim(ids=[invitation_id])) == 1


# --- Sending for volume: due invitations claimed in batches, one rendering per kind of e-mail, one SMTP connection ------

SEND_BATCH = 500


def invitation_emails_send(*, batch: int = SEND_BATCH, limit: int | None = None) -> int:
    """Send every invitation e-mail that is due (new, or whose retry time has passed), a batch at a time, until none is
    left (or `limit` were tried); returns how many were sent. Safe to run twice at once: each batch is claimed first."""
    sent = tried = 0
    while limit is None or tried < limit:
        claimed = invitation_emails_claim(batch=batch if limit is None else min(batch, limit - tried))
        if not claimed:
            break
        tried += len(claimed)
        sent += invitation_emails_deliver(invitations=claimed)
    return sent


def invitation_emails_claim(
    *, batch: int = SEND_BATCH, now: datetime | None = None, ids: list[int] | None = None
) -> list[SurveyInvitation]:
    """Claim up to `batch` due invitations for one try (with `ids`: those, due yet or not): each one's attempt is
    counted and its next try set, in one committed UPDATE, before anything is sent — so another sender skips them (rows
    locked meanwhile are skipped on PostgreSQL, FOR UPDATE SKIP LOCKED), and a sender that dies mid-batch leaves the
    unsent ones due again at their next try."""
    now = now or timezone.now()
    due = SurveyInvitation.objects.filter(sent_at__isnull=True, email_failed_at__isnull=True).exclude(email="")
    due = due.filter(pk__in=ids) if ids is not None else due.filter(email_retry_at__lte=now)
    with transaction.atomic():
        locked = due.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked, of=("self",))
        rows = list(locked.select_related("survey").order_by("email_retry_at", "pk")[:batch])
        if not rows:
            return []
        delays = [When(email_attempts=n, then=Value(now + delay)) for n, delay in enumerate(RETRY_DELAYS)]
        claimed = due.filter(pk__in=[r.pk for r in rows]).update(
            email_attempts=F("email_attempts") + 1, email_retry_at=Case(*delays, default=Value(now + QUEUED_GRACE))
        )
        if claimed != len(rows):  # cannot happen with the rows locked (or SQLite's writes taken in turn): never send twice
            transaction.set_rollback(True)
            return []
    for row in rows:
        row.email_attempts += 1
    return rows


@dataclass(frozen=True)
class _Kind:
    """What makes two invitation e-mails the same once the token is left out."""

    version_id: int
    language: str
    opt_out: bool
    expires: date | None


def invitation_emails_deliver(*, invitations: list[SurveyInvitation]) -> int:
    """Send claimed invitations (each kind of e-mail rendered and built once, its token, address and Message-ID filled
    in) over QADESK_SMTP_CONNECTIONS connections at once, mark the sent ones in one UPDATE with their rollup counts, and
    record each failure on its own invitation only."""
    now = timezone.now()
    stale = [i.pk for i in invitations if i.email_attempts > MAX_ATTEMPTS]  # the last try's sender died mid-batch
    _record(stale, email_failed_at=now, email_retry_at=None)
    opted_out = set(
        SurveyContact.objects.filter(
            customer__interactions__survey_invitations__in=[i.pk for i in invitations], opted_out_at__isnull=False
        ).values_list("customer__interactions__survey_invitations", flat=True)
    )
    _record(sorted(opted_out), email_failed_at=now, email_retry_at=None, email_error="opted out")
    todo = [i for i in invitations if i.pk not in opted_out and i.email_attempts <= MAX_ATTEMPTS]
    if not todo:
        return 0
    if smtp_in_use():  # bytes built once per kind, over several connections at once
        errors = hand_over(_outgoing(todo), connections=settings.QADESK_SMTP_CONNECTIONS)
    else:
        errors = send_each(_messages(todo))
    sent = [invitation.pk for invitation, error in zip(todo, errors, strict=True) if error is None]
    failed: dict[str, list[SurveyInvitation]] = {}
    for invitation, error in zip(todo, errors, strict=True):
        if error is not None:
            failed.setdefault(f"{type(error).__name__}: {error}"[:2000], []).append(invitation)
    _mark_sent(sent)
    for reason, invitations_failed in failed.items():
        log.warning("could not e-mail %s survey invitations: %s", len(invitations_failed), reason)
        last = [i.pk for i in invitations_failed if i.email_attempts >= MAX_ATTEMPTS]
        _record([i.pk for i in invitations_failed if i.email_attempts < MAX_ATTEMPTS], email_error=reason)
        _record(last, email_error=reason, email_failed_at=timezone.now(), email_retry_at=None)
    return len(sent)


def _record(ids: list[int], **fields: Any) -> None:
    if ids:
        SurveyInvitation.objects.filter(pk__in=ids, sent_at__isnull=True, email_failed_at__isnull=True).update(**fields)


def _mark_sent(ids: list[int]) -> None:
    """Sent: one UPDATE, and the response rate's counts of these invitations added to the rollup. Before it none of
    them counted (only sent invitations do), and the UPDATE locks them first, so a response made meanwhile is counted
    either by its own change (it waits for this commit) or here."""
    if not ids:
        return
    with transaction.atomic():
        SurveyInvitation.objects.filter(pk__in=ids, sent_at__isnull=True).update(
            sent_at=timezone.now(), email_retry_at=None, email_error=""
        )
        survey_rollup_add(survey_rollup_counts(invitations=SurveyInvitation.objects.filter(pk__in=ids)))


def _contents(invitations: list[SurveyInvitation]) -> list[tuple[str, str, str]]:
    """Each invitation's (subject, text, HTML) with TOKEN_MARK for its token; every kind (version, language, opt-out
    link, expiry day) is rendered once, and invitations of one kind share one tuple."""
    versions: dict[int, tuple[SurveyVersion, Question | None]] = {}
    rendered: dict[_Kind, tuple[str, str, str]] = {}
    contents = []
    for invitation in invitations:
        if invitation.survey_id not in versions:
            version = invitation.survey.current_version()
            assert version is not None  # an invitation is only made to a survey with a published version
            versions[invitation.survey_id] = (version, version.questions.order_by("position").first())
        version, first = versions[invitation.survey_id]
        expires = timezone.localtime(invitation.expires_at).date() if invitation.expires_at else None
        kind = _Kind(version.pk, invitation.language, bool(invitation.interaction_id), expires)
        if kind not in rendered:
            rendered[kind] = _content(invitation=invitation, version=version, first=first, token=TOKEN_MARK)
        contents.append(rendered[kind])
    return contents


def _message(content: tuple[str, str, str], *, token: str, to: str, **headers: str) -> EmailMultiAlternatives:
    subject, text, html = content
    message = EmailMultiAlternatives(subject, text.replace(TOKEN_MARK, token), None, [to], headers=headers or None)
    message.attach_alternative(html.replace(TOKEN_MARK, token), "text/html")
    return message


def _messages(invitations: list[SurveyInvitation]) -> list[EmailMultiAlternatives]:
    """Each invitation's e-mail as a Django message (for a backend that is not SMTP)."""
    contents = _contents(invitations)
    return [_message(c, token=i.token, to=i.email) for i, c in zip(invitations, contents, strict=True)]


def _outgoing(invitations: list[SurveyInvitation]) -> list[Outgoing]:
    """Each invitation's e-mail as the bytes Django's SMTP backend would send: each kind's message built once with marks
    and copied with the invitation's token, address and a new Message-ID (built by Django when a copy cannot be)."""
    blanks: dict[int, Outgoing | None] = {}
    outgoing = []
    for invitation, content in zip(invitations, _contents(invitations), strict=True):
        if id(content) not in blanks:
            blank = _message(content, token=TOKEN_MARK, to=RECIPIENT_MARK, **{"Message-ID": MESSAGE_ID_MARK})
            tokens = content[1].count(TOKEN_MARK) + content[2].count(TOKEN_MARK)
            blanks[id(content)] = blank_of(blank, tokens=tokens)
        blank_bytes = blanks[id(content)]
        copy = fill(blank_bytes, token=invitation.token, recipient=invitation.email) if blank_bytes else None
        outgoing.append(copy or outgoing_of(_message(content, token=invitation.token, to=invitation.email)))
    return outgoing
