"""Lazy readers for JSON Lines and CSV files: they yield (line number, record) one row at a time.

Files are read as bytes and each line is checked on its own: a line that is not UTF-8 text, holds a null character
or nests JSON too deep is one invalid row (reported by line and field), not the end of the import. What makes the
whole file unreadable — a damaged gzip, a binary or UTF-16 file, a CSV without its header — is one clear error.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.utils.translation import gettext as _

from qadesk.core.errors import ApplicationError
from qadesk.core.inputs import MAX_JSON_DEPTH, deeper_than, unstorable, unstorable_message, unstorable_path
from qadesk.core.validation import field_path

FORMATS = ("jsonl", "csv")
REQUIRED_COLUMNS = ("external_id", "source", "channel", "created_at")
# A transcript in one CSV cell can be long; the csv module's default limit (128 KiB) is too small.
csv.field_size_limit(64 * 1024 * 1024)

BOM = b"\xef\xbb\xbf"
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 8192
_GZIP_ERRORS = (OSError, EOFError, zlib.error)


class UnreadableRow(NamedTuple):
    """A row that could not even be parsed (not UTF-8, broken JSON, bad CSV cell); the service reports it as an error."""

    field: str
    message: str


# A record, a row that could not be read, or (from JSON Lines) the JSON text of one record as bytes, not yet decoded.
Row = tuple[int, "dict[str, Any] | UnreadableRow | bytes | str"]


def guess_format(name: str) -> str:
    """jsonl for .jsonl/.ndjson/.json, csv for .csv."""
    suffixes = [s.lower() for s in Path(name).suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ApplicationError(_("Cannot tell the format of {name}: use .jsonl or .csv, or say the format.").format(name=name))


def readable(stream: IO[bytes], *, name: str = "") -> IO[bytes]:
    """A file's bytes, ungzipped when they are gzip (whatever the name says), after a look at how it starts.

    Refused as a whole: a file named .gz that is not gzip, a damaged gzip, a UTF-16 file, a binary file."""
    buffered: Any = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[type-var]
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        buffered = gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[assignment]
    elif name.lower().endswith(".gz"):
        raise ApplicationError(_("The file is not gzip-compressed, though its name ends in .gz."))
    try:
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except _GZIP_ERRORS as exc:
        raise ApplicationError(_("The gzip file is damaged: {error}").format(error=exc)) from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ApplicationError(_("The file is UTF-16 text: save it as UTF-8 (qadesk reads UTF-8 only)."))
    if _looks_binary(head):
        raise ApplicationError(_("The file is not text (it holds binary data): JSON Lines or CSV in UTF-8 are expected."))
    return buffered


def _looks_binary(head: bytes) -> bool:
    """Null bytes among many bytes that are not UTF-8 text (a stray null or accent in a text file is that line's error)."""
    if b"\x00" not in head:
        return False
    text = head.decode("utf-8", "replace")
    return (text.count("\x00") + text.count("\ufffd")) * 10 > len(text)


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream's lines; a gzip that turns out damaged past its start is an error for the whole file."""
    count = 0
    try:
        for count, line in enumerate(stream, 1):  # noqa: B007 (count is read after the loop)
            yield line
    except _GZIP_ERRORS as exc:
        message = _("The gzip file is damaged after line {line}: {error}").format(line=count, error=exc)
        raise ApplicationError(message) from exc


def jsonl_rows(stream: IO[bytes] | IO[str]) -> Iterator[Row]:
    """One JSON object per line; blank lines are skipped, line numbers count from 1.

    Each line comes as its JSON text: the service validates it straight from the bytes, which is faster than
    decoding it to Python first, and calls `json_record` only for lines that do not validate (or may hold a null).
    """
    lines: Iterable[bytes | str] = _lines(stream) if _is_binary(stream) else stream  # type: ignore[arg-type]
    for line_number, line in enumerate(lines, 1):
        if line_number == 1 and isinstance(line, bytes):
            line = line.removeprefix(BOM)
        if not line or line.isspace():
            continue
        yield line_number, line


def may_hold_null(line: bytes | str) -> bool:
    """Whether a JSON line may decode to text with a null character: it has the escape "\\u0000" (a raw NUL byte is
    not valid JSON anyway). A look for six bytes, cheap enough for every line."""
    return b"\\u0000" in line if isinstance(line, bytes) else "\\u0000" in line


def json_record(line: bytes | str) -> dict[str, Any] | UnreadableRow:
    """One JSON Lines line decoded, or why it cannot be: not UTF-8, broken JSON, too deep, not an object, a null."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return UnreadableRow("", encoding_problem(exc))
    if "\x00" in line:
        return UnreadableRow("", _("a null character is not allowed"))
    try:
        record = json.loads(line)
    except RecursionError:
        return UnreadableRow("", too_deep())
    except ValueError as exc:
        return UnreadableRow("", _("not valid JSON: {error}").format(error=exc))
    if not isinstance(record, dict):
        return UnreadableRow("", _("a line must hold one JSON object"))
    if deeper_than(record, MAX_JSON_DEPTH):
        return UnreadableRow("", too_deep())
    return record


def text_problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for text no database can store (a null character, a lone surrogate); checked before the shape."""
    found = unstorable_path(record)
    if found is None:
        return []
    where, kind = found
    return [(field_path(where), unstorable_message(kind))]


def encoding_problem(exc: UnicodeDecodeError) -> str:
    """ "not valid UTF-8 text (byte 0xe9 at position 12)": the first bad byte and its position (from 1) in the line."""
    byte = exc.object[exc.start]
    return _("not valid UTF-8 text (byte 0x{byte:02x} at position {position})").format(byte=byte, position=exc.start + 1)


def too_deep() -> str:
    return _("JSON nested deeper than {n} levels").format(n=MAX_JSON_DEPTH)


def csv_rows(stream: IO[bytes] | IO[str]) -> Iterator[Row]:
    """A header row with the JSON Lines field names; `agents` is `;`-separated, `messages` a JSON array."""
    bad: dict[int, str] = {}  # physical line → why it cannot be read (filled as the reader reads)
    lines = _csv_lines(stream, bad) if _is_binary(stream) else stream  # type: ignore[arg-type]
    reader = csv.reader(lines)  # type: ignore[arg-type]
    header = next(reader, None)
    if header is None:
        return
    header = [name.strip().lstrip("\ufeff") for name in header]
    _check_header(header, bad.get(1))
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a quoted cell still open at the end of the file
            yield start, UnreadableRow("", _("not valid CSV: {error}").format(error=exc))
            return
        line_number, end, start = start, reader.line_num, reader.line_num + 1
        if bad and (problem := next((bad.pop(n) for n in range(line_number, end + 1) if n in bad), None)):
            yield line_number, UnreadableRow("", problem)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        # An empty cell is an explicit empty value (it clears the field on a re-import); a column the file lacks is absent.
        # A required column's empty cell stays absent, so it reads "is required" as it does in JSON Lines.
        record: dict[str, Any] = {
            name: cell for name, cell in zip(header, cells, strict=False) if cell != "" or name not in REQUIRED_COLUMNS
        }
        yield line_number, _csv_nested(record)


def _check_header(header: list[str], problem: str | None) -> None:
    """The first line must name the columns: a file whose first line is a record would lose it and misread the rest."""
    if problem is not None:
        raise ApplicationError("{where}: {problem}".format(where=_("line {line}").format(line=1), problem=problem))
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ApplicationError(
            _("The first line must be the header (the column names): missing columns {names}.").format(names=", ".join(missing))
        )


def _csv_lines(stream: IO[bytes], bad: dict[int, str]) -> Iterable[str]:
    """The stream's lines as text; a line that is not UTF-8 or holds a null character is noted in `bad` and read empty.

    Lines end at LF, CRLF and (as in files from old spreadsheets) a lone CR, as the csv module expects."""
    number = 0
    for raw in _lines(stream):
        for piece in raw.splitlines(keepends=True) if b"\r" in raw.rstrip(b"\r\n") else (raw,):
            number += 1
            if number == 1:
                piece = piece.removeprefix(BOM)
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad[number] = encoding_problem(exc)
                yield "\n"
                continue
            if (kind := unstorable(text)) is not None:
                bad[number] = unstorable_message(kind)
                text = "\n"
            yield text


def _csv_nested(record: dict[str, Any]) -> dict[str, Any] | UnreadableRow:
    for name in ("agents", "messages", "tags"):
        if record.get(name) == "":  # an empty cell: no handlers, no transcript, no tags
            record[name] = []
    for name in ("agents", "tags"):  # names separated by ";", or a JSON array
        names = record.get(name)
        if isinstance(names, str):
            if names.lstrip().startswith("["):
                parsed = _json_cell(name, names)
                if isinstance(parsed, UnreadableRow):
                    return parsed
                record[name] = parsed
            else:
                record[name] = [part.strip() for part in names.split(";") if part.strip()]
    for name in ("messages", "custom_fields"):  # JSON in the cell
        if isinstance(record.get(name), str) and record[name] != "":
            parsed = _json_cell(name, record[name])
            if isinstance(parsed, UnreadableRow):
                return parsed
            record[name] = parsed
    return record


def _json_cell(name: str, text: str) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        return UnreadableRow(name, too_deep())
    except ValueError as exc:
        return UnreadableRow(name, _("not valid JSON: {error}").format(error=exc))
    if deeper_than(value, MAX_JSON_DEPTH):
        return UnreadableRow(name, too_deep())
    return value


def file_rows(stream: IO[bytes] | IO[str], fmt: str) -> Iterator[Row]:
    """The rows of an open stream (bytes, or text already decoded) in the given format."""
    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown format {fmt}: use jsonl or csv.").format(fmt=fmt))
    return jsonl_rows(stream) if fmt == "jsonl" else csv_rows(stream)


def _is_binary(stream: IO[Any]) -> bool:
    return not isinstance(stream, io.TextIOBase)
