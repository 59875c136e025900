"""The quality report as plain data: a JSON-ready dictionary and the CSV group table (CLI and page share them)."""

from __future__ import annotations

import csv
import dataclasses
from typing import Any, TextIO

from qadesk.analytics.selectors import GroupRow, QualityReport

CSV_COLUMNS = [f.name for f in dataclasses.fields(GroupRow)]


def quality_report_as_dict(report: QualityReport) -> dict[str, Any]:
    """The whole report with dates as ISO strings."""
    data = dataclasses.asdict(report)
    for name in ("date_from", "date_to"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def quality_report_write_csv(report: QualityReport, stream: TextIO) -> None:
    """The group table with a header row of stable column names."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in report.groups:
        writer.writerow(["" if value is None else value for value in dataclasses.astuple(row)])
