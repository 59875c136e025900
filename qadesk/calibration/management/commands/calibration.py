"""`qadesk calibration report ID --format json|csv [--user USERNAME]`: the figures of the results endpoint.

Without --user the command runs as the system (an unsaved administrator), like `qadesk report`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.accounts.models import Role, User
from qadesk.calibration.models import CalibrationSession
from qadesk.calibration.selectors import calibration_results
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import csv_dict_writer

CSV_FIELDS = [
    "kind",
    "name",
    "level",
    "alpha",
    "percent_agreement",
    "kappa",
    "kappa_kind",
    "kappa_units",
    "mean_deviation",
    "leniency",
    "alignment",
]


def results_csv_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per level of measurement and one for the review score (overall), one per criterion (worst agreement
    first), one per reviewer."""
    overall = results["overall"]
    rows = [{"kind": "level", "name": row["level"], **_agreement_columns(row)} for row in overall["by_level"]]
    review_score = overall["review_score"]
    rows.append({"kind": "review_score", "name": "", "level": review_score["level"], "alpha": review_score["alpha"]})
    rows.append({"kind": "overall", "name": "", "percent_agreement": overall["percent_agreement"]})
    rows += [{"kind": "criterion", "name": c["code"], **_agreement_columns(c)} for c in results["criteria"]]
    rows += [
        {"kind": "reviewer", "name": r["reviewer"], **{k: r[k] for k in ("mean_deviation", "leniency", "alignment")}}
        for r in results["reviewers"]
    ]
    return rows


def _agreement_columns(row: dict[str, Any]) -> dict[str, Any]:
    kappa = row.get("kappa") or {}
    return {
        "level": row["level"],
        "alpha": row["alpha"],
        "percent_agreement": row["percent_agreement"],
        "kappa": kappa.get("value"),
        "kappa_kind": kappa.get("kind"),
        "kappa_units": kappa.get("units"),
    }


class Command(BaseCommand):
    help = "Calibration. `report ID`: agreement per criterion and overall, and each reviewer's deviation and alignment."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="The results of one session.")
        report.add_argument("session", type=int)
        report.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
        report.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["user"])
        session = CalibrationSession.objects.visible_to(actor).filter(pk=options["session"]).first()
        if session is None:
            raise CommandError(f"No calibration session {options['session']} visible.")
        try:
            results = calibration_results(session=session, actor=actor)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["output"] == "csv":
            writer = csv_dict_writer(self.stdout, CSV_FIELDS)  # type: ignore[arg-type]
            writer.writeheader()
            writer.writerows(results_csv_rows(results))
        else:
            self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))

    def _actor(self, username: str | None) -> User:
        if not username:
            return User(username="system", role=Role.ADMIN, is_superuser=True)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user
