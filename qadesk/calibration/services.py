"""Calibration writes: open a session, submit a participant's score, record agreed answers, close."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from qadesk.accounts.models import OrgSettings, Role, User
from qadesk.calibration.models import (
    AgreedAnswer,
    CalibrationItem,
    CalibrationRating,
    CalibrationScore,
    CalibrationSession,
    SessionStatus,
)
from qadesk.core.errors import ApplicationError, Conflict, PermissionDenied
from qadesk.interactions.models import Interaction
from qadesk.notifications.services import notify
from qadesk.scorecards.models import Criterion, ScorecardVersion, VersionStatus


def is_qa_lead(user: User) -> bool:
    """Who runs calibration: QA leads and admins."""
    return user.is_superuser or user.role in {Role.QA_LEAD, Role.ADMIN}


def _require_qa_lead(actor: User) -> None:
    if not is_qa_lead(actor):
        raise PermissionDenied(_("Only a QA lead can run calibration sessions."))


def _check_value(criterion: Criterion, value: int | None) -> None:
    """A rating must be a point of the criterion's scale, or N/A where the criterion allows it."""
    if value is None:
        if not criterion.na_allowed:
            raise ApplicationError(_("N/A is not allowed for {criterion}.").format(criterion=criterion))
    elif value not in criterion.rating_choices():
        raise ApplicationError(_("{value} is not a rating on the scale of {criterion}.").format(value=value, criterion=criterion))


def calibration_session_create(
    *,
    actor: User,
    title: str,
    scorecard_version: ScorecardVersion,
    interactions: Sequence[Interaction],
    participants: Sequence[User],
    deadline: datetime,
    blind: bool = True,
    hide_agent: bool = True,
    benchmark_reviewer: User | None = None,
    note: str = "",
) -> CalibrationSession:
    """Open a session (QA leads) and notify its participants; the benchmark reviewer takes part too."""
    _require_qa_lead(actor)
    if scorecard_version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("Calibration can only use a published scorecard version."))
    if not interactions:
        raise ApplicationError(_("A calibration session needs at least one interaction."))
    people = {u.pk: u for u in [*participants, *([benchmark_reviewer] if benchmark_reviewer else [])]}
    if len(people) < 2:
        raise ApplicationError(_("A calibration session needs at least two participants."))
    if deadline <= timezone.now():
        raise ApplicationError(_("The deadline must be in the future."))
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            title=title,
            scorecard_version=scorecard_version,
            created_by=actor,
            deadline=deadline,
            blind=blind,
            hide_agent=hide_agent,
            benchmark_reviewer=benchmark_reviewer,
            note=note,
        )
        unique = list(dict.fromkeys(interactions))
        CalibrationItem.objects.bulk_create(
            CalibrationItem(session=session, interaction=i, position=n) for n, i in enumerate(unique)
        )
        session.participants.set(people.values())
        for person in people.values():
            notify(
                recipient=person,
                kind="calibration_opened",
                subject=gettext_noop("Calibration session “{title}”: please score by {deadline}"),
                params={"title": title, "deadline": deadline},
            )
    return session


@transaction.atomic
def calibration_score_submit(
    *, item: CalibrationItem, actor: User, ratings: Mapping[int, int | None], comment: str = ""
) -> CalibrationScore:
    """Submit a participant's ratings of one item (criterion id -> value, None = N/A): once, before the deadline.

    The session's row lock orders a score against the session's closing: a score sent as the session closes is either
    in before it closed or refused (409), never added to a closed session.
    """
    session = _lock(item.session)
    if not session.participants.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only the participants of a session can score it."))
    if session.status != SessionStatus.OPEN:
        raise Conflict(_("This calibration session is closed."))
    if timezone.now() > session.deadline:
        raise ApplicationError(_("The deadline of this calibration session has passed."))
    criteria = {c.pk: c for c in Criterion.objects.filter(section__version=session.scorecard_version_id)}
    unknown = set(ratings) - set(criteria)
    if unknown:
        raise ApplicationError(_("These criteria are not on the session's scorecard: {ids}").format(ids=sorted(unknown)))
    missing = [str(c) for pk, c in criteria.items() if pk not in ratings]
    if missing:
        raise ApplicationError(_("Every criterion needs a rating or N/A; missing: {names}").format(names=", ".join(missing)))
    for pk, value in ratings.items():
        _check_value(criteria[pk], value)
    already = Conflict(_("You have already scored this interaction."))
    if CalibrationScore.objects.filter(item=item, reviewer=actor).exists():
        raise already
    try:
        with transaction.atomic():
            score = CalibrationScore.objects.create(session=session, item=item, reviewer=actor, comment=comment)
            CalibrationRating.objects.bulk_create(
                CalibrationRating(score=score, criterion_id=pk, value=value) for pk, value in ratings.items()
            )
    except IntegrityError as exc:  # the unique constraint behind the lock
        raise already from exc
    return score


