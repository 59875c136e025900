"""Importing call records from the telephone system (`qadesk import calls FILE`, CSV or JSON Lines; docs/phoneline.md
and docs/import-format.md).

Every row is checked first; a bad row is reported by line and field, and unless `skip_invalid` one bad row means
nothing is written. Rows are keyed by call id: importing the same file again changes nothing, and a call whose record
changed is updated in place, never added twice. A call naming an interaction (its external id, optionally with
`interaction_source`) is linked to it when one matches; an id that matches nothing leaves the call unlinked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from django.db import connection, transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from qadesk.core.errors import ApplicationError
from qadesk.core.validation import error_messages
from qadesk.imports.parsers import UnreadableRow, guess_format, json_record, jsonl_rows, readable
from qadesk.imports.schemas import RowError
from qadesk.imports.writers import Writer, writer_for
from qadesk.interactions.models import Interaction
from qadesk.phoneline.models import CallRecord

MAX_REPORTED_ERRORS = 1000
BATCH = 2000
FIELDS = (
    "queue", "trunk", "offered_at", "outcome", "wait_seconds", "talk_seconds", "hold_seconds", "transfers",
    "interaction_id", "mos", "jitter_ms", "packet_loss", "noisy", "cost",
)  # fmt: skip


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


def _flag(value: Any) -> Any:
    """A noise flag: true/false, yes/no, 1/0 (a CSV cell is text)."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        return {"": None, "true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(lowered, value)
    return value


Seconds = Annotated[int | None, BeforeValidator(_blank_none), Field(ge=0, le=7 * 86400)]
Text = Annotated[str, Field(min_length=1, max_length=100)]


class CallRowIn(BaseModel):
    """One call record of the file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    call_id: Text
    queue: Text
    offered_at: datetime
    outcome: Literal["answered", "abandoned", "busy", "blocked", "callback"]
    trunk: Annotated[str, BeforeValidator(lambda v: v or ""), Field(max_length=100)] = ""
    wait_seconds: Seconds = None
    talk_seconds: Seconds = None
    hold_seconds: Seconds = None
    transfers: Annotated[int, BeforeValidator(lambda v: v or 0), Field(ge=0, le=1000)] = 0
    interaction: Annotated[str | None, BeforeValidator(_blank_none), Field(max_length=100)] = None
    interaction_source: Annotated[str | None, BeforeValidator(_blank_none), Field(max_length=50)] = None
    mos: Annotated[float | None, BeforeValidator(_blank_none), Field(ge=1, le=5)] = None
    jitter_ms: Annotated[float | None, BeforeValidator(_blank_none), Field(ge=0, le=100_000)] = None
    packet_loss: Annotated[float | None, BeforeValidator(_blank_none), Field(ge=0, le=100)] = None
    noisy: Annotated[bool | None, BeforeValidator(_flag)] = None
    cost: Annotated[Decimal | None, BeforeValidator(_blank_none), Field(ge=0, max_digits=10, decimal_places=4)] = None


@dataclass
class CallImportReport:
    """What an import did, or would have done."""

    committed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    linked: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    refused_lines: set[int] = field(default_factory=set)

    def add_error(self, line: int, field_name: str, message: str) -> None:
        self.error_count += 1
        self.refused_lines.add(line)
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, field_name, message))


def calls_import_file(
    *, path_or_stream: str | Path | IO[bytes], fmt: str | None = None, skip_invalid: bool = False
) -> CallImportReport:
    """Import a file (path or binary stream) of call records; see the module's docstring for the rules."""
    if isinstance(path_or_stream, str | Path):
        name = str(path_or_stream)
        try:
            with open(path_or_stream, "rb") as stream:
                return calls_import(rows=_rows(stream, fmt or guess_format(name), name), skip_invalid=skip_invalid)
        except OSError as exc:
            raise ApplicationError(_("Cannot read {name}: {error}").format(name=name, error=exc.strerror)) from exc
    return calls_import(rows=_rows(path_or_stream, fmt or "csv", ""), skip_invalid=skip_invalid)


def _rows(stream: IO[bytes], fmt: str, name: str) -> Iterator[tuple[int, dict[str, Any] | UnreadableRow]]:
    data = readable(stream, name=name)
    if fmt == "jsonl":
        for line, raw in jsonl_rows(data):
            yield line, json_record(raw) if isinstance(raw, bytes | str) else raw  # type: ignore[misc]
        return
    if fmt != "csv":
        raise ApplicationError(_("Unknown format {fmt}: use jsonl or csv.").format(fmt=fmt))
    reader = csv.DictReader(io.TextIOWrapper(data, encoding="utf-8-sig", errors="strict", newline=""))
    try:
        for record in reader:
            if None in record:
                yield reader.line_num, UnreadableRow("", _("more cells than the header has columns"))
            elif any((v or "").strip() for v in record.values()):
                yield reader.line_num, {k.strip(): v for k, v in record.items() if k is not None and v != ""}
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text: {error}").format(error=exc)) from exc
    except csv.Error as exc:
        raise ApplicationError(_("not valid CSV: {error}").format(error=exc)) from exc


