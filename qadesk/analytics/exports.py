"""The quality report as plain data: a JSON-ready dictionary and the CSV group table (CLI and page share them).

CSV goes through qadesk.core.exports, which keeps text cells from being read as spreadsheet formulas."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from qadesk.analytics.selectors import GroupRow, QualityReport
from qadesk.core.exports import csv_writer, csv_writer_for_people

CSV_COLUMNS = [f.name for f in dataclasses.fields(GroupRow)]
# The group table's headers as a person reads them (the page's download); scripts get CSV_COLUMNS (the CLI).
CSV_HEADERS = {
    "key": _("Code"),
    "label": _("Group"),
    "n": _("Reviews"),
    "iqs": _("IQS"),
    "ci_low": _("IQS, 95% CI low"),
    "ci_high": _("IQS, 95% CI high"),
    "conclusive": _("Conclusive (yes/no)"),
    "pass_rate": _("Pass rate (%)"),
    "pass_rate_low": _("Pass rate, 95% CI low"),
    "pass_rate_high": _("Pass rate, 95% CI high"),
    "high_impact_errors": _("High-impact errors"),
    "high_impact_per_100": _("High-impact errors per 100 reviews"),
    "high_impact_per_100_low": _("High-impact errors per 100, 95% CI low"),
    "high_impact_per_100_high": _("High-impact errors per 100, 95% CI high"),
    "low_impact_errors": _("Low-impact errors"),
    "low_impact_per_100": _("Low-impact errors per 100 reviews"),
    "low_impact_per_100_low": _("Low-impact errors per 100, 95% CI low"),
    "low_impact_per_100_high": _("Low-impact errors per 100, 95% CI high"),
    "rank": _("Rank"),
}


def quality_report_as_dict(report: QualityReport) -> dict[str, Any]:
    """The whole report with dates as ISO strings."""
    data = dataclasses.asdict(report)
    for name in ("date_from", "date_to"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def quality_report_write_csv(report: QualityReport, stream: TextIO, *, for_people: bool = False) -> None:
    """The group table: for scripts (the CLI) with a header row of stable column names and plain numbers; for people
    (the page's download) with headers, decimals and separators in the active language (qadesk.core.exports)."""
    writer = csv_writer_for_people(stream) if for_people else csv_writer(stream)
    writer.writerow([str(CSV_HEADERS[name]) for name in CSV_COLUMNS] if for_people else CSV_COLUMNS)
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
