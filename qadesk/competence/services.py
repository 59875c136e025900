"""Write side of training records: completions entered on the page, through the API or imported from CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qadesk.accounts.models import Agent, User
from qadesk.competence.models import CompetenceSettings, Completion, Course, Source, TrainingSession
from qadesk.competence.querysets import agents_visible_filter
from qadesk.core.errors import ApplicationError, InvalidInput, PermissionDenied

IMPORT_COLUMNS = ("agent", "course", "completed_on", "expires_on")
MAX_IMPORT_ROWS = 50_000


def can_record(actor: User) -> bool:
    """Admins, QA leads and managers record training for everyone; team leads for their team."""
    return actor.is_authenticated and (actor.sees_everything or (actor.role == "team_lead" and bool(actor.team_id)))


def _agent_for(actor: User, ref: str) -> Agent:
    rule = agents_visible_filter(actor)
    rows = Agent.objects.filter(rule) if rule is not None else Agent.objects.none()
    agent = rows.filter(pk=int(ref)).first() if ref.isdigit() else rows.filter(username=ref).first()
    if agent is None:
        raise InvalidInput(_("No agent {ref} you may record training for.").format(ref=ref), field=("agent",))
    return agent


def _course_for(ref: str) -> Course:
    course = Course.objects.filter(code=ref).first() or (Course.objects.filter(pk=int(ref)).first() if ref.isdigit() else None)
    if course is None:
        raise InvalidInput(_("No course {ref}.").format(ref=ref), field=("course",))
    return course


def completion_create(
    *,
    actor: User,
    agent: str,
    course: str,
    completed_on: date,
    expires_on: date | None = None,
    session: TrainingSession | None = None,
    source: str = Source.MANUAL,
) -> Completion:
    """Record that `agent` (id or username) completed `course` (code or id); a certification's expiry defaults to the
    completion day plus the course's validity."""
    if not can_record(actor):
        raise PermissionDenied(_("You may not record training."))
    agent_obj, course_obj = _agent_for(actor, str(agent).strip()), _course_for(str(course).strip())
    if expires_on is None and course_obj.validity_days:
        expires_on = completed_on + timedelta(days=course_obj.validity_days)
    if expires_on is not None and expires_on < completed_on:
        raise InvalidInput(_("The expiry is before the completion."), field=("expires_on",))
    try:
        with transaction.atomic():
            return Completion.objects.create(
                agent=agent_obj,
                course=course_obj,
                session=session,
                completed_on=completed_on,
                expires_on=expires_on,
                source=source,
                created_by=actor if actor.pk else None,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("{agent} already has {course} completed on {day}.").format(agent=agent_obj, course=course_obj, day=completed_on),
            status_code=409,
        ) from exc


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def committed(self) -> bool:
        return not self.errors


def _day(value: str, line: int, name: str, errors: list[RowError], *, required: bool) -> date | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors.append(RowError(line, name, _("A date is required (YYYY-MM-DD).")))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(RowError(line, name, _("{value} is not a date (YYYY-MM-DD).").format(value=value)))
        return None


def completions_import(*, actor: User, text: str, source: str = Source.IMPORT) -> ImportReport:
    """Import completions from CSV (columns agent, course, completed_on[, expires_on]); all rows or none: any error
    (naming its line and column) leaves the database unchanged."""
    if not can_record(actor):
        raise PermissionDenied(_("You may not record training."))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in IMPORT_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(_("Missing columns: {columns}.").format(columns=", ".join(missing)), field=("file",))
    report = ImportReport()
    with transaction.atomic():
        for line, row in enumerate(_rows(reader), start=2):
            _import_row(actor, line, row, report, source)
        if report.errors:
            transaction.set_rollback(True)
            report.created = 0
    return report


def _rows(reader: Iterable[dict[str, str]]) -> Iterable[dict[str, str]]:
    for number, row in enumerate(reader, start=1):
        if number > MAX_IMPORT_ROWS:
            raise InvalidInput(_("At most {n} rows per file.").format(n=MAX_IMPORT_ROWS), field=("file",))
        yield row


def _import_row(actor: User, line: int, row: dict[str, str], report: ImportReport, source: str) -> None:
    errors: list[RowError] = []
    done = _day(row.get("completed_on", ""), line, "completed_on", errors, required=True)
    expires = _day(row.get("expires_on", "") or "", line, "expires_on", errors, required=False)
    if errors:
        report.errors.extend(errors)
        return
    assert done is not None
    try:
        with transaction.atomic():
            completion_create(
                actor=actor,
                agent=row.get("agent", "") or "",
                course=row.get("course", "") or "",
                completed_on=done,
                expires_on=expires,
                source=source,
            )
    except InvalidInput as exc:
        report.errors.append(RowError(line, exc.field[-1], str(exc.message)))
    except ApplicationError as exc:
        report.errors.append(RowError(line, "agent", str(exc.message)))
    else:
        report.created += 1


def training_session_save(
    *,
    actor: User,
    course: Course,
    starts_on: date,
    ends_on: date,
    trainer: str = "",
    place: str = "",
    session: TrainingSession | None = None,
) -> TrainingSession:
    """Add a run of a course (or change `session`): its first and last day, trainer and place. Whoever records
    completions keeps the sessions (can_record)."""
    if not can_record(actor):
        raise PermissionDenied(_("You may not record training."))
    if ends_on < starts_on:
        raise InvalidInput(_("The session ends before it starts."), field=("ends_on",))
    row = session or TrainingSession()
    row.course, row.starts_on, row.ends_on = course, starts_on, ends_on
    row.trainer, row.place = trainer.strip(), place.strip()
    row.full_clean()
    row.save()
    return row


def training_session_delete(*, actor: User, session: TrainingSession) -> None:
    """Remove a session no completion refers to (one that has completions keeps them attached: refused)."""
    if not can_record(actor):
        raise PermissionDenied(_("You may not record training."))
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        recorded = Completion.objects.filter(session=locked).count()
        if recorded:
            message = ngettext(
                "{n} completion was recorded for this session; it stays.",
                "{n} completions were recorded for this session; it stays.",
                recorded,
            )
            raise ApplicationError(message.format(n=recorded), status_code=409)
        locked.delete()


def competence_settings_update(
    *, actor: User, mode: str, training_benchmark: float, delivery_benchmark: float, survey_question_code: str
) -> CompetenceSettings:
    """Admins set the benchmarks (a standard, or the organisation's own median) and the survey question read."""
    if not (actor.role == "admin" or actor.is_superuser):
        raise PermissionDenied(_("Only administrators set the competence benchmarks."))
    for name, value in (("training_benchmark", training_benchmark), ("delivery_benchmark", delivery_benchmark)):
        if not 0 < value <= 100:
            raise InvalidInput(_("A benchmark is a score above 0 and at most 100."), field=(name,))
    options = CompetenceSettings.load()
    options.mode, options.training_benchmark, options.delivery_benchmark = mode, training_benchmark, delivery_benchmark
    options.survey_question_code = survey_question_code
    options.full_clean()
    options.save()
    return options
