"""`qadesk report quality --by agent --from 2026-09-01 --to 2026-11-30 --format json|csv [--user USERNAME]`.

`qadesk report precision --by agent --margin 5 [--from … --to …]`: reviews needed to know each IQS within ±margin.
`qadesk report discrepancies --by team --a-from … --a-to … --b-from … --b-to …`: significant changes between periods.
`qadesk report reviewer-discrepancies [--from … --to …]`: reviewers whose scores differ significantly from peers'.
Both lists give each row's p_value, p_adjusted (Benjamini–Hochberg over every test the list ran) and significant; a
row is listed when p_adjusted < alpha, every row compared with --all.

`qadesk report kpis --by team --from … --to … --format json|csv`: operational KPIs (qadesk/operations/commands.py).
`qadesk report competence --by agent|team|site --format json|csv`: competence ratings (qadesk/competence/commands.py).
`qadesk report costs --from … --to … --by channel --format json|csv`: the cost report (qadesk/costs/commands.py).
`qadesk report calls --by queue …`: the phone line's delivery figures (qadesk/phoneline/commands.py).
`qadesk report surveys --survey ID --by agent|team|site|channel|label|phase`: a survey's figures (qadesk/surveys).

`qadesk report verify [--fix]`: recompute the quality report's rollup from the reviews, the survey results' rollup
from the answers and, on PostgreSQL, the costs page's daily counts from the contacts, and list every difference (exit
1); with --fix, rebuild the one that differs. `qadesk report rebuild`: rebuild them all (docs/statistics.md,
docs/surveys.md, docs/value.md).

With --user the report holds what that user may see (the same visibility rule as the page and the API).
Without it the command runs as the system: an in-memory administrator that is never saved, so the report
covers every submitted review — whoever can run management commands can read the database anyway."""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qadesk.accounts.models import Role, User
from qadesk.analytics.exports import quality_report_as_dict, quality_report_write_csv, report_as_dict, rows_write_csv
from qadesk.analytics.rollup import quality_rollup_rebuild, quality_rollup_verify
from qadesk.analytics.selectors import (
    DIMENSIONS,
    PERIODS,
    STAT_DIMENSIONS,
    discrepancies,
    precision_plan,
    quality_report,
    reviewer_discrepancies,
)
from qadesk.competence import commands as competence
from qadesk.complaints import commands as complaint_commands
from qadesk.core.errors import ApplicationError
from qadesk.costs import commands as cost_commands
from qadesk.executive import commands as executive
from qadesk.operations.commands import kpis_add_parser, kpis_print
from qadesk.phoneline import commands as phoneline
from qadesk.surveys import commands as surveys

FILTERS = ("agent", "team", "site", "channel", "label", "phase", "reviewee")
MAX_LISTED = 50


def system_actor() -> User:
    """An unsaved administrator standing for the command line: sees everything, is never stored."""
    return User(username="system", role=Role.ADMIN, is_superuser=True)


