"""`qadesk staffing erlang --calls 100 --interval-minutes 30 --aht-seconds 180 --target-seconds 20 --target-level 0.8
[--shrinkage 0.3] [--agents N] [--max-occupancy 0.85] --format json|text`: Erlang C for one interval
(docs/operations.md). Rates are fractions: 0.8 for 80 %."""

import dataclasses
import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.operations import erlang


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

    def handle(self, *args: Any, **options: Any) -> None:
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
