"""`qadesk report kpis --by team --from 2026-11-01 --to 2026-11-30 --format json|csv [--user NAME]`: the operational
KPI report on the command line (registered by `qadesk report`, analytics/management/commands/qreport.py)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any, TextIO

from qadesk.accounts.models import User
from qadesk.core.exports import csv_writer
from qadesk.operations.exports import kpi_report_as_dict, kpi_report_write_csv
from qadesk.operations.kpis import KpiSettings
from qadesk.operations.selectors import FILTERS, GROUPINGS, cohort_label, kpi_report, loyalty


def kpis_add_parser(sub: Any) -> None:
    """The `kpis` report's options."""
    parser: argparse.ArgumentParser = sub.add_parser("kpis", help="Operational KPIs (docs/operations.md).")
    parser.add_argument("--by", choices=GROUPINGS, default="team")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First creation day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last creation day, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")
    parser.add_argument("--service-level-seconds", type=int, default=20, help="Answered within T seconds.")
    parser.add_argument("--short-abandon-seconds", type=int, default=5, help="Abandons under this are short.")
    parser.add_argument("--fcr-days", type=int, default=7, help="FCR: no new contact on the same reason within N days.")
    parser.add_argument(
        "--exact",
        action="store_true",
        help="Compute every figure from the contacts; otherwise, on PostgreSQL, medians and 90th percentiles may come "
        "from the daily rollup, within 0.5 %% ('approximate' in the JSON).",
    )
    parser.add_argument(
        "--loyalty",
        action="store_true",
        help="Print 'does resolution bring loyalty?' instead: customers' return by first-contact resolution and bad "
        "experiences (docs/operations.md).",
    )
    parser.add_argument("--loyalty-days", type=int, default=30, help="With --loyalty: the return window in days.")
    for name in FILTERS:
        parser.add_argument(f"--{name}", help=f"Only this {name} (id or code).")


def kpis_print(*, actor: User, options: dict[str, Any], stdout: TextIO) -> None:
    """Print the report as JSON or CSV (stable column names, totals last); with --loyalty, the loyalty cohorts."""
    if options.get("loyalty"):
        _loyalty_print(actor=actor, options=options, stdout=stdout)
        return
    report = kpi_report(
        actor=actor,
        by=options["by"],
        date_from=options["date_from"],
        date_to=options["date_to"],
        filters={name: options[name] for name in FILTERS},
        settings=KpiSettings(
            service_level_seconds=options["service_level_seconds"],
            short_abandon_seconds=options["short_abandon_seconds"],
            fcr_days=options["fcr_days"],
        ),
        exact=options.get("exact", False),
    )
    if options["output"] == "csv":
        kpi_report_write_csv(report, stdout)
    else:
        stdout.write(json.dumps(kpi_report_as_dict(report), indent=2, ensure_ascii=False))


def _loyalty_print(*, actor: User, options: dict[str, Any], stdout: TextIO) -> None:
    report = loyalty(
        actor=actor,
        date_from=options["date_from"],
        date_to=options["date_to"],
        days=options["loyalty_days"],
        fcr_days=options["fcr_days"],
        filters={name: options[name] for name in FILTERS},
    )
    rows = [c.__dict__ | {"label": cohort_label(c.key)} for c in report.cohorts]
    if options["output"] == "csv":
        writer = csv_writer(stdout)
        writer.writerow(["cohort", "label", "customers", "returned", "return_rate", "return_rate_low", "return_rate_high"])
        for row in rows:
            writer.writerow(
                [row[k] for k in ("key", "label", "customers", "returned", "return_rate")]
                + [
                    row["return_rate_low"],
                    row["return_rate_high"],
                ]
            )
        return
    data = report.__dict__ | {"cohorts": rows}
    stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
