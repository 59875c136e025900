"""The AQS report as plain data: the table people download (page and API, through qadesk.core.exports) and the JSON
and CSV the CLI prints."""

from __future__ import annotations

import dataclasses
from typing import Any, TextIO

from django.utils.translation import gettext_lazy as _

from qadesk.autoqa.aqs import AqsGroup, AqsReport
from qadesk.core.exports import Column, ColumnKind, Table, csv_writer

AQS_FIELDS = [f.name for f in dataclasses.fields(AqsGroup)]
AQS_HEADERS = {
    "key": _("Code"),
    "label": _("Group"),
    "n": _("Interactions"),
    "aqs": _("AQS"),
    "ci_low": _("AQS, 95% CI low"),
    "ci_high": _("AQS, 95% CI high"),
    "conclusive": _("Conclusive (yes/no)"),
    "passed": _("Checks passed"),
    "failed": _("Checks failed"),
    "na": _("Checks not applicable"),
}
_KINDS: dict[str, ColumnKind] = {
    "key": "text",
    "label": "text",
    "n": "int",
    "conclusive": "bool",
    "passed": "int",
    "failed": "int",
    "na": "int",
}
AQS_COLUMNS = [Column(AQS_HEADERS[name], _KINDS.get(name, "number"), digits=2) for name in AQS_FIELDS]


def aqs_report_table(report: AqsReport) -> Table:
    """The group table as people download it: one row per group (0–100 points, as the selector gives them)."""
    rows = [dataclasses.astuple(group) for group in report.groups]
    return Table(name=f"aqs-by-{report.by or 'all'}", sheet=_("AQS"), columns=AQS_COLUMNS, rows=rows)


def aqs_report_as_dict(report: AqsReport) -> dict[str, Any]:
    """The whole report, dates as ISO strings (the CLI's JSON)."""
    data = dataclasses.asdict(report)
    for name in ("date_from", "date_to"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def aqs_report_write_csv(report: AqsReport, stream: TextIO) -> None:
    """The group table for scripts: stable column names, plain numbers, text cells spreadsheet-safe."""
    writer = csv_writer(stream)
    writer.writerow(AQS_FIELDS)
    for group in report.groups:
        writer.writerow(dataclasses.astuple(group))
