"""`qadesk autoqa run [--from D --to D | --interaction ID]` checks due interactions now;
`qadesk autoqa evaluate GOLD.jsonl --format json|csv` measures the detectors against hand-labelled conversations;
`qadesk autoqa accuracy --format json|csv` prints each check's accuracy against the submitted reviews;
`qadesk autoqa report --by team --from D --to D [--period month] --format json|csv [--user USERNAME]` prints the AQS by
group (as the system, which sees everything, unless --user names whose visibility to use)."""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.accounts.models import User
from qadesk.analytics.management.commands.qreport import system_actor
from qadesk.analytics.selectors import DIMENSIONS, PERIODS
from qadesk.autoqa.engine import Detector
from qadesk.autoqa.evaluation import EVALUATION_COLUMNS, LabelPredictor, evaluate_file
from qadesk.autoqa.services import autoqa_run
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import csv_dict_writer


class Command(BaseCommand):
    help = "Automatic QA: run the detectors now, or evaluate them against a gold file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Check the interactions still due (all, a date range or one).")
        run.add_argument("--from", dest="date_from", type=date.fromisoformat, help="Created from this date (inclusive).")
        run.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Created up to this date (inclusive).")
        run.add_argument("--interaction", type=int, help="One interaction's id.")
        evaluate = sub.add_parser("evaluate", help="Precision, recall and F1 per criterion and language.")
        evaluate.add_argument(
            "gold", help='JSON Lines: the import format plus "gold": {criterion: pass|fail|na} and/or "gold_label": code.'
        )
        evaluate.add_argument("--format", choices=["json", "csv"], default="json")
        accuracy = sub.add_parser("accuracy", help="Each check's agreement with the reviews, per language.")
        accuracy.add_argument("--format", choices=["json", "csv"], default="json")
        report = sub.add_parser("report", help="The AQS by agent, team, site, channel, label, phase or period.")
        report.add_argument("--by", choices=DIMENSIONS, default="team")
        report.add_argument("--from", dest="date_from", type=date.fromisoformat, help="Created from this date (inclusive).")
        report.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Created up to this date (inclusive).")
        report.add_argument("--period", choices=PERIODS, default="month", help="Bucket size with --by period.")
        report.add_argument("--format", choices=["json", "csv"], default="json")
        report.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "report":
            self._report(options)
            return
        if options["action"] == "accuracy":
            self._accuracy(options["format"])
            return
        if options["action"] == "evaluate":
            self._evaluate(options["gold"], options["format"])
            return
        params = {k: str(options[k]) for k in ("interaction", "date_from", "date_to") if options.get(k)}
        job = autoqa_run(params=params)
        self.stdout.write(f"job {job.pk}: {job.counts.get('checked', 0)} of {job.counts.get('due', 0)} due interactions checked")

    def _evaluate(self, path: str, fmt: str) -> None:
        try:
            rows = evaluate_file(path, classifier=self._classifier)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        if fmt == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        writer = csv_dict_writer(self.stdout, list(EVALUATION_COLUMNS))  # type: ignore[arg-type]
        writer.writeheader()
        writer.writerows(rows)

    def _classifier(self) -> tuple[list[Detector], LabelPredictor | None]:
        """The trained contact-reason classifier, read only when the gold file asks about labels."""
        from qadesk.autoqa.label_model import classifier_detectors, classifier_label_predictor

        predict = classifier_label_predictor()
        if predict is None:
            self.stderr.write("No contact-reason classifier is trained: gold_label lines are not scored.")
        return classifier_detectors(), predict

    def _accuracy(self, fmt: str) -> None:
        from qadesk.autoqa.reports import accuracy_rows, as_dict

        rows = [as_dict(row) for row in accuracy_rows(actor=None)]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        flat = [
            {k: v for k, v in row.items() if k != "confusion" and not k.endswith("_interval")}
            | row["confusion"]
            | {k.removesuffix("_interval") + "_low": (row[k] or (None, None))[0] for k in row if k.endswith("_interval")}
            | {k.removesuffix("_interval") + "_high": (row[k] or (None, None))[1] for k in row if k.endswith("_interval")}
            for row in rows
        ]
        columns = list(flat[0]) if flat else ["detector", "criterion", "language", "n"]
        writer = csv_dict_writer(self.stdout, columns)  # type: ignore[arg-type]
        writer.writeheader()
        writer.writerows(flat)

    def _report(self, options: dict[str, Any]) -> None:
        from qadesk.autoqa.aqs import aqs_report
        from qadesk.autoqa.exports import aqs_report_as_dict, aqs_report_write_csv

        actor = system_actor()
        if options.get("user"):
            found = User.objects.filter(username=options["user"]).first()
            if found is None:
                raise CommandError(f"No user {options['user']!r}.")
            actor = found
        try:
            report = aqs_report(
                actor=actor,
                by=options["by"],
                date_from=options.get("date_from"),
                date_to=options.get("date_to"),
                period=options["period"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(aqs_report_as_dict(report), indent=2))
        else:
            aqs_report_write_csv(report, self.stdout)  # type: ignore[arg-type]
