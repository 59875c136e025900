"""Importing complaints from a CSV or JSON Lines file (`qadesk import complaints FILE`, docs/complaints.md).

Every row is checked first (shape, then what it names: category, owner, interactions); a bad row is reported by line
and field. Unless `skip_invalid`, one bad row means nothing is written. Rows are keyed by source + external id: a
complaint already imported is updated where the file changed it (and left alone otherwise), never added twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from qadesk.accounts.models import User
from qadesk.complaints.models import Complaint, ComplaintCategory
from qadesk.complaints.services import complaint_create, complaint_link, complaint_update
from qadesk.core.errors import ApplicationError
from qadesk.core.validation import error_messages
from qadesk.imports.parsers import UnreadableRow, guess_format, json_record, jsonl_rows, readable
from qadesk.imports.row_reports import RowsImportReport
from qadesk.interactions.models import Customer, Interaction


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


def _list(value: Any) -> Any:
    """A CSV cell `T-1;T-2` or a JSON list."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


Text = Annotated[str, Field(min_length=1, max_length=100)]


class ComplaintRowIn(BaseModel):
    """One complaint of the file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source: Text
    external_id: Text
    category: Text
    description: Annotated[str, Field(min_length=1, max_length=20_000)]
    severity: Annotated[Literal["low", "medium", "high", "critical"], BeforeValidator(lambda v: v or "medium")] = "medium"
    phase: Annotated[
        Literal["demand", "purchase", "delivery", "reception", "evaluation"] | None, BeforeValidator(_blank_none)
    ] = None
    customer: Annotated[str | None, BeforeValidator(_blank_none), Field(max_length=100)] = None
    owner: Annotated[str | None, BeforeValidator(_blank_none), Field(max_length=150)] = None
    interactions: Annotated[list[Text], BeforeValidator(_list)] = []
    interaction_source: Annotated[str | None, BeforeValidator(_blank_none), Field(max_length=50)] = None
    created_at: Annotated[datetime | None, BeforeValidator(_blank_none)] = None


class ComplaintImportReport(RowsImportReport):
    """What an import of complaints did, or would have done."""


@dataclass
class _Ready:
    line: int
    row: ComplaintRowIn
    category: ComplaintCategory
    owner: User | None
    interactions: list[Interaction]


def complaints_import_file(
    *, path_or_stream: str | Path | IO[bytes], fmt: str | None = None, skip_invalid: bool = False
) -> ComplaintImportReport:
    """Import a file (path or binary stream) of complaints; see the module's docstring for the rules."""
    if isinstance(path_or_stream, str | Path):
        name = str(path_or_stream)
        try:
            with open(path_or_stream, "rb") as stream:
                return complaints_import(rows=_rows(stream, fmt or guess_format(name), name), skip_invalid=skip_invalid)
        except OSError as exc:
            raise ApplicationError(_("Cannot read {name}: {error}").format(name=name, error=exc.strerror)) from exc
    return complaints_import(rows=_rows(path_or_stream, fmt or "jsonl", ""), skip_invalid=skip_invalid)


