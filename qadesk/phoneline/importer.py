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
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from django.db import connection, transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qadesk.core.errors import ApplicationError
from qadesk.core.validation import error_messages
from qadesk.imports.parsers import UnreadableRow, guess_format, json_record, jsonl_rows, readable
from qadesk.imports.reimports import where_in
from qadesk.imports.row_reports import RowsImportReport
from qadesk.imports.writers import Writer, writer_for
from qadesk.interactions.models import Interaction
from qadesk.phoneline.models import CallRecord

BATCH = 2000
FIELDS = (
    "queue", "trunk", "offered_at", "outcome", "wait_seconds", "talk_seconds", "hold_seconds", "transfers",
    "interaction_id", "mos", "jitter_ms", "packet_loss", "noisy", "cost",
)  # fmt: skip


# A noise flag as written in the file → the flag; any other text goes to pydantic's own check (which also reads
# "on"/"off", "t"/"f", "y"/"n" in any case) and is refused there with the value quoted.
_FLAGS = {"": None, "true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_AS_PYDANTIC_READS = frozenset(("true", "false", "yes", "no", "1", "0"))  # the same flag as _flag gives
# JSON Lines fields where "" means "not given" (a CSV reader drops empty cells itself).
_BLANK_IS_NONE = (
    "wait_seconds", "talk_seconds", "hold_seconds", "interaction", "interaction_source", "mos", "jitter_ms", "packet_loss",
    "cost",
)  # fmt: skip
_FALSY_IS_DEFAULT = {"trunk": "", "transfers": 0}


def _flag(value: Any) -> Any:
    """A noise flag: true/false, yes/no, 1/0 in any case, blank for none (a CSV cell is text)."""
    if isinstance(value, str):
        return _FLAGS.get(value.strip().lower(), value)
    return value


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A JSON Lines record (or a CSV row with fewer cells than the header) as the model reads it: "" for "not given",
    a trunk or transfer count of null/""/0 for the default. A plain pass over the few fields concerned, so that the
    model itself has no Python validator (pydantic-core checks every constraint); the noise flag is read in `_check`,
    for both formats."""
    for name in _BLANK_IS_NONE:
        if record.get(name) == "":
            record[name] = None
    for name, default in _FALSY_IS_DEFAULT.items():
        if name in record and not record[name]:
            record[name] = default
    return record


Seconds = Annotated[int, Field(ge=0, le=7 * 86400)] | None
Text = Annotated[str, Field(min_length=1, max_length=100)]


class CallRowIn(BaseModel):
    """One call record of the file, checked by pydantic-core alone: blank values and the noise flag's spellings are
    read before (`_plain`, `_csv_record`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    call_id: Text
    queue: Text
    offered_at: datetime
    outcome: Literal["answered", "abandoned", "busy", "blocked", "callback"]
    trunk: Annotated[str, Field(max_length=100)] = ""
    wait_seconds: Seconds = None
    talk_seconds: Seconds = None
    hold_seconds: Seconds = None
    transfers: Annotated[int, Field(ge=0, le=1000)] = 0
    interaction: Annotated[str, Field(max_length=100)] | None = None
    interaction_source: Annotated[str, Field(max_length=50)] | None = None
    mos: Annotated[float, Field(ge=1, le=5)] | None = None
    jitter_ms: Annotated[float, Field(ge=0, le=100_000)] | None = None
    packet_loss: Annotated[float, Field(ge=0, le=100)] | None = None
    noisy: bool | None = None
    cost: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=4)] | None = None


