"""Importing answers collected elsewhere (a helpdesk's CSAT export): CSV or JSON Lines, attached to interactions by
source + external id. Every row is checked first; a bad row is named by line and field, and nothing is written unless
every row is good (or `skip_invalid`). Re-importing the same file changes nothing: each row's response is found again
by its reference (response_id, else the interaction's source:external_id)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from qadesk.core.errors import ApplicationError
from qadesk.imports.parsers import guess_format, json_record, jsonl_rows, readable
from qadesk.interactions.models import Interaction
from qadesk.surveys.models import Question, ResponseSource, Survey, SurveyAnswer, SurveyResponse
from qadesk.surveys.rollup import survey_rollup_kept
from qadesk.surveys.services import answer_parse, headline_question, response_close_loop

FIELDS = ("survey", "source", "external_id", "response_id", "submitted_at", "language", "answers")
MAX_ERRORS = 200
ROLLUP_BATCH = 500  # rows written between two updates of the results' rollup


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass
class SurveyImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False


@dataclass(frozen=True)
class _Row:
    line: int
    survey: Survey
    interaction: Interaction
    key: str
    submitted_at: datetime
    language: str
    answers: list[tuple[Question, tuple[int | None, list[str], str]]]


def _records(stream: IO[bytes], fmt: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    if fmt == "jsonl":
        for line, raw in jsonl_rows(stream):
            record = json_record(raw) if isinstance(raw, bytes | str) else raw
            yield line, (record if isinstance(record, dict) else RowError(line, record.field, record.message))
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        for record in reader:
            answers = {k: v for k, v in record.items() if k and k not in FIELDS and v not in ("", None)}
            base = {k: v for k, v in record.items() if k in FIELDS and v not in ("", None)}
            yield reader.line_num, {**base, "answers": answers}
    except (csv.Error, UnicodeDecodeError) as exc:
        yield reader.line_num, RowError(reader.line_num, "", _("not valid CSV: {error}").format(error=exc))


def _check(line: int, record: dict[str, Any], surveys: dict[str, Survey | None]) -> _Row | list[RowError]:
    errors = [RowError(line, name, _("is required")) for name in ("survey", "source", "external_id") if not record.get(name)]
    if errors:
        return errors
    code = str(record["survey"])
    if code not in surveys:
        surveys[code] = Survey.objects.filter(code=code).first()
    survey = surveys[code]
    version = survey.current_version() if survey else None
    if survey is None or version is None:
        return [RowError(line, "survey", _("no survey with a published version has the code {code}").format(code=code))]
    source, external_id = str(record["source"]), str(record["external_id"])
    interaction = Interaction.objects.filter(source=source, external_id=external_id).first()
    if interaction is None:
        return [RowError(line, "external_id", _("no interaction {source}:{id}").format(source=source, id=external_id))]
    submitted = timezone.now()
    if record.get("submitted_at"):
        parsed = parse_datetime(str(record["submitted_at"]))
        if parsed is None:
            return [RowError(line, "submitted_at", _("is not a date and time (ISO 8601, e.g. 2026-10-01T09:00:00Z)"))]
        submitted = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    answers_in = record.get("answers") or {}
    if not isinstance(answers_in, dict) or not answers_in:
        return [RowError(line, "answers", _("needs at least one answer"))]
    questions = {q.code: q for q in version.questions.all()}
    answers, errors = [], []
    for name, raw in answers_in.items():
        question = questions.get(str(name))
        if question is None:
            errors.append(RowError(line, str(name), _("is not a question of the survey")))
            continue
        values = raw if isinstance(raw, list) else (str(raw).split(";") if question.kind == "multiple" else [str(raw)])
        try:
            parsed_answer = answer_parse(question=question, raw=[str(v).strip() for v in values])
        except ApplicationError as exc:
            errors.append(RowError(line, str(name), str(exc.message)))
            continue
        if parsed_answer is not None:
            answers.append((question, parsed_answer))
    if errors:
        return errors
    reference = str(record.get("response_id") or f"{source}:{external_id}")
    language = str(record.get("language") or interaction.language or "")[:8]
    return _Row(line, survey, interaction, reference[:120], submitted, language, answers)


def survey_responses_import(*, stream: IO[bytes], fmt: str, skip_invalid: bool = False) -> SurveyImportReport:
    """Check every row, then write them in one transaction (nothing when a row is bad, unless skip_invalid)."""
    report = SurveyImportReport()
    rows: list[_Row] = []
    surveys: dict[str, Survey | None] = {}
    for line, record in _records(readable(stream), fmt):
        checked = [record] if isinstance(record, RowError) else _check(line, record, surveys)
        if isinstance(checked, _Row):
            rows.append(checked)
        else:
            report.errors.extend(checked[: MAX_ERRORS - len(report.errors)])
            report.skipped += 1
    if report.errors and not skip_invalid:
        report.skipped += len(rows)
        return report
    with transaction.atomic():
        for start in range(0, len(rows), ROLLUP_BATCH):
            batch = rows[start : start + ROLLUP_BATCH]
            # The results' rollup moves by what these rows' responses count after the write minus before.
            found = SurveyResponse.objects.filter(source=ResponseSource.IMPORT, key__in={row.key for row in batch})
            with survey_rollup_kept(responses=found):
                for row in batch:
                    _write(row, report)
    report.committed = True
    return report


def _write(row: _Row, report: SurveyImportReport) -> None:
    version = row.survey.current_version()
    assert version is not None
    response, created = SurveyResponse.objects.get_or_create(
        survey=row.survey,
        source=ResponseSource.IMPORT,
        key=row.key,
        defaults={
            "version": version,
            "interaction": None if row.survey.anonymous else row.interaction,
            "language": row.language,
            "started_at": row.submitted_at,
            "completed_at": row.submitted_at,
        },
    )
    report.created += created
    report.updated += not created
    for question, (value, choices, text) in row.answers:
        mine = response.version.questions.filter(code=question.code).first() or question
        SurveyAnswer.objects.update_or_create(
            response=response, question=mine, defaults={"value": value, "choices": choices, "text": text}
        )
    headline = headline_question(response.version)
    answered = {q.code: parsed[0] for q, parsed in row.answers}
    if headline is not None and headline.code in answered:
        response_close_loop(response=response, question=headline, value=answered[headline.code])


def survey_responses_import_file(*, path: str, fmt: str | None = None, skip_invalid: bool = False) -> SurveyImportReport:
    """`qadesk import survey-responses FILE`: the format from the extension unless given."""
    try:
        with Path(path).open("rb") as stream:
            return survey_responses_import(stream=stream, fmt=fmt or guess_format(path), skip_invalid=skip_invalid)
    except OSError as exc:
        raise ApplicationError(_("Cannot read {file}: {error}").format(file=path, error=exc.strerror)) from exc
