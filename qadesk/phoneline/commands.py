"""The phone line's command-line doors, plugged into `qadesk import` and `qadesk report`:

qadesk import calls FILE [--format jsonl|csv] [--skip-invalid]
qadesk report calls [--by queue|trunk|month|interval] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                    [--mos-below 3.5] [--interval-minutes 60] [--format json|csv]
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import csv_writer
from qadesk.imports.row_reports import rows_report_write
from qadesk.phoneline.figures import DEFAULT_MOS_BELOW
from qadesk.phoneline.importer import calls_import_file
from qadesk.phoneline.selectors import GROUPINGS, phone_report

KIND = "calls"


def add_import_parser(sub: Any) -> None:
    parser = sub.add_parser(KIND, help="Call records from the telephone system (docs/phoneline.md).")
    parser.add_argument("path", help="A .jsonl or .csv file.")
    parser.add_argument("--format", dest="fmt", choices=("jsonl", "csv"), help="Default: guessed from the extension.")
    parser.add_argument("--skip-invalid", action="store_true", help="Commit the valid rows, report the rest.")


def run_import(command: BaseCommand, *, path: str, fmt: str | None, skip_invalid: bool) -> None:
    try:
        report = calls_import_file(path_or_stream=path, fmt=fmt, skip_invalid=skip_invalid)
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    rows_report_write(command, report, extra=_("linked to interactions: {n}").format(n=report.linked))


def add_report_parser(sub: Any) -> None:
    parser = sub.add_parser(KIND, help="The phone line's delivery figures.")
    parser.add_argument("--by", choices=GROUPINGS, default="queue")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day, inclusive.")
    parser.add_argument("--mos-below", type=float, default=DEFAULT_MOS_BELOW, help="A MOS below this is a poor call.")
    parser.add_argument("--interval-minutes", type=int, choices=(15, 30, 60), default=60, help="With --by interval.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")


def run_report(command: BaseCommand, *, actor: User, options: dict[str, Any]) -> None:
    try:
        report = phone_report(
            actor=actor,
            by=options["by"],
            date_from=options["date_from"],
            date_to=options["date_to"],
            mos_below=options["mos_below"],
            interval_minutes=options["interval_minutes"],
        )
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    rows = [{"key": key, **asdict(f)} for key, f in report.groups] + [{"key": "total", **asdict(report.total)}]
    if options["output"] == "csv":
        writer = csv_writer(command.stdout)  # type: ignore[arg-type]
        writer.writerow(rows[0].keys())
        for row in rows:
            writer.writerow(row.values())
        return
    data = {"by": report.by, "mos_below": report.mos_below, "groups": rows[:-1], "total": rows[-1]}
    command.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
