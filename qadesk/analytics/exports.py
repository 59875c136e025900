"""The quality report as plain data: a JSON-ready dictionary and the CSV group table (CLI and page share them).

CSV goes through qadesk.core.exports, which keeps text cells from being read as spreadsheet formulas."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, TextIO

from qadesk.analytics.selectors import GroupRow, QualityReport
from qadesk.core.exports import csv_writer

CSV_COLUMNS = [f.name for f in dataclasses.fields(GroupRow)]


def quality_report_as_dict(report: QualityReport) -> dict[str, Any]:
    """The whole report with dates as ISO strings."""
    data = dataclasses.asdict(report)
    for name in ("date_from", "date_to"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def quality_report_write_csv(report: QualityReport, stream: TextIO) -> None:
    """The group table with a header row of stable column names."""
    writer = csv_writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in report.groups:
        writer.writerow(dataclasses.astuple(row))


def report_as_dict(report: Any) -> dict[str, Any]:
    """Any statistics report (a dataclass) as JSON-ready data, dates as ISO strings."""
    return _iso(dataclasses.asdict(report))


def rows_write_csv(rows: list[Any], stream: TextIO) -> None:
    """Rows of a statistics report as CSV; nested figures become prefixed columns (a_n, a_iqs, … b_p_value)."""
    flat = [_flatten(dataclasses.asdict(row)) for row in rows]
    writer = csv_writer(stream)
    if not flat:
        return
    writer.writerow(list(flat[0]))
    for row in flat:
        writer.writerow(row.values())


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}_"))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _iso(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value
