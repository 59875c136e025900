"""The survey parts of `qadesk import` and `qadesk report`: `qadesk import survey-responses FILE [--skip-invalid]` and
`qadesk report surveys --survey ID [--by … | --trend week|month] [--from … --to …] [--format json|csv] [--user NAME]`.
The commands in imports/ and analytics/ add these subparsers and hand over to the functions here."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from qadesk.accounts.models import OrgSettings, User
from qadesk.core.errors import ApplicationError
from qadesk.surveys.exports import (
    gap_as_dict,
    gap_write_csv,
    results_as_dict,
    results_write_csv,
    trend_as_dict,
    trend_write_csv,
)
from qadesk.surveys.gap_selectors import GAP_DIMENSIONS, RATINGS, gap_report
from qadesk.surveys.imports import survey_responses_import_file
from qadesk.surveys.models import Survey
from qadesk.surveys.selectors import DIMENSIONS, TREND_PERIODS, survey_results, survey_trend

IMPORT_KIND = "survey-responses"
REPORT_KIND = "surveys"
GAP_KIND = "survey-gap"


def add_import_parser(sub: Any, **defaults: Any) -> None:
    parser = sub.add_parser(IMPORT_KIND, help="Survey answers collected elsewhere (docs/surveys.md).")
    parser.add_argument("path", help="A .jsonl or .csv file.")
    parser.add_argument("--format", dest="fmt", choices=("jsonl", "csv"), help="Default: guessed from the extension.")
    parser.add_argument("--skip-invalid", action="store_true", help="Commit the valid rows, report the rest.")
    parser.set_defaults(**defaults)


def run_import(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        report = survey_responses_import_file(path=options["path"], fmt=options["fmt"], skip_invalid=options["skip_invalid"])
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    for err in report.errors:
        command.stderr.write(": ".join(p for p in (_("line {line}").format(line=err.line), err.field, err.message) if p))
    if not report.committed:
        raise CommandError(
            _("Nothing was imported: {rows} rows have errors. Fix them or use --skip-invalid.").format(rows=len(report.errors))
        )
    command.stdout.write(
        _("created {created}, updated {updated}, skipped {skipped}").format(
            created=report.created, updated=report.updated, skipped=report.skipped
        )
    )


def add_report_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(REPORT_KIND, help="A survey's CSAT, NPS, CES and response rate.")
    parser.add_argument("--survey", required=True, help="The survey's id or code.")
    grouping = parser.add_mutually_exclusive_group()
    grouping.add_argument("--by", choices=DIMENSIONS)
    grouping.add_argument("--trend", choices=TREND_PERIODS, help="CSAT, NPS and CES per week or month instead.")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")
    return parser


def run_report(command: BaseCommand, options: dict[str, Any], actor: User) -> None:
    wanted = str(options["survey"])
    survey = Survey.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else Survey.objects.filter(code=wanted).first()
    if survey is None:
        raise CommandError(f"No survey {wanted!r}.")
    if options.get("trend"):
        _run_trend(command, options, actor, survey)
        return
    try:
        results = survey_results(
            actor=actor, survey=survey, by=options["by"], date_from=options["date_from"], date_to=options["date_to"]
        )
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    if options["output"] == "csv":
        results_write_csv(results, command.stdout)  # type: ignore[arg-type]
    else:
        command.stdout.write(json.dumps(results_as_dict(results), indent=2, ensure_ascii=False))


def _run_trend(command: BaseCommand, options: dict[str, Any], actor: User, survey: Survey) -> None:
    period, date_from, date_to = options["trend"], options["date_from"], options["date_to"]
    try:
        rows = survey_trend(actor=actor, survey=survey, period=period, date_from=date_from, date_to=date_to)
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    if options["output"] == "csv":
        trend_write_csv(rows, command.stdout)  # type: ignore[arg-type]
        return
    data = trend_as_dict(
        survey_id=survey.pk,
        code=survey.code,
        period=period,
        date_from=date_from,
        date_to=date_to,
        minimum_n=OrgSettings.load().minimum_n,
        rows=rows,
    )
    command.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))


def add_gap_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(GAP_KIND, help="Our scores vs the customer's: IQS beside CSAT/NPS.")
    parser.add_argument("--by", choices=GAP_DIMENSIONS, default="team")
    parser.add_argument("--rating", choices=RATINGS, default="csat", help="The customer rating compared (default csat).")
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last day, inclusive.")
    parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
    parser.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")
    return parser


def run_gap(command: BaseCommand, options: dict[str, Any], actor: User) -> None:
    try:
        report = gap_report(
            actor=actor, by=options["by"], rating=options["rating"], date_from=options["date_from"], date_to=options["date_to"]
        )
    except ApplicationError as exc:
        raise CommandError(str(exc.message)) from exc
    except Http404 as exc:
        raise CommandError(_("This user may not see the gap report.")) from exc
    if options["output"] == "csv":
        gap_write_csv(report, command.stdout)  # type: ignore[arg-type]
    else:
        command.stdout.write(json.dumps(gap_as_dict(report), indent=2, ensure_ascii=False))
