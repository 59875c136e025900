"""`qadesk scorecard export CODE [FILE]` and `qadesk scorecard import FILE`: scorecards as YAML or JSON."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.core.documents import document_write
from qadesk.core.errors import ApplicationError
from qadesk.scorecards.models import Scorecard
from qadesk.scorecards.services import scorecard_load_file, scorecard_version_create, scorecard_version_export


class Command(BaseCommand):
    help = "Export a scorecard's published version to YAML/JSON, or import a file as a new published version."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export")
        export.add_argument("code")
        export.add_argument("path", nargs="?", help="A .yaml/.yml or .json file; YAML to stdout when omitted.")
        export.add_argument("--version", type=int, dest="number", help="Version number (default: the published one).")
        imp = sub.add_parser("import")
        imp.add_argument("path")
        imp.add_argument("--draft", action="store_true", help="Create the version as a draft instead of publishing it.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "export":
                self._export(options["code"], options["path"], options["number"])
            else:
                version = scorecard_version_create(
                    data=scorecard_load_file(path=Path(options["path"])), publish=not options["draft"]
                )
                self.stdout.write(f"{version.scorecard.code} v{version.number} {version.status}")
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc

    def _export(self, code: str, path: str | None, number: int | None) -> None:
        scorecard = Scorecard.objects.filter(code=code).first()
        if scorecard is None:
            raise CommandError(f"No scorecard with code {code!r}.")
        version = scorecard.versions.filter(number=number).first() if number else scorecard.current_version()
        if version is None:
            raise CommandError("That scorecard has no such version.")
        document = scorecard_version_export(version=version)
        document_write(document, path=path, stdout=self.stdout)
