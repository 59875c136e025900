"""Reading downloads in tests as a spreadsheet program would: CSV with the language's rules, xlsx with openpyxl."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from qadesk.testing.clients import body

# What a spreadsheet program set to each language expects: the cell separator and the decimal mark.
LOCALE_RULES = {"en": (",", "."), "it": (";", ","), "fr": (";", ",")}


def read_csv(response: Any, language: str) -> list[list[str]]:
    """The CSV rows, after checking the UTF-8 byte-order mark, split on the language's separator."""
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf"), content[:20]
    separator, _decimal = LOCALE_RULES[language]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=separator))


def read_number(text: str, language: str) -> float:
    """A number cell as the language writes it (decimal comma in Italian and French)."""
    _separator, decimal = LOCALE_RULES[language]
    assert ("." not in text) if decimal == "," else ("," not in text), text
    return float(text.replace(decimal, "."))


def read_xlsx(response: Any) -> Worksheet:
    """The workbook's first sheet (the export's only one)."""
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def sheet_rows(sheet: Worksheet) -> list[dict[str, Any]]:
    """Rows as {header: cell} (cells keep their type: read `.value`, `.data_type`, `.number_format`)."""
    rows = list(sheet.iter_rows())
    headers = [str(c.value) for c in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]
