"""`qadesk report competence --from … --to … --by agent|team|site --format json|csv [--user NAME]`: the competence
ratings on the command line (registered by `qadesk report`, analytics/management/commands/qreport.py)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any, TextIO

from qadesk.accounts.models import User
from qadesk.competence.exports import report_as_dict, report_write_csv
from qadesk.competence.selectors import GROUPINGS, competence_report

REPORT_KIND = "competence"


def competence_add_parser(sub: Any) -> None:
    """The `competence` report's options."""
    parser: argparse.ArgumentParser = sub.add_parser(REPORT_KIND, help="Competence ratings (docs/competence.md).")
    parser.add_argument("--by", choices=GROUPINGS, default="agent", help="CSV rows: agents, teams or sites.")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")


def competence_print(*, actor: User, options: dict[str, Any], stdout: TextIO) -> None:
    """Print the report as JSON (agents, teams, sites) or CSV (rows of --by)."""
    report = competence_report(actor=actor, date_from=options["date_from"], date_to=options["date_to"])
    if options["output"] == "csv":
        report_write_csv(report, stdout, by=options["by"])
    else:
        stdout.write(json.dumps(report_as_dict(report), indent=2, ensure_ascii=False))
