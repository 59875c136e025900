"""The register's command-line doors, plugged into `qadesk import` and `qadesk report` (imports/analytics own those
commands; each hands the `complaints` subcommand over to the two functions here):

    qadesk import complaints FILE [--format jsonl|csv] [--skip-invalid]
    qadesk report complaints [--by category|phase|team|period] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                             [--format json|csv] [--user USERNAME]
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qadesk.accounts.models import User
from qadesk.complaints.importer import complaints_import_file
from qadesk.complaints.selectors import DIMENSIONS, complaint_report, report_as_dict
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import csv_writer
from qadesk.imports.row_reports import rows_report_write

REPORT_COLUMNS = (
    "key", "label", "logged", "open", "overdue", "closed", "median_hours_to_resolve", "p90_hours_to_resolve",
    "closed_within_target", "within_target_percent", "within_target_low", "within_target_high", "conclusive",
)  # fmt: skip


def add_import_parser(sub: Any) -> None:
    parser = sub.add_parser("complaints", help="Complaints for the register (docs/complaints.md).")
    parser.add_argument("path", help="A .jsonl or .csv file.")
    parser.add_argument("--format", dest="fmt", choices=("jsonl", "csv"), help="Default: guessed from the extension.")
    parser.add_argument("--skip-invalid", action="store_true", help="Commit the valid rows, report the rest.")


def run_import(command: BaseCommand, *, path: str, fmt: str | None, skip_invalid: bool) -> None:
    try:
        report = complaints_import_file(path_or_stream=path, fmt=fmt, skip_invalid=skip_invalid)
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    rows_report_write(command, report)


def add_report_parser(sub: Any) -> None:
    parser = sub.add_parser("complaints", help="The complaint register report.")
    parser.add_argument("--by", choices=DIMENSIONS, default="category")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First day logged, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day logged, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")


def run_report(command: BaseCommand, *, actor: User, options: dict[str, Any]) -> None:
    report = report_as_dict(
        complaint_report(actor=actor, by=options["by"], date_from=options["date_from"], date_to=options["date_to"])
    )
    if options["output"] == "csv":
        writer = csv_writer(command.stdout)  # type: ignore[arg-type]
        writer.writerow(REPORT_COLUMNS)
        for row in [*report["rows"], {**report["total"], "key": "total", "label": "total"}]:
            writer.writerow(row[name] for name in REPORT_COLUMNS)
        return
    command.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