class Command(BaseCommand):
    help = (
        "Print a report. `quality`: IQS with n and 95 % interval, pass rate, error rates, criteria and root causes; "
        "`precision`, `discrepancies`, `reviewer-discrepancies`: honest statistics (docs/statistics.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        quality = sub.add_parser("quality", help="The quality report.")
        quality.add_argument(
            "--by", default="agent", help=f"One of {', '.join(DIMENSIONS)}, or field:KEY for a declared custom field."
        )
        quality.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First submission day, YYYY-MM-DD.")
        quality.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last submission day, inclusive.")
        quality.add_argument("--period", choices=PERIODS, default="month", help="Bucket size with --by period.")
        quality.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
        quality.add_argument("--as-originally-scored", action="store_true", help="Scores as first submitted, before disputes.")
        quality.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")
        for name in FILTERS:
            quality.add_argument(f"--{name}", help=f"Only this {name} (id or code).")
        precision = sub.add_parser("precision", help="Reviews needed to know each IQS within ±margin points at 95 %.")
        precision.add_argument("--by", choices=STAT_DIMENSIONS, default="agent")
        precision.add_argument("--margin", type=float, default=5.0, help="Wanted half-width of the interval, in points.")
        changes = sub.add_parser("discrepancies", help="Agents or teams whose IQS moved significantly from period A to B.")
        changes.add_argument("--by", choices=STAT_DIMENSIONS, default="agent")
        for name in ("a-from", "a-to", "b-from", "b-to"):
            changes.add_argument(f"--{name}", required=True, type=date.fromisoformat, help="YYYY-MM-DD, inclusive.")
        reviewers = sub.add_parser("reviewer-discrepancies", help="Reviewers whose scores differ significantly from peers'.")
        verify = sub.add_parser("verify", help="Recompute the rollups from the reviews and answers; exit 1 listing differences.")
        verify.add_argument("--fix", action="store_true", help="Rebuild a rollup that differs.")
        sub.add_parser("rebuild", help="Rebuild the rollups from the reviews and survey answers.")
        complaint_commands.add_report_parser(sub)  # `qadesk report complaints`: the complaint register's report
        kpis_add_parser(sub)
        competence.competence_add_parser(sub)
        cost_commands.add_report_parser(sub)  # `qadesk report costs`: the cost report (qadesk/costs/commands.py)
        phoneline.add_report_parser(sub)
        surveys.add_report_parser(sub)
        executive.add_report_parser(sub)
        surveys.add_gap_parser(sub)
        for parser_ in (precision, changes, reviewers):
            if parser_ is not changes:
                parser_.add_argument("--from", dest="date_from", type=date.fromisoformat, help="First submission day.")
                parser_.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Last submission day, inclusive.")
            if parser_ is not precision:
                parser_.add_argument(
                    "--all", dest="include_all", action="store_true", help="Every row compared, not only significant."
                )
            parser_.add_argument("--format", dest="output", choices=("json", "csv"), default="json")
            parser_.add_argument("--user", help="Report as this user (their visibility); default: the unrestricted system.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "complaints":
            complaint_commands.run_report(self, actor=self._actor(options["user"]), options=options)
            return
        if options["report"] == phoneline.KIND:
            phoneline.run_report(self, actor=self._actor(options["user"]), options=options)
            return
        if options["report"] == "kpis":
            try:
                kpis_print(actor=self._actor(options["user"]), options=options, stdout=self.stdout)  # type: ignore[arg-type]
            except ApplicationError as exc:
                raise CommandError(str(exc.message)) from exc
            return
        if options["report"] == executive.REPORT_KIND:
            executive.run_report(self, options)
            return
        if options["report"] == competence.REPORT_KIND:
            try:
                competence.competence_print(actor=self._actor(options["user"]), options=options, stdout=self.stdout)  # type: ignore[arg-type]
            except ApplicationError as exc:
                raise CommandError(str(exc.message)) from exc
            return
        if options["report"] == cost_commands.REPORT_KIND:
            cost_commands.run_report(actor=self._actor(options["user"]), options=options, stdout=self.stdout)  # type: ignore[arg-type]
            return
        if options["report"] == surveys.GAP_KIND:
            surveys.run_gap(self, options, self._actor(options["user"]))
            return
        if options["report"] == surveys.REPORT_KIND:
            surveys.run_report(self, options, self._actor(options["user"]))
            return
        if options["report"] in ("verify", "rebuild"):
            self._rollup(options)
            return
        if options["report"] != "quality":
            self._statistics(options)
            return
        actor = self._actor(options["user"])
        try:
            report = quality_report(
                actor=actor,
                by=options["by"],
                date_from=options["date_from"],
                date_to=options["date_to"],
                period=options["period"],
                filters={name: options[name] for name in FILTERS},
                as_originally_scored=options["as_originally_scored"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["output"] == "csv":
            quality_report_write_csv(report, self.stdout)  # type: ignore[arg-type]
        else:
            self.stdout.write(json.dumps(quality_report_as_dict(report), indent=2, ensure_ascii=False))

    def _statistics(self, options: dict[str, Any]) -> None:
        actor, kind = self._actor(options["user"]), options["report"]
        try:
            if kind == "precision":
                report: Any = precision_plan(
                    actor=actor,
                    by=options["by"],
                    margin=options["margin"],
                    date_from=options["date_from"],
                    date_to=options["date_to"],
                )
                rows = report.groups
            elif kind == "discrepancies":
                report = discrepancies(
                    actor=actor,
                    by=options["by"],
                    period_a=(options["a_from"], options["a_to"]),
                    period_b=(options["b_from"], options["b_to"]),
                    include_all=options["include_all"],
                )
                rows = report.groups
            else:
                report = reviewer_discrepancies(
                    actor=actor, date_from=options["date_from"], date_to=options["date_to"], include_all=options["include_all"]
                )
                rows = report.reviewers
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["output"] == "csv":
            rows_write_csv(rows, self.stdout)  # type: ignore[arg-type]
        else:
            self.stdout.write(json.dumps(report_as_dict(report), indent=2, ensure_ascii=False))

    def _rollup(self, options: dict[str, Any]) -> None:
        """The rollups: the quality report's (against the reviews), the survey results' (against the answers), and on
        PostgreSQL the costs page's and the KPI report's (against the contacts)."""
        from qadesk.surveys.rollup import survey_rollup_rebuild, survey_rollup_verify

        rollups: list[tuple[str, str, Any, Any]] = [
            ("the rollup", "the reviews", quality_rollup_rebuild, quality_rollup_verify),
            ("the survey rollup", "the survey answers", survey_rollup_rebuild, survey_rollup_verify),
        ]
        if connection.vendor == "postgresql":  # SQLite keeps no daily counts for the costs page
            from qadesk.costs.rollup import work_rollup_differences, work_rollup_rebuild

            rollups.append(("the costs rollup", "the contacts", work_rollup_rebuild, work_rollup_differences))
            from qadesk.operations.rollup import kpi_rollup_differences, kpi_rollup_rebuild

            rollups.append(("the operations rollup", "the contacts", kpi_rollup_rebuild, kpi_rollup_differences))
        if options["report"] == "rebuild":
            for name, _source, rebuild, _verify in rollups:
                counts = rebuild()
                self.stdout.write(f"{name.capitalize()} rebuilt: {json.dumps(counts, sort_keys=True)}")
            return
        failures = []
        for name, source, rebuild, verify in rollups:
            differences = verify()
            if not differences:
                self.stdout.write(f"{name.capitalize()} agrees with {source}.")
                continue
            for difference in differences[:MAX_LISTED]:
                self.stdout.write(str(difference))
            if len(differences) > MAX_LISTED:
                self.stdout.write(f"… and {len(differences) - MAX_LISTED} more")
            if not options["fix"]:
                failures.append(f"{len(differences)} differences between {name} and {source}")
                continue
            rebuild()
            left = verify()
            if left:
                failures.append(f"{len(left)} differences remain after rebuilding {name}")
                continue
            self.stdout.write(f"{len(differences)} differences found; {name} was rebuilt and now agrees with {source}.")
        if failures:
            hint = "" if options["fix"] else "; `qadesk report verify --fix` rebuilds it"
            raise CommandError("; ".join(failures) + hint + ".")

    def _actor(self, username: str | None) -> User:
        if not username:
            return system_actor()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user
