"""`qadesk report executive --from YYYY-MM-DD --to YYYY-MM-DD --format json|csv|pdf [--file PATH]`: every headline
over the range against the same number of days just before it, its baseline and its target (analytics' `qreport`
command hands the `executive` subcommand over to the two functions here). A PDF goes to --file, or to standard output
as bytes."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qadesk.core.errors import ApplicationError
from qadesk.core.exports import csv_writer
from qadesk.executive.pdf import summary_pdf_bytes
from qadesk.executive.selectors import ExecutiveSummary, HeadlineRow, executive_summary

REPORT_KIND = "executive"
COLUMNS = (
    "code", "section", "unit", "direction", "available", "value", "n", "target", "target_met", "previous",
    "change", "change_p_adjusted", "change_significant", "baseline", "baseline_change", "baseline_p_adjusted",
    "baseline_significant",
)  # fmt: skip


def add_report_parser(sub: Any) -> None:
    parser = sub.add_parser(REPORT_KIND, help="The executive summary: headline figures, baselines, targets, changes.")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True, help="First day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True, help="Last day, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv", "pdf"), default="json")
    parser.add_argument("--file", help="Write to this file instead of standard output (the PDF's usual door).")


def row_as_dict(row: HeadlineRow) -> dict[str, Any]:
    h, change, base = row.headline, row.change, row.baseline_change
    return {
        "code": h.code,
        "section": h.section,
        "unit": h.unit,
        "direction": h.direction,
        "available": row.available,
        "value": None if row.current is None else round(row.current.value, 4),
        "n": None if row.current is None else row.current.n,
        "target": row.target,
        "target_met": row.target_met,
        "previous": None if row.previous is None else round(row.previous.value, 4),
        "change": None if change is None else round(change.difference, 4),
        "change_p_adjusted": None if change is None else change.p_adjusted,
        "change_significant": bool(change and change.significant),
        "baseline": None if row.baseline is None else row.baseline.value,
        "baseline_change": None if base is None else round(base.difference, 4),
        "baseline_p_adjusted": None if base is None else base.p_adjusted,
        "baseline_significant": bool(base and base.significant),
    }


def summary_as_dict(summary: ExecutiveSummary) -> dict[str, Any]:
    return {
        "from": summary.start.isoformat(),
        "to": summary.end.isoformat(),
        "previous_from": summary.previous_start.isoformat(),
        "previous_to": summary.previous_end.isoformat(),
        "headlines": [row_as_dict(r) for r in summary.rows],
    }


def run_report(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        summary = executive_summary(start=options["date_from"], end=options["date_to"], sparklines=False)
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    if options["output"] == "pdf":
        data = summary_pdf_bytes(summary)
        if options.get("file"):
            with open(options["file"], "wb") as out:
                out.write(data)
        else:
            sys.stdout.buffer.write(data)
        return
    if options.get("file"):
        with open(options["file"], "w", encoding="utf-8", newline="") as out:
            _write_text(out, summary, options["output"])
    else:
        _write_text(command.stdout, summary, options["output"])


def _write_text(out: Any, summary: ExecutiveSummary, output: str) -> None:
    if output == "csv":
        writer = csv_writer(out)
        writer.writerow(COLUMNS)
        for row in summary.rows:
            values = row_as_dict(row)
            writer.writerow(values[name] for name in COLUMNS)
        return
    out.write(json.dumps(summary_as_dict(summary), indent=2, ensure_ascii=False))
