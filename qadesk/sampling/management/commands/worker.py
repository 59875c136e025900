"""`qadesk worker`: runs background jobs (the tasks database backend's `db_worker`); options pass through."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background job worker (database backend). Same options as db_worker, e.g. --batch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run every queued job, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        extra = {"max_tasks": options["max_tasks"]} if options["max_tasks"] else {}
        call_command("db_worker", batch=options["batch"], startup_delay=False, **extra)
