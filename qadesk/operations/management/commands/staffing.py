"""`qadesk staffing erlang --calls 100 --interval-minutes 30 --aht-seconds 180 --target-seconds 20 --target-level 0.8
[--shrinkage 0.3] [--agents N] [--max-occupancy 0.85] --format json|text`: Erlang C for one interval
(docs/operations.md). Rates are fractions: 0.8 for 80 %.

`qadesk staffing forecast --day 2026-11-30 [--weeks 4] [--interval-minutes 60] [--channel phone] [--target-seconds 20]
[--target-level 0.8] [--shrinkage 0.3] [--aht-seconds S] [--user NAME] --format json|csv`: per interval of the day,
the contacts forecast from the same weekday of the last weeks, the agents needed, and the agents who worked."""

import dataclasses
import json
import math
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.accounts.models import Role, User
from qadesk.core.errors import ApplicationError
from qadesk.core.exports import csv_writer
from qadesk.operations import erlang
from qadesk.operations.selectors import staffing_forecast

FORECAST_COLUMNS = (
    "time", "forecast", "needed", "needed_with_shrinkage", "actual_contacts", "logged_in", "abandoned",
    "abandonment_rate", "under_staffed",
)  # fmt: skip


class Command(BaseCommand):
    help = "Staffing: Erlang C agents needed for a service level, or the figures for a number of agents."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="model", required=True)
        calc = sub.add_parser("erlang", help="Erlang C for one interval.")
        calc.add_argument("--calls", type=float, required=True, help="Contacts arriving in the interval.")
        calc.add_argument("--interval-minutes", type=float, default=30.0)
        calc.add_argument("--aht-seconds", type=float, required=True, help="Average handle time.")
        calc.add_argument("--target-seconds", type=float, default=20.0, help="Answered within this many seconds…")
        calc.add_argument("--target-level", type=float, default=0.8, help="…for this share of contacts (0.8 = 80 %%).")
        calc.add_argument("--shrinkage", type=float, default=0.0, help="Share of scheduled time away (0.3 = 30 %%).")
        calc.add_argument("--max-occupancy", type=float, default=1.0, help="Busy share of an agent's time at most.")
        calc.add_argument("--agents", type=int, help="Figures for this many agents instead of the agents needed.")
        calc.add_argument("--format", dest="output", choices=("json", "text"), default="json")
        plan = sub.add_parser("forecast", help="Forecast per interval and agents needed vs agents who worked.")
        plan.add_argument("--day", type=date.fromisoformat, required=True, help="The day to staff, YYYY-MM-DD.")
        plan.add_argument("--weeks", type=int, default=4, help="History: the same weekday over this many weeks.")
        plan.add_argument("--interval-minutes", type=int, default=60, choices=(15, 30, 60))
        plan.add_argument("--channel", default="phone", help="Only this channel's contacts; '' for all.")
        plan.add_argument("--target-seconds", type=float, default=20.0, help="Answered within this many seconds…")
        plan.add_argument("--target-level", type=float, default=0.8, help="…for this share of contacts (0.8 = 80 %%).")
        plan.add_argument("--shrinkage", type=float, default=0.0, help="Share of scheduled time away (0.3 = 30 %%).")
        plan.add_argument("--aht-seconds", type=float, help="Handle time; default: the history's mean.")
        plan.add_argument("--user", help="As this user (their visibility); default: the unrestricted system.")
        plan.add_argument("--format", dest="output", choices=("json", "csv"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["model"] == "forecast":
            self._forecast(options)
            return
        try:
            result = erlang.staffing(
                calls=options["calls"],
                interval_seconds=options["interval_minutes"] * 60,
                aht_seconds=options["aht_seconds"],
                target_seconds=options["target_seconds"],
                target_level=options["target_level"],
                shrinkage=options["shrinkage"],
                max_occupancy=options["max_occupancy"],
                agents=options["agents"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        data = dataclasses.asdict(result)
        if math.isinf(data["asa_seconds"]):
            data["asa_seconds"] = None  # the agents cannot keep up: the wait grows without end (JSON has no infinity)
        if options["output"] == "text":
            for name, value in data.items():
                self.stdout.write(f"{name}: {value}")
            return
        self.stdout.write(json.dumps(data, indent=2))

    def _forecast(self, options: dict[str, Any]) -> None:
        actor = User(username="system", role=Role.ADMIN, is_superuser=True)  # in memory, never saved
        if options["user"]:
            found = User.objects.filter(username=options["user"], is_active=True).first()
            if found is None:
                raise CommandError(f"No active user {options['user']}.")
            actor = found
        try:
            rows, aht = staffing_forecast(
                actor=actor,
                day=options["day"],
                weeks=options["weeks"],
                interval_minutes=options["interval_minutes"],
                channel=options["channel"],
                target_seconds=options["target_seconds"],
                target_level=options["target_level"],
                shrinkage=options["shrinkage"],
                aht_seconds=options["aht_seconds"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        intervals = [{name: getattr(row, name) for name in FORECAST_COLUMNS} for row in rows]
        if options["output"] == "csv":
            writer = csv_writer(self.stdout)  # type: ignore[arg-type]
            writer.writerow(FORECAST_COLUMNS)
            for interval in intervals:
                writer.writerow([interval[name] for name in FORECAST_COLUMNS])
            return
        self.stdout.write(json.dumps({"day": options["day"].isoformat(), "aht_seconds": aht, "intervals": intervals}, indent=2))
