"""`qadesk survey export CODE [FILE]`, `qadesk survey import FILE [--draft]`, `qadesk survey templates`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qadesk.core.documents import document_write
from qadesk.core.errors import ApplicationError
from qadesk.surveys.models import Survey
from qadesk.surveys.services import survey_load_file, survey_templates_install, survey_version_create, survey_version_export


class Command(BaseCommand):
    help = "Surveys as YAML or JSON files: export a version, import a file as a new version, install the shipped templates."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export")
        export.add_argument("code")
        export.add_argument("path", nargs="?", help="A .yaml/.yml or .json file; YAML to stdout when omitted.")
        export.add_argument("--version", type=int, dest="number", help="Version number (default: the published one).")
        imp = sub.add_parser("import")
        imp.add_argument("path")
        imp.add_argument("--draft", action="store_true", help="Create the version as a draft instead of publishing it.")
        sub.add_parser("templates", help="Install the six shipped survey templates that are not installed yet.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "export":
                self._export(options["code"], options["path"], options["number"])
            elif action == "templates":
                installed = survey_templates_install()
                self.stdout.write(f"{len(installed)} templates installed: {', '.join(v.survey.code for v in installed)}")
            else:
                version = survey_version_create(data=survey_load_file(path=Path(options["path"])), publish=not options["draft"])
                self.stdout.write(f"{version.survey.code} v{version.number} {version.status}")
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc

    def _export(self, code: str, path: str | None, number: int | None) -> None:
        survey = Survey.objects.filter(code=code).first()
        if survey is None:
            raise CommandError(f"No survey with code {code!r}.")
        version = survey.versions.filter(number=number).first() if number else survey.current_version()
        if version is None:
            raise CommandError("That survey has no such version.")
        document = survey_version_export(version=version)
        document_write(document, path=path, stdout=self.stdout)
