"""Reads of reliability: per promise and period, promised vs delivered vs expected and the gaps (figures from the pure
functions in promises.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.interactions.models import Interaction
from qadesk.reliability import promises as p
from qadesk.reliability.models import Measure, ServicePromise

PERIODS = ("month", "week")
STEPS = {
    Measure.ANSWER: ("queued_at", "answered_at"),
    Measure.FIRST_RESPONSE: ("created_at", "first_reply_at"),
    Measure.RESOLUTION: ("created_at", "resolved_at"),
}
EXPECTATION_QUESTION = "expectations"  # the question of the shipped expectation survey (surveys/survey_templates)


@dataclass(frozen=True)
class PeriodFigures:
    period: date
    delivered: p.Share
    expected: p.Share
    gaps: p.Gaps


@dataclass(frozen=True)
class PromiseReport:
    promise: ServicePromise
    periods: list[PeriodFigures]
    delivered: p.Share
    expected: p.Share
    gaps: p.Gaps


def _contacts(
    promise: ServicePromise, date_from: date, date_to: date
) -> list[tuple[int, datetime, datetime | None, datetime | None]]:
    start, end = STEPS[Measure(promise.measure)]
    rows = Interaction.objects.filter(created_at__date__gte=date_from, created_at__date__lte=date_to)
    if promise.channel:
        rows = rows.filter(channel=promise.channel)
    if promise.label_id:
        rows = rows.filter(label_id=promise.label_id)
    if start == "created_at":
        return [(pk, created, created, done) for pk, created, done in rows.order_by().values_list("id", "created_at", end)]
    return list(rows.order_by().values_list("id", "created_at", start, end))


def _expectations(ids: list[int]) -> list[tuple[int, list[str]]]:
    """(interaction id, chosen codes) of every completed answer to the expectation question about these contacts."""
    from qadesk.surveys.models import SurveyAnswer

    answers = SurveyAnswer.objects.filter(
        question__code=EXPECTATION_QUESTION,
        response__survey__kind="expectation",
        response__completed_at__isnull=False,
        response__interaction_id__in=ids,
    )
    return list(answers.order_by().values_list("response__interaction_id", "choices"))


def reliability_report(
    *, actor: User, date_from: date, date_to: date, period: str = "month", now: datetime | None = None
) -> list[PromiseReport]:
    """Every active promise the actor sees, with its figures per period of the contacts' creation (local days)."""
    if period not in PERIODS:
        raise ApplicationError(_("Unknown period “{period}”; choose week or month.").format(period=period))
    if date_from > date_to:
        raise ApplicationError(_("The first day is after the last day."))
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    reports = []
    for promise in ServicePromise.objects.visible_to(actor).filter(is_active=True).select_related("label"):
        limit = promise.within_hours * 3600
        contacts = _contacts(promise, date_from, date_to)
        verdicts: dict[date, list[bool | None]] = {}
        period_of: dict[int, date] = {}
        for pk, created, start, end in contacts:
            key = p.period_start(created.astimezone(zone).date(), period)
            period_of[pk] = key
            verdicts.setdefault(key, []).append(p.kept(start, end, limit_seconds=limit, now=now))
        answers: dict[date, list[str]] = {}
        for pk, choices in _expectations(list(period_of)):
            for code in choices or []:
                answers.setdefault(period_of[pk], []).append(code)
        rows = []
        for key in sorted(set(verdicts) | set(answers)):
            delivered, expected = p.kept_share(verdicts.get(key, [])), p.expectation_share(answers.get(key, []))
            rows.append(PeriodFigures(key, delivered, expected, _gaps(promise, delivered, expected)))
        all_delivered = p.kept_share(v for vs in verdicts.values() for v in vs)
        all_expected = p.expectation_share(a for values in answers.values() for a in values)
        reports.append(PromiseReport(promise, rows, all_delivered, all_expected, _gaps(promise, all_delivered, all_expected)))
    return reports


def _gaps(promise: ServicePromise, delivered: p.Share, expected: p.Share) -> p.Gaps:
    return p.gaps(promised=promise.promised_percent, delivered=delivered.percent, expected=expected.percent)