@dataclass
class CallImportReport(RowsImportReport):
    """What an import of calls did, or would have done; `linked`: calls tied to an interaction."""

    linked: int = 0


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
            record = json_record(raw) if isinstance(raw, bytes | str) else raw
            yield line, _plain(record) if isinstance(record, dict) else record  # type: ignore[misc]
        return
    if fmt != "csv":
        raise ApplicationError(_("Unknown format {fmt}: use jsonl or csv.").format(fmt=fmt))
    reader = csv.reader(io.TextIOWrapper(data, encoding="utf-8-sig", errors="strict", newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        names = [name.strip() for name in header]
        width, simple = len(header), len(set(names)) == len(header)
        for cells in reader:
            if not cells:  # a blank line
                continue
            if len(cells) > width:
                yield reader.line_num, UnreadableRow("", _("more cells than the header has columns"))
            elif not "".join(cells).strip():
                continue
            elif len(cells) < width or not simple:  # rare: read as csv.DictReader did
                yield reader.line_num, _csv_record(header, cells)
            else:  # an empty cell is a value not given
                yield reader.line_num, {name: cell for name, cell in zip(names, cells, strict=True) if cell}
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text: {error}").format(error=exc)) from exc
    except csv.Error as exc:
        raise ApplicationError(_("not valid CSV: {error}").format(error=exc)) from exc


def _csv_record(header: list[str], cells: list[str]) -> dict[str, Any]:
    """A CSV row with fewer cells than the header (the missing ones are null) or a header naming a column twice (the
    last non-empty cell of a name counts), as csv.DictReader read it."""
    by_column: dict[str, str | None] = dict(zip(header, cells, strict=False))
    by_column.update((name, None) for name in header[len(cells) :])
    record = {name.strip(): cell for name, cell in by_column.items() if cell != ""}
    return _plain(record) if len(cells) < len(header) else record


def calls_import(*, rows: Iterator[tuple[int, dict[str, Any] | UnreadableRow]], skip_invalid: bool = False) -> CallImportReport:
    """Check every row (as `_rows` reads them: blank values already read as not given), then write them in one
    transaction (nothing at all when a row is bad, unless skip_invalid)."""
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
        stored = CallRecord.objects.exists()  # a first import has no stored call to look up
        for start in range(0, len(keys), BATCH):
            _write([ready[k] for k in keys[start : start + BATCH]], report, writer, stored=stored)
    report.committed = True
    return report


def _check(line: int, record: dict[str, Any] | UnreadableRow, report: CallImportReport) -> CallRowIn | None:
    if isinstance(record, UnreadableRow):
        report.add_error(line, record.field, record.message)
        return None
    noisy = record.get("noisy")
    if noisy.__class__ is str and noisy not in _AS_PYDANTIC_READS:  # e.g. " Yes", ""
        record["noisy"] = _flag(noisy)
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
    for query in where_in(Interaction.objects.all(), "external_id", sorted(wanted)):
        for pk, source, external_id in query.values_list("id", "source", "external_id"):
            found[(source, external_id)] = pk
            found.setdefault((None, external_id), pk)
    return found


def _values(row: CallRowIn, interaction_id: int | None) -> tuple[Any, ...]:
    """The row's stored columns, in the order of FIELDS."""
    return (
        row.queue,
        row.trunk,
        row.offered_at,
        row.outcome,
        row.wait_seconds,
        row.talk_seconds,
        row.hold_seconds,
        row.transfers,
        interaction_id,
        row.mos,
        row.jitter_ms,
        row.packet_loss,
        row.noisy,
        row.cost,
    )


def _write(rows: list[CallRowIn], report: CallImportReport, writer: Writer, *, stored: bool = True) -> None:
    """Create the new calls and update the changed ones through the interaction import's writers (COPY on
    PostgreSQL; the changed rows into a temporary table, then one UPDATE … FROM it). Django's bulk_update wrote one
    CASE per column over the batch and managed 18 calls/s (benchmarks/README.md). The stored calls are read back as
    the compared columns only (values_list), not as model instances, and looked up by one `= ANY(array)` on
    PostgreSQL (psycopg took longer to parse a 2,000-placeholder `IN (…)` than the server took to answer it)."""
    links = _interactions(rows)
    existing: dict[str, tuple[int, tuple[Any, ...]]] = {}
    for query in where_in(CallRecord.objects.all(), "call_id", [r.call_id for r in rows] if stored else []):
        existing.update((call_id, (pk, tuple(values))) for call_id, pk, *values in query.values_list("call_id", "id", *FIELDS))
    new: list[tuple[Any, ...]] = []
    changed: list[tuple[Any, ...]] = []
    for row in rows:
        interaction_id = links.get((row.interaction_source, row.interaction)) if row.interaction else None
        report.linked += interaction_id is not None
        values = _values(row, interaction_id)
        found = existing.get(row.call_id)
        if found is None:
            new.append((row.call_id, *values))
        elif found[1] == values:
            report.unchanged += 1
        else:
            changed.append((found[0], *values))
    if new:
        writer.insert(CallRecord, ("call_id", *FIELDS), new)
    if changed:
        writer.update(CallRecord, ("id", *FIELDS), changed)
    report.created += len(new)
    report.updated += len(changed)
