"""Lazy readers for JSON Lines and CSV files: they yield (line number, record) one row at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.utils.translation import gettext as _

from qadesk.core.errors import ApplicationError

FORMATS = ("jsonl", "csv")
# A transcript in one CSV cell can be long; the csv module's default limit (128 KiB) is too small.
csv.field_size_limit(64 * 1024 * 1024)


class UnreadableRow(NamedTuple):
    """A row that could not even be parsed (broken JSON, bad CSV cell); the service reports it as an error."""

    field: str
    message: str


# A record, a row that could not be read, or (from JSON Lines) the JSON text of one record, not yet decoded.
Row = tuple[int, "dict[str, Any] | UnreadableRow | str"]


def guess_format(name: str) -> str:
    """jsonl for .jsonl/.ndjson/.json, csv for .csv."""
    suffixes = [s.lower() for s in Path(name).suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ApplicationError(_("Cannot tell the format of {name}: use .jsonl or .csv, or say the format.").format(name=name))


def jsonl_rows(stream: IO[str]) -> Iterator[Row]:
    """One JSON object per line; blank lines are skipped, line numbers count from 1.

    Each line comes as its JSON text: the service validates it straight from the text, which is faster than
    decoding it to Python first, and calls `json_record` only for lines that do not validate.
    """
    for line_number, line in enumerate(stream, 1):
        if line.isspace() or not line:
            continue
        yield line_number, line


def json_record(text: str) -> dict[str, Any] | UnreadableRow:
    """One JSON Lines line decoded, or why it cannot be: broken JSON, or JSON that is not an object."""
    try:
        record = json.loads(text)
    except ValueError as exc:
        return UnreadableRow("", _("not valid JSON: {error}").format(error=exc))
    if not isinstance(record, dict):
        return UnreadableRow("", _("a line must hold one JSON object"))
    return record


def csv_rows(stream: IO[str]) -> Iterator[Row]:
    """A header row with the JSON Lines field names; `agents` is `;`-separated, `messages` a JSON array."""
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        return
    header = [name.strip().lstrip("\ufeff") for name in header]
    start = reader.line_num + 1
    for cells in reader:
        line_number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        record: dict[str, Any] = {name: cell for name, cell in zip(header, cells, strict=False) if cell != ""}
        yield line_number, _csv_nested(record)


def _csv_nested(record: dict[str, Any]) -> dict[str, Any] | UnreadableRow:
    agents = record.get("agents")
    if isinstance(agents, str):
        if agents.lstrip().startswith("["):
            try:
                record["agents"] = json.loads(agents)
            except ValueError as exc:
                return UnreadableRow("agents", _("not valid JSON: {error}").format(error=exc))
        else:
            record["agents"] = [name.strip() for name in agents.split(";") if name.strip()]
    if "messages" in record:
        try:
            record["messages"] = json.loads(record["messages"])
        except ValueError as exc:
            return UnreadableRow("messages", _("not valid JSON: {error}").format(error=exc))
    return record


def file_rows(stream: IO[str], fmt: str) -> Iterator[Row]:
    """The rows of an open text stream in the given format."""
    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown format {fmt}: use jsonl or csv.").format(fmt=fmt))
    return jsonl_rows(stream) if fmt == "jsonl" else csv_rows(stream)


def text_stream(stream: IO[Any]) -> IO[str]:
    """Binary streams (uploads, `open(…, "rb")`) are read as UTF-8, with or without a byte-order mark."""
    if isinstance(stream, io.TextIOBase):
        return stream
    return io.TextIOWrapper(getattr(stream, "file", stream), encoding="utf-8-sig", newline="")
