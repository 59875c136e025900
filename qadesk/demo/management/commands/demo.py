"""`qadesk demo [--if-empty] [--force] [--interactions N] [--days N] [--reviews N] [--seed N]`: load the demo."""

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from qadesk.accounts.models import User
from qadesk.core.errors import ApplicationError
from qadesk.demo import catalogue as cat
from qadesk.demo.services import demo_data_exists, demo_load


class Command(BaseCommand):
    help = (
        "Load a deterministic demo contact centre (Milano and Lyon, four teams, about 40 agents, interactions over the last "
        "days, reviews). When the database already holds interactions it refuses, unless --if-empty (then it does nothing "
        "and says so) or --force (then earlier demo interactions and their reviews are replaced; other data is kept)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when interactions already exist.")
        parser.add_argument("--force", action="store_true", help="Replace earlier demo data even though data exists.")
        parser.add_argument("--interactions", type=int, default=20_000, help="How many interactions (default 20000).")
        parser.add_argument("--days", type=int, default=90, help="Over how many days, ending now (default 90).")
        parser.add_argument("--reviews", type=int, default=400, help="How many submitted reviews (default 400).")
        parser.add_argument("--seed", type=int, default=7, help="The same seed gives the same data (default 7).")
        parser.add_argument(
            "--end",
            type=datetime.fromisoformat,
            default=None,
            help="When the period ends (ISO date and time; default now): with the seed, the same data on any day.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_data_exists():
            if options["if_empty"]:
                if options["verbosity"]:  # `make run` asks for -v 0: its console shows the URL and the logins only
                    self.stdout.write(_("Interactions already exist: the demo data was not loaded."))
                if User.objects.filter(username__in=[p.username for p in cat.PERSONAS]).exists():
                    self._print_logins()
                return
            if not options["force"]:
                raise CommandError(
                    _("The database already holds interactions. Use --if-empty to skip or --force to replace the demo data.")
                )
        if options["interactions"] < 1 or options["days"] < 1 or options["reviews"] < 0:
            raise CommandError(_("--interactions and --days must be at least 1, --reviews at least 0."))
        started = time.monotonic()
        self.stdout.write(_("Loading the demo contact centre…"))
        try:
            result = demo_load(
                interactions=options["interactions"],
                days=options["days"],
                reviews=options["reviews"],
                seed=options["seed"],
                replace=options["force"],
                end=_aware(options["end"]),
                progress=self._progress,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _("Demo loaded in {seconds:.1f} s: {agents} agents, {interactions} interactions, {reviews} reviews.").format(
                seconds=time.monotonic() - started, agents=result.agents, interactions=result.interactions, reviews=result.reviews
            )
        )
        self._print_logins()

    def _progress(self, line: str) -> None:
        """One line per stage as the demo loads (it takes a minute at full size), flushed at once."""
        self.stdout.write(f"  {line}")
        self.stdout.flush()

    def _print_logins(self) -> None:
        self.stdout.write(_("Demo logins, all with the password “{password}”:").format(password=cat.PASSWORD))
        for persona in cat.PERSONAS:
            self.stdout.write(
                f"  {persona.username:<12} {persona.role:<10} {persona.language}" + (f"  {persona.team}" if persona.team else "")
            )


def _aware(moment: datetime | None) -> datetime | None:
    """--end in the installation's time zone unless it names its own offset."""
    return timezone.make_aware(moment) if moment is not None and timezone.is_naive(moment) else moment