def calls_import(*, rows: Iterator[tuple[int, dict[str, Any] | UnreadableRow]], skip_invalid: bool = False) -> CallImportReport:
    """Check every row, then write them in one transaction (nothing at all when a row is bad, unless skip_invalid)."""
    report = CallImportReport()
    ready: dict[str, CallRowIn] = {}
    seen: dict[str, int] = {}
    for line, record in rows:
        row = _check(line, record, report)
        if row is None:
            continue
        if row.call_id in seen:
            report.add_error(line, "call_id", _("repeats line {line} (same call id)").format(line=seen[row.call_id]))
            continue
        seen[row.call_id] = line
        ready[row.call_id] = row
    if report.error_count and not skip_invalid:
        return report
    report.skipped = len(report.refused_lines)
    with transaction.atomic():
        writer = writer_for(connection)
        keys = list(ready)
        for start in range(0, len(keys), BATCH):
            _write([ready[k] for k in keys[start : start + BATCH]], report, writer)
    report.committed = True
    return report


def _check(line: int, record: dict[str, Any] | UnreadableRow, report: CallImportReport) -> CallRowIn | None:
    if isinstance(record, UnreadableRow):
        report.add_error(line, record.field, record.message)
        return None
    try:
        row = CallRowIn.model_validate(record)
    except ValidationError as exc:
        for where, message in error_messages(exc):
            report.add_error(line, where, message)
        return None
    if row.offered_at.tzinfo is None:
        row.offered_at = row.offered_at.replace(tzinfo=UTC)
    if row.outcome in ("busy", "blocked") and (row.talk_seconds or row.hold_seconds):
        report.add_error(line, "talk_seconds", _("a busy or blocked call cannot have talk or hold time"))
        return None
    return row


def _interactions(rows: list[CallRowIn]) -> dict[tuple[str | None, str], int]:
    """(source or None, external id) → interaction id, for the interactions the rows name."""
    wanted = {row.interaction for row in rows if row.interaction}
    found: dict[tuple[str | None, str], int] = {}
    for pk, source, external_id in Interaction.objects.filter(external_id__in=wanted).values_list("id", "source", "external_id"):
        found[(source, external_id)] = pk
        found.setdefault((None, external_id), pk)
    return found


def _values(row: CallRowIn, interaction_id: int | None) -> dict[str, Any]:
    return {
        "queue": row.queue,
        "trunk": row.trunk,
        "offered_at": row.offered_at,
        "outcome": row.outcome,
        "wait_seconds": row.wait_seconds,
        "talk_seconds": row.talk_seconds,
        "hold_seconds": row.hold_seconds,
        "transfers": row.transfers,
        "interaction_id": interaction_id,
        "mos": row.mos,
        "jitter_ms": row.jitter_ms,
        "packet_loss": row.packet_loss,
        "noisy": row.noisy,
        "cost": row.cost,
    }


def _write(rows: list[CallRowIn], report: CallImportReport, writer: Writer) -> None:
    """Create the new calls and update the changed ones through the interaction import's writers (COPY on
    PostgreSQL; the changed rows into a temporary table, then one UPDATE … FROM it). Django's bulk_update wrote one
    CASE per column over the batch and managed 18 calls/s (benchmarks/README.md)."""
    links = _interactions(rows)
    existing = {c.call_id: c for c in CallRecord.objects.filter(call_id__in=[r.call_id for r in rows])}
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for row in rows:
        interaction_id = links.get((row.interaction_source, row.interaction)) if row.interaction else None
        report.linked += interaction_id is not None
        values = _values(row, interaction_id)
        record = existing.get(row.call_id)
        if record is None:
            new.append((row.call_id, *(values[name] for name in FIELDS)))
            continue
        if all(getattr(record, name) == value for name, value in values.items()):
            report.unchanged += 1
            continue
        changed.append((record.pk, *(values[name] for name in FIELDS)))
    if new:
        writer.insert(CallRecord, ("call_id", *FIELDS), new)
    if changed:
        writer.update(CallRecord, ("id", *FIELDS), changed)
    report.created += len(new)
    report.updated += len(changed)