def _rows(stream: IO[bytes], fmt: str, name: str) -> Iterator[tuple[int, dict[str, Any] | UnreadableRow]]:
    data = readable(stream, name=name)
    if fmt == "jsonl":
        for line, raw in jsonl_rows(data):
            yield line, json_record(raw) if isinstance(raw, bytes | str) else raw  # type: ignore[misc]
        return
    if fmt != "csv":
        raise ApplicationError(_("Unknown format {fmt}: use jsonl or csv.").format(fmt=fmt))
    text = io.TextIOWrapper(data, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.DictReader(text)
    try:
        for record in reader:
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue
            if None in record:
                yield reader.line_num, UnreadableRow("", _("more cells than the header has columns"))
                continue
            yield reader.line_num, {k.strip(): v for k, v in record.items() if k is not None and v != ""}
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text: {error}").format(error=exc)) from exc
    except csv.Error as exc:
        raise ApplicationError(_("not valid CSV: {error}").format(error=exc)) from exc


def complaints_import(
    *, rows: Iterator[tuple[int, dict[str, Any] | UnreadableRow]], skip_invalid: bool = False
) -> ComplaintImportReport:
    """Check every row, then write them in one transaction (nothing at all when a row is bad, unless skip_invalid)."""
    report = ComplaintImportReport()
    ready: list[_Ready] = []
    seen: dict[tuple[str, str], int] = {}
    categories = {c.code: c for c in ComplaintCategory.objects.all()}
    for line, record in rows:
        checked = _check(line, record, report, categories)
        if checked is None:
            continue
        key = (checked.row.source, checked.row.external_id)
        if key in seen:
            report.add_error(line, "external_id", _("repeats line {line} (same source and external id)").format(line=seen[key]))
            continue
        seen[key] = line
        ready.append(checked)
    if report.error_count and not skip_invalid:
        return report
    report.skipped = len(report.refused_lines)
    with transaction.atomic():
        for item in ready:
            _write(item, report)
    report.committed = True
    return report


def _check(
    line: int, record: dict[str, Any] | UnreadableRow, report: ComplaintImportReport, categories: dict[str, ComplaintCategory]
) -> _Ready | None:
    if isinstance(record, UnreadableRow):
        report.add_error(line, record.field, record.message)
        return None
    try:
        row = ComplaintRowIn.model_validate(record)
    except ValidationError as exc:
        for where, message in error_messages(exc):
            report.add_error(line, where, message)
        return None
    ok = True
    category = categories.get(row.category)
    if category is None:
        report.add_error(line, "category", _("no category with the code {code}").format(code=row.category))
        ok = False
    owner = None
    if row.owner:
        owner = User.objects.filter(username=row.owner, is_active=True).first()
        if owner is None:
            report.add_error(line, "owner", _("no active user {name}").format(name=row.owner))
            ok = False
    source = row.interaction_source or row.source
    found = {i.external_id: i for i in Interaction.objects.filter(source=source, external_id__in=row.interactions)}
    for position, external_id in enumerate(row.interactions):
        if external_id not in found:
            message = _("no interaction {id} from {source}").format(id=external_id, source=source)
            report.add_error(line, f"interactions[{position}]", message)
            ok = False
    if row.created_at and row.created_at.tzinfo is None:
        row.created_at = row.created_at.replace(tzinfo=UTC)
    if row.created_at and row.created_at > timezone.now():
        report.add_error(line, "created_at", _("is in the future"))
        ok = False
    if not ok or category is None:
        return None
    return _Ready(line, row, category, owner, [found[e] for e in dict.fromkeys(row.interactions)])


def _write(item: _Ready, report: ComplaintImportReport) -> None:
    row = item.row
    customer = Customer.objects.get_or_create(external_id=row.customer)[0] if row.customer else None
    existing = Complaint.objects.filter(source=row.source, external_id=row.external_id).first()
    if existing is None:
        complaint_create(
            actor=None,
            category=item.category,
            description=row.description,
            severity=row.severity,
            phase=row.phase or "",
            customer=customer,
            interactions=item.interactions,
            owner=item.owner,
            source=row.source,
            external_id=row.external_id,
            created_at=row.created_at,
        )
        report.created += 1
        return
    if existing.is_closed:
        report.unchanged += 1  # a closed complaint's record is final; the file cannot reopen or rewrite it
        return
    wanted: dict[str, Any] = {"category": item.category, "severity": row.severity, "description": row.description}
    if row.phase:
        wanted["phase"] = row.phase
    if customer is not None:
        wanted["customer"] = customer
    if item.owner is not None:
        wanted["owner"] = item.owner
    changed = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if changed:
        complaint_update(complaint=existing, actor=None, **changed)
    linked = [complaint_link(complaint=existing, actor=None, interaction=i) for i in item.interactions]
    if changed or any(linked):
        report.updated += 1
    else:
        report.unchanged += 1