def _lock(session: CalibrationSession) -> CalibrationSession:
    """Lock the session's row inside the caller's transaction and re-read it in place (the lock is a no-op on SQLite,
    whose IMMEDIATE transaction already holds the write lock)."""
    session.refresh_from_db(from_queryset=CalibrationSession.objects.select_for_update(no_key=True))
    return session


@transaction.atomic
def calibration_agreed_answer_set(
    *, item: CalibrationItem, criterion: Criterion, actor: User, value: int | None, note: str = ""
) -> AgreedAnswer:
    """Record (or correct) the rating the session agreed on for one criterion of one item (QA leads).

    Under the session's row lock, so two leads recording the same cell at once make one answer (the later one's
    value), never a duplicate-key error.
    """
    _require_qa_lead(actor)
    session = _lock(item.session)
    if criterion.section.version_id != session.scorecard_version_id:
        raise ApplicationError(_("This criterion is not on the session's scorecard."))
    _check_value(criterion, value)
    answer, _created = AgreedAnswer.objects.update_or_create(
        item=item, criterion=criterion, defaults={"session": session, "value": value, "note": note, "set_by": actor}
    )
    return answer


@transaction.atomic
def calibration_agreed_answer_clear(*, item: CalibrationItem, criterion: Criterion, actor: User) -> bool:
    """Take back the agreed answer of one criterion of one item (QA leads); returns False when there was none.

    Without it the benchmark for that cell is the benchmark reviewer's rating again, or none.
    """
    _require_qa_lead(actor)
    _lock(item.session)
    deleted, _by_model = AgreedAnswer.objects.filter(item=item, criterion=criterion).delete()
    return bool(deleted)


@transaction.atomic
def calibration_session_close(
    *, session: CalibrationSession, actor: User, note: str | None = None, scorecard_revision_note: str | None = None
) -> CalibrationSession:
    """Close a session (QA leads): no more scores; participants are told the results are out (once: closing twice at
    once closes once, the second gets a Conflict)."""
    _require_qa_lead(actor)
    _lock(session)
    if session.status == SessionStatus.CLOSED:
        raise Conflict(_("This calibration session is already closed."))
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    if note is not None:
        session.note = note
    if scorecard_revision_note is not None:
        session.scorecard_revision_note = scorecard_revision_note
    session.save()
    for person in session.participants.all():
        notify(
            recipient=person,
            kind="calibration_results",
            subject=gettext_noop("Calibration session “{title}”: the results are out"),
            params={"title": session.title},
        )
    return session


def _still_scoring(session: CalibrationSession) -> QuerySet[User]:
    """The participants who have not scored every item of the session."""
    n_items = session.items.count()
    done = Count("calibration_scores", filter=Q(calibration_scores__session=session))
    return session.participants.filter(is_active=True).annotate(done=done).filter(done__lt=n_items)


def calibration_reminders_send(*, now: datetime | None = None) -> int:
    """Remind, once per session, the participants still scoring an open session whose deadline is near.

    "Near" is the organisation's calibration_reminder_hours (0: never). A session opened already that close to its
    deadline gets none: its opening notice says the deadline. Returns how many people were reminded.
    """
    hours = OrgSettings.load().calibration_reminder_hours
    if not hours:
        return 0
    now = now or timezone.now()
    window = timedelta(hours=hours)
    sessions = CalibrationSession.objects.filter(
        status=SessionStatus.OPEN,
        reminder_sent_at__isnull=True,
        deadline__gt=now,
        deadline__lte=now + window,
        created_at__lt=F("deadline") - window,
    )
    reminded = 0
    for session in sessions:
        with transaction.atomic():
            # Claim the session's reminder first: of several schedulers or workers, only one sends it.
            claimed = CalibrationSession.objects.filter(pk=session.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
            if not claimed:
                continue
            for person in _still_scoring(session):
                notify(
                    recipient=person,
                    kind="calibration_reminder",
                    subject=gettext_noop("Reminder: please finish scoring calibration session “{title}” by {deadline}"),
                    params={"title": session.title, "deadline": session.deadline},
                    url=reverse("calibration:detail", args=[session.pk]),
                )
                reminded += 1
    return reminded
