"""`qadesk costs import KIND FILE`: labour, support, revenue or segments rows from a CSV or xlsx file (docs/value.md).
All rows or none; each error is printed with its row and field, and the command exits 1."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.analytics.management.commands.qreport import system_actor
from qadesk.core.errors import ApplicationError
from qadesk.costs.services import KINDS, costs_import, read_table


class Command(BaseCommand):
    help = "The cost model: import labour costs, other support costs, revenue or customers per segment."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imports = sub.add_parser("import", help="Import rows of one kind from a CSV or xlsx file.")
        imports.add_argument("kind", choices=list(KINDS))
        imports.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            rows = read_table(content=path.read_bytes(), filename=path.name)
            result = costs_import(actor=system_actor(), kind=options["kind"], rows=rows)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(f"Nothing imported: {len(result.errors)} errors.")
        self.stdout.write(f"{result.saved} rows imported.")
