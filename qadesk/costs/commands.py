"""`qadesk report costs --from 2026-11-01 --to 2026-11-30 --by channel --format json|csv [--user NAME]`: the cost
report on the command line (registered by `qadesk report`, analytics/management/commands/qreport.py)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any, TextIO

from django.core.management.base import CommandError

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.costs.exports import cost_report_as_dict, cost_report_write_csv
from qadesk.costs.selectors import GROUPINGS, cost_report

REPORT_KIND = "costs"


def add_report_parser(sub: Any) -> None:
    """The `costs` report's options."""
    parser: argparse.ArgumentParser = sub.add_parser(REPORT_KIND, help="Costs and value (docs/value.md).")
    parser.add_argument("--by", choices=list(GROUPINGS), default="channel", help="Split the cost per incident by.")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (an admin or manager); default: the system.")


def run_report(*, actor: User, options: dict[str, Any], stdout: TextIO) -> None:
    """Print the report as JSON (every figure) or CSV (cost per incident by group, the total last)."""
    try:
        report = cost_report(actor=actor, date_from=options["date_from"], date_to=options["date_to"], by=options["by"])
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    if options["output"] == "csv":
        cost_report_write_csv(report, stdout)
    else:
        stdout.write(json.dumps(cost_report_as_dict(report), indent=2, ensure_ascii=False))
